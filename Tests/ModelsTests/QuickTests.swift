import XCTest
import Models
import NN

final class QuickTests: XCTestCase {
  func testResNetTotals() throws {
    for (name, params, macs) in [("resnet18", 11689512, 1814073344), ("resnet50", 25557032, 4089184256), ("resnet152", 60192808, 11513626624)] {
      let a = try Zoo.model(named: name).analyze()
      XCTAssertEqual(a.totalParams, params, name)
      XCTAssertEqual(a.totalMACs, macs, name)
      print(name, a.outputShape, a.node("layer1")!.outputShape!, a.node("layer4.0.conv1")!.receptiveField!, try Zoo.model(named: name).build().steps.count)
    }
  }
}
