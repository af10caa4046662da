import Foundation
import TestSupport
import XCTest

/// One module line of a fixture written by scripts/make_zoo_fixtures.py from torchvision/timm.
struct ReferenceModule: Equatable {
  let path: String
  let kind: String
  /// What a PyTorch forward hook saw (batch 2), nil when the module was never called.
  let outputShape: [Int]?
  /// Own state_dict entries as `name=d0,d1,…`, in PyTorch's order.
  let tensors: [String]
}

/// A fixture: the reference's modules in `named_modules()` order, plus its input shape.
struct ReferenceFixture {
  let inputShape: [Int]
  let modules: [ReferenceModule]

  init(model: String) throws {
    let lines = try String(contentsOf: Fixtures.url("zoo/\(model).txt"), encoding: .utf8).split(separator: "\n")
    let header = lines[0].split(separator: " ")
    inputShape = header[3].split(separator: "x").compactMap { Int($0) }
    modules = lines.dropFirst().map { line in
      let fields = line.split(separator: " ").map(String.init)
      return ReferenceModule(
        path: fields[0] == "-" ? "" : fields[0], kind: fields[1],
        outputShape: fields[2] == "-" ? nil : fields[2].split(separator: "x").compactMap { Int($0) },
        tensors: Array(fields.dropFirst(3)))
    }
  }
}
