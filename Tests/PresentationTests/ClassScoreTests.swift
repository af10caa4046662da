import Analysis
import Formats
import Foundation
import Presentation
import Runtime
import XCTest

final class ClassScoreTests: XCTestCase {
  /// Plain-loop softmax in Double, the oracle.
  func referenceSoftmax(_ logits: [Float]) -> [Double] {
    var largest = -Double.infinity
    for l in logits { largest = max(largest, Double(l)) }
    var total = 0.0
    for l in logits { total += exp(Double(l) - largest) }
    return logits.map { exp(Double($0) - largest) / total }
  }

  func testSoftmaxMatchesReference() {
    var state: UInt64 = 7
    let logits: [Float] = (0..<1000).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int(state >> 40) % 2000 - 1000) / 37
    }
    let probabilities = ClassScore.softmax(logits)
    for (p, r) in zip(probabilities, referenceSoftmax(logits)) {
      XCTAssertEqual(Double(p), r, accuracy: 1e-7 + r * 1e-6)
    }
    XCTAssertEqual(probabilities.reduce(0.0) { $0 + Double($1) }, 1, accuracy: 1e-5)
    XCTAssertEqual(ClassScore.softmax([0, log(3)]), [0.25, 0.75])
    // Huge logits do not overflow.
    XCTAssertEqual(ClassScore.softmax([1000, 1000]), [0.5, 0.5])
  }

  func testTopKOrderAndTies() {
    let logits: [Float] = [1, 5, 3, 5, -2, 3]
    let top = ClassScore.top(4, logits: logits)
    XCTAssertEqual(top.map(\.index), [1, 3, 2, 5])
    XCTAssertEqual(top.map(\.logit), [5, 5, 3, 3])
    let reference = referenceSoftmax(logits)
    for score in top {
      XCTAssertEqual(Double(score.probability), reference[score.index], accuracy: 1e-7)
    }
    XCTAssertEqual(ClassScore.top(100, logits: logits).count, 6)
    XCTAssertEqual(ClassScore.top(0, logits: logits), [])
    XCTAssertEqual(ClassScore.top(2, logits: [.nan, 1, 2]).map(\.index), [2, 1])
  }

  func testBatchRows() {
    let rows = ClassScore.top(1, batchLogits: [0, 9, 1, 7, 2, 3], classes: 3)
    XCTAssertEqual(rows.map { $0.map(\.index) }, [[1], [0]])
  }

  func testClassNames() {
    XCTAssertEqual(ClassNames.imagenet1k.count, 1000)
    XCTAssertEqual(Set(ClassNames.imagenet1k).count, 1000)
    XCTAssertEqual(ClassNames.imagenet1k[0], "tench")
    XCTAssertEqual(ClassNames.imagenet1k[285], "Egyptian cat")
    XCTAssertEqual(ClassNames.imagenet1k[999], "toilet tissue")
    XCTAssertEqual(
      ClassNames.cifar10, ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"])
    XCTAssertEqual(ClassNames.name(of: 3, classCount: 10), "cat")
    XCTAssertEqual(ClassNames.name(of: 281, classCount: 1000), "tabby")
    XCTAssertEqual(ClassNames.name(of: 4, classCount: 7), "class 4")
    XCTAssertNil(ClassNames.forClassCount(100))
  }
}

extension ClassScoreTests {
  func testTableLines() {
    var logits = [Float](repeating: 0, count: 1000)
    logits[281] = 5
    logits[285] = 4
    logits[7] = 3
    // Probabilities as torch.softmax gives them for these logits.
    let lines = ClassScore.tableLines(ClassScore.top(3, logits: logits), classCount: 1000)
    XCTAssertEqual(
      lines,
      [
        "1  281  tabby         0.1216",
        "2  285  Egyptian cat  0.0447",
        "3    7  cock          0.0165",
      ])
    XCTAssertEqual(
      ClassScore.tableLines(ClassScore.top(1, logits: [0, 1, 0]), classCount: 3), ["1  1  class 1  0.5761"])
  }
}

extension ClassScoreTests {
  /// Non-finite logits (a NaN or inf in the weights or input) print as `nan` instead of trapping.
  func testTableLinesWithNonFiniteLogits() {
    let nan = ClassScore.tableLines(ClassScore.top(2, logits: [.nan, 1, .nan]), classCount: 3)
    XCTAssertEqual(nan, ["1  1  class 1  nan", "2  0  class 0  nan"])
    let infinite = ClassScore.tableLines(ClassScore.top(1, logits: [.infinity, 0]), classCount: 2)
    XCTAssertEqual(infinite, ["1  0  class 0  nan"], "inf − inf in the softmax is NaN")
  }

  /// Numbers too large for an Int's thousandths, and non-finite ones, keep Swift's own form.
  func testFixedFormatsOfExtremeValues() {
    XCTAssertEqual(String(format3: 1e30), "1e+30")
    XCTAssertEqual(String(format3: -Double.infinity), "-inf")
    XCTAssertEqual(String(format3: 123_456.789_4), "123456.789")
    XCTAssertEqual(NumberFormat.fixed(1e300, 2), "1e+300")
    XCTAssertEqual(NumberFormat.fixed(.nan, 2), "nan")
    XCTAssertEqual(NumberFormat.fixed(-2.5e3, 2), "-2500.00")
  }
}
