enum ResNeSt { static let zoo: [ZooModel] = [] }
