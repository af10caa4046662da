// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON
// header mapping tensor names to dtype, shape and data offsets, then one contiguous data section.

/// Element types a safetensors file may declare; the readable ones are converted as noted.
package enum SafetensorsDType: String, CaseIterable, Sendable {
  case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
  case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
  case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8", bool = "BOOL"
  case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

  /// Bytes per element.
  package var size: Int {
    switch self {
    case .f64, .i64, .u64: return 8
    case .f32, .i32, .u32: return 4
    case .f16, .bf16, .i16, .u16: return 2
    case .i8, .u8, .bool, .f8e4m3, .f8e5m2: return 1
    }
  }
}

/// A tensor as stored in a weights file: its declared dtype, shape and values
/// (floating dtypes converted to Float, I64 kept as integers).
package struct StoredTensor: Equatable, Sendable {
  /// The values, in C order.
  package enum Values: Equatable, Sendable {
    case float([Float])
    case int64([Int64])
  }

  package var dtype: SafetensorsDType
  package var shape: [Int]
  package var values: Values

  /// An F32 tensor.
  package init(shape: [Int], floats: [Float]) {
    precondition(ScalarBytes.elementCount(shape) == floats.count, "shape and value count disagree")
    dtype = .f32
    self.shape = shape
    values = .float(floats)
  }

  /// An I64 tensor (BatchNorm's `num_batches_tracked`).
  package init(shape: [Int], int64s: [Int64]) {
    precondition(ScalarBytes.elementCount(shape) == int64s.count, "shape and value count disagree")
    dtype = .i64
    self.shape = shape
    values = .int64(int64s)
  }

  package init(dtype: SafetensorsDType, shape: [Int], values: Values) {
    self.dtype = dtype
    self.shape = shape
    self.values = values
  }

  /// The values as Floats when the dtype is a floating one.
  package var floats: [Float]? {
    if case .float(let f) = values { return f }
    return nil
  }
}

/// A whole safetensors file: optional string metadata and named tensors in data order.
package struct SafetensorsFile: Equatable, Sendable {
  /// Headers larger than this are refused before anything is allocated for them.
  package static let maxHeaderBytes = 100_000_000

  package var metadata: [(String, String)]
  package var tensors: [(name: String, tensor: StoredTensor)]

  package init(metadata: [(String, String)] = [], tensors: [(name: String, tensor: StoredTensor)]) {
    self.metadata = metadata
    self.tensors = tensors
  }

  package static func == (a: SafetensorsFile, b: SafetensorsFile) -> Bool {
    a.metadata.elementsEqual(b.metadata, by: ==)
      && a.tensors.elementsEqual(b.tensors) { $0.name == $1.name && $0.tensor == $1.tensor }
  }

  /// The tensor stored under `name`.
  package subscript(name: String) -> StoredTensor? { tensors.first { $0.name == name }?.tensor }
}

