enum SKNet { static let zoo: [ZooModel] = [] }
