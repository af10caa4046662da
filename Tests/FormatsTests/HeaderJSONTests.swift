// The strict JSON parser used for safetensors headers.
import Formats
import XCTest

final class HeaderJSONTests: XCTestCase {
  private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

  func testParsesValuesAndKeepsKeyOrder() throws {
    let value = try parse(#" {"b": [1, -2, 3.5e2, true, false, null], "a": {"s": "x\"\\\/\n\u00e9\ud83d\ude00"}} "#)
    XCTAssertEqual(
      value,
      .object([
        ("b", .array([.integer(1), .integer(-2), .number(350), .bool(true), .bool(false), .null])),
        ("a", .object([("s", .string("x\"\\/\né😀"))])),
      ]))
    XCTAssertEqual(try parse("9223372036854775807"), .integer(.max))
    XCTAssertEqual(try parse("9223372036854775808"), .number(9_223_372_036_854_775_808))
    XCTAssertEqual(try parse(value.serialized), value)
  }

  func testRejectsInvalidText() {
    for text in [
      "", "01", "1.", "-", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "\"abc", "\"\\x\"", "\"\\ud800\"", "tru", "[1] [2]",
      "{\"a\":1,\"a\":1}", "\"\u{01}\"", "{1:2}",
    ] {
      XCTAssertThrowsError(try parse(text), text)
    }
    XCTAssertThrowsError(try JSONParser.parse([0x22, 0xFF, 0x22]))  // invalid UTF-8 in a string
  }

  func testANumberBeyondADoubleIsRefusedByItsText() {
    XCTAssertThrowsError(try parse("[1e400]")) { error in
      XCTAssertEqual("\(error)", "invalid JSON at byte 6: number 1e400 is out of the range of a double")
    }
    XCTAssertThrowsError(try parse("-1E+999"))
  }
}