/// What is wrong with a safetensors file; each description is one line.
package enum SafetensorsError: Error, CustomStringConvertible, Equatable {
  case io(FileIOError)
  case tooShort(size: Int)
  /// The file starts with another format's signature (a PNG, a PyTorch zip, a pickle, …).
  case otherFormat(String)
  case headerTooLarge(length: UInt64)
  case headerPastEnd(length: UInt64, available: Int)
  case headerNotJSON(JSONParseError)
  case headerNotObject
  case badMetadata(String)
  case badEntry(name: String, reason: String)
  case unsupportedDType(name: String, dtype: String)
  case sizeMismatch(name: String, dtype: SafetensorsDType, shape: [Int], bytes: Int)
  case offsetsReversed(name: String, begin: Int, end: Int)
  case offsetsOutside(name: String, begin: Int, end: Int, dataSize: Int)
  case hole(before: String, begin: Int, gapStart: Int)
  case overlap(name: String, other: String, begin: Int, otherEnd: Int)
  case trailingBytes(covered: Int, dataSize: Int)

  package var description: String {
    switch self {
    case .io(let e): return e.description
    case .tooShort(let size):
      return "safetensors file is \(size) bytes, too short for the 8-byte header length"
    case .otherFormat(let format):
      return "not a safetensors file: starts with \(format) signature"
    case .headerTooLarge(let length):
      return "safetensors header length \(length) exceeds the \(SafetensorsFile.maxHeaderBytes)-byte limit"
    case .headerPastEnd(let length, let available):
      return "safetensors header length \(length) runs past the end of the file (\(available) bytes follow)"
    case .headerNotJSON(let e): return "safetensors header is not JSON: \(e)"
    case .headerNotObject: return "safetensors header is not a JSON object"
    case .badMetadata(let reason): return "safetensors __metadata__ \(reason)"
    case .badEntry(let name, let reason): return "safetensors tensor '\(name)': \(reason)"
    case .unsupportedDType(let name, let dtype):
      return "safetensors tensor '\(name)': dtype \(dtype) is not supported (F32, F16, BF16, F64, I64)"
    case .sizeMismatch(let name, let dtype, let shape, let bytes):
      let count = ScalarBytes.elementCount(shape).map(String.init) ?? "overflowing"
      return "safetensors tensor '\(name)': \(dtype.rawValue) \(ScalarBytes.describe(shape)) needs \(count) × "
        + "\(dtype.size) bytes but data_offsets span \(bytes)"
    case .offsetsReversed(let name, let begin, let end):
      return "safetensors tensor '\(name)': data_offsets [\(begin), \(end)] are reversed (begin after end)"
    case .offsetsOutside(let name, let begin, let end, let dataSize):
      return
        "safetensors tensor '\(name)': data_offsets [\(begin), \(end)] lie outside the \(dataSize)-byte data section"
    case .hole(let before, let begin, let gapStart):
      return "safetensors data has a hole: bytes \(gapStart)..<\(begin) before tensor '\(before)' belong to no tensor"
    case .overlap(let name, let other, let begin, let otherEnd):
      return "safetensors tensor '\(name)' starts at \(begin), overlapping '\(other)' which ends at \(otherEnd)"
    case .trailingBytes(let covered, let dataSize):
      return "safetensors data section is \(dataSize) bytes but tensors cover only \(covered)"
    }
  }
}

extension SafetensorsFile {
  /// Reads and validates the file at `path`.
  package static func read(path: String) throws(SafetensorsError) -> SafetensorsFile {
    let bytes: [UInt8]
    do { bytes = try FileBytes.read(path) } catch { throw .io(error) }
    return try decode(bytes)
  }

  /// The format whose signature `bytes` start with, when it is a well-known one that is not safetensors.
  static func otherFormat(_ bytes: [UInt8]) -> String? {
    let signatures: [([UInt8], String)] = [
      ([0x89, 0x50, 0x4E, 0x47], "a PNG"), ([0xFF, 0xD8, 0xFF], "a JPEG"), ([0x93, 0x4E, 0x55, 0x4D], "a NumPy .npy"),
      ([0x50, 0x4B, 0x03, 0x04], "a zip (PyTorch .pth? convert it: scripts/convert_checkpoint.py)"),
      ([0x80, 0x02], "a Python pickle (PyTorch .pth? convert it: scripts/convert_checkpoint.py)"),
      ([0x80, 0x03], "a Python pickle (PyTorch .pth? convert it: scripts/convert_checkpoint.py)"),
      ([0x80, 0x04], "a Python pickle (PyTorch .pth? convert it: scripts/convert_checkpoint.py)"),
      ([0x80, 0x05], "a Python pickle (PyTorch .pth? convert it: scripts/convert_checkpoint.py)"),
      ([0x1F, 0x8B], "a gzip"), ([0x7B], "a JSON text"),
    ]
    return signatures.first { bytes.starts(with: $0.0) }?.1
  }

