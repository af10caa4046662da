enum SENet { static let zoo: [ZooModel] = [] }
