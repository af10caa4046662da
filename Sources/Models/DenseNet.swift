enum DenseNet { static let zoo: [ZooModel] = [] }