  /// Validates and decodes a whole file's bytes: header bounds, JSON, every entry's fields,
  /// sizes against dtype × shape, and offsets covering the data exactly once, in order.
  package static func decode(_ bytes: [UInt8]) throws(SafetensorsError) -> SafetensorsFile {
    guard bytes.count >= 8 else { throw .tooShort(size: bytes.count) }
    let headerLength = ScalarBytes.uintLE(bytes, at: 0, count: 8)
    if headerLength > UInt64(bytes.count - 8), let format = otherFormat(bytes) { throw .otherFormat(format) }
    guard headerLength <= UInt64(maxHeaderBytes) else { throw .headerTooLarge(length: headerLength) }
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw .headerPastEnd(length: headerLength, available: bytes.count - 8)
    }
    let dataStart = 8 + Int(headerLength)
    let dataSize = bytes.count - dataStart
    let header: JSONValue
    do { header = try JSONParser.parse(Array(bytes[8..<dataStart])) } catch { throw .headerNotJSON(error) }
    guard case .object(let members) = header else { throw .headerNotObject }

    var metadata: [(String, String)] = []
    struct Entry {
      var name: String
      var dtype: SafetensorsDType
      var shape: [Int]
      var begin: Int
      var end: Int
    }
    var entries: [Entry] = []
    for (name, value) in members {
      if name == "__metadata__" {
        guard case .object(let pairs) = value else { throw .badMetadata("is not an object") }
        for (k, v) in pairs {
          guard case .string(let s) = v else { throw .badMetadata("value of '\(k)' is not a string") }
          metadata.append((k, s))
        }
        continue
      }
      entries.append(try parseEntry(name: name, value: value, dataSize: dataSize))
    }

    // Offsets must tile the data section: sorted by begin, each starting where the previous ended.
    let ordered = entries.enumerated().sorted {
      ($0.element.begin, $0.element.end, $0.offset) < ($1.element.begin, $1.element.end, $1.offset)
    }.map(\.element)
    var covered = 0
    var previous: String?
    for entry in ordered {
      if entry.begin > covered { throw .hole(before: entry.name, begin: entry.begin, gapStart: covered) }
      if entry.begin < covered {
        throw .overlap(name: entry.name, other: previous ?? "", begin: entry.begin, otherEnd: covered)
      }
      covered = entry.end
      previous = entry.name
    }
    guard covered == dataSize else { throw .trailingBytes(covered: covered, dataSize: dataSize) }

    var tensors: [(name: String, tensor: StoredTensor)] = []
    tensors.reserveCapacity(ordered.count)
    for entry in ordered {
      let count = entry.shape.reduce(1, *)  // checked in parseEntry
      let at = dataStart + entry.begin
      let values: StoredTensor.Values
      switch entry.dtype {
      case .f32: values = .float(ScalarBytes.decodeFloat32(bytes, at: at, count: count))
      case .f16:
        values = .float(
          ScalarBytes.decodeFloats(bytes, at: at, count: count, width: 2) {
            ScalarBytes.floatFromHalf(UInt16(truncatingIfNeeded: $0))
          })
      case .bf16:
        values = .float(
          ScalarBytes.decodeFloats(bytes, at: at, count: count, width: 2) {
            ScalarBytes.floatFromBFloat16(UInt16(truncatingIfNeeded: $0))
          })
      case .f64:
        values = .float(
          ScalarBytes.decodeFloats(bytes, at: at, count: count, width: 8) { Float(Double(bitPattern: $0)) })
      case .i64:
        values = .int64((0..<count).map { Int64(bitPattern: ScalarBytes.uintLE(bytes, at: at + 8 * $0, count: 8)) })
      case .i32, .i16, .i8, .u64, .u32, .u16, .u8, .bool, .f8e4m3, .f8e5m2:
        preconditionFailure("parseEntry admits only readable dtypes")
      }
      tensors.append((entry.name, StoredTensor(dtype: entry.dtype, shape: entry.shape, values: values)))
    }
    return SafetensorsFile(metadata: metadata, tensors: tensors)

    func parseEntry(name: String, value: JSONValue, dataSize: Int) throws(SafetensorsError) -> Entry {
      guard case .object(let fields) = value else { throw .badEntry(name: name, reason: "entry is not an object") }
      for (key, _) in fields where !["dtype", "shape", "data_offsets"].contains(key) {
        throw .badEntry(name: name, reason: "unknown field '\(key)'")
      }
      guard case .string(let dtypeName) = value["dtype"] else {
        throw .badEntry(name: name, reason: "missing or non-string dtype")
      }
      guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
        throw .badEntry(name: name, reason: "unknown dtype \(dtypeName)")
      }
      guard [.f32, .f16, .bf16, .f64, .i64].contains(dtype) else {
        throw .unsupportedDType(name: name, dtype: dtypeName)
      }
      guard case .array(let dims) = value["shape"] else { throw .badEntry(name: name, reason: "missing shape") }
      var shape: [Int] = []
      for d in dims {
        guard case .integer(let v) = d, v >= 0, v <= Int64(Int.max) else {
          throw .badEntry(name: name, reason: "shape \(JSONValue.array(dims).serialized) is not a list of sizes")
        }
        shape.append(Int(v))
      }
      guard case .array(let offsets) = value["data_offsets"], offsets.count == 2,
        case .integer(let b) = offsets[0], case .integer(let e) = offsets[1], b >= 0, e >= 0
      else { throw .badEntry(name: name, reason: "data_offsets is not a pair of byte offsets") }
      let begin = Int(b)
      let end = Int(e)
      guard begin <= end else { throw .offsetsReversed(name: name, begin: begin, end: end) }
      guard end <= dataSize else { throw .offsetsOutside(name: name, begin: begin, end: end, dataSize: dataSize) }
      let count = ScalarBytes.elementCount(shape)
      let needed = count?.multipliedReportingOverflow(by: dtype.size)
      guard let needed, !needed.overflow, needed.partialValue == end - begin else {
        throw .sizeMismatch(name: name, dtype: dtype, shape: shape, bytes: end - begin)
      }
      return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }
  }

  /// The file's bytes: F32 / I64 data in the stored order, header padded with spaces to 8 bytes.
  package func encoded() -> [UInt8] {
    var header: [(String, JSONValue)] = []
    if !metadata.isEmpty { header.append(("__metadata__", .object(metadata.map { ($0.0, .string($0.1)) }))) }
    var offset = 0
    for (name, tensor) in tensors {
      let dtype: SafetensorsDType
      let size: Int
      switch tensor.values {
      case .float(let f): (dtype, size) = (.f32, f.count * 4)
      case .int64(let i): (dtype, size) = (.i64, i.count * 8)
      }
      let entry: JSONValue = .object([
        ("dtype", .string(dtype.rawValue)),
        ("shape", .array(tensor.shape.map { .integer(Int64($0)) })),
        ("data_offsets", .array([.integer(Int64(offset)), .integer(Int64(offset + size))])),
      ])
      header.append((name, entry))
      offset += size
    }
    var headerBytes = Array(JSONValue.object(header).serialized.utf8)
    while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
    var out: [UInt8] = []
    out.reserveCapacity(8 + headerBytes.count + offset)
    ScalarBytes.appendUIntLE(UInt64(headerBytes.count), count: 8, to: &out)
    out += headerBytes
    for (_, tensor) in tensors {
      switch tensor.values {
      case .float(let f): ScalarBytes.appendFloats(f, to: &out)
      case .int64(let values): for v in values { ScalarBytes.appendUIntLE(UInt64(bitPattern: v), count: 8, to: &out) }
      }
    }
    return out
  }

  /// Writes the file atomically (temp file beside `path`, then rename).
  package func write(path: String) throws(FileIOError) {
    try FileBytes.writeAtomically(encoded(), to: path)
  }
}
