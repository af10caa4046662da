// The parsers and decoders fed raw bytes by the fuzzers: one case per libFuzzer target.
import Explorer
import Formats
import Models
import Session

/// A fuzz target: a reader that any bytes may reach, run on one input. Errors are the expected outcome of most
/// inputs; a crash, a sanitizer report, a leak or a hang is a failure.
enum FuzzTarget: String, CaseIterable {
  /// The safetensors reader (header JSON, offsets, dtypes, shapes).
  case safetensors
  /// The `.npy` reader (magic, header dictionary, shape, dtype, byte order).
  case npy
  /// PNG/JPEG decoding through libpng/libjpeg, then torchvision's preprocessing at a small size.
  case image
  /// The btop theme parser.
  case theme
  /// Key sequences, mouse reports and resizes through the explorer's reduce and renderer.
  case keys

  func run(_ bytes: [UInt8]) {
    switch self {
    case .safetensors: _ = try? SafetensorsFile.decode(bytes)
    case .npy: _ = try? NPYArray.decode(bytes)
    case .image:
      guard let image = try? RGBImage(decoding: bytes, name: "fuzz") else { return }
      _ = try? ImagePreprocessing.imagenet(size: 32).tensor(for: image, name: "fuzz")
    case .theme:
      let file = ThemeFile(parsing: bytes, file: "fuzz.theme")
      _ = Theme(name: "fuzz", source: "fuzz.theme", file: file, fallback: .builtInDefault).palette
    case .keys: KeySequence.run(bytes)
    }
  }

  /// Builds what the target keeps for the whole campaign (the keys target's explorer state), before the first
  /// input, so no input's allocations include it.
  func prepare() {
    switch self {
    case .safetensors, .npy, .image, .theme: break
    case .keys: KeySequence.prepare()
    }
  }
}

/// Bytes read as explorer events: each byte picks a key of the binding table, a typed character, a mouse report or
/// a resize (the next bytes give its position or size). Effects are not carried out: reduce and the renderer are
/// what is exercised, on a small CIFAR model opened once.
enum KeySequence {
  private static let initial: ExplorerState? = {
    guard let spec = try? ModelSpec(named: "sknet_cifar"), let model = try? ExplorerModel(session: Session(spec: spec))
    else { return nil }
    return ExplorerState(model: model)
  }()

  private static let keys: [Key] = {
    var keys = KeyBindings.table.flatMap { $0.keys.map(\.0) }
    keys += [.enter, .escape, .tab, .backTab, .backspace, .delete, .home, .end, .control("a"), .control("u")]
    return keys
  }()

  private static let typed: [Character] = Array("0123456789 ×x*abcz[](){}.+?^$\\|/-_,:'\"~層⣿🔥é\u{301}\u{200B}\u{202E}")

  /// Opens the model and renders its first frame once.
  static func prepare() {
    if let initial { _ = ExplorerRenderer.render(initial, size: initial.size) }
  }

  static func run(_ bytes: [UInt8]) {
    guard var state = initial else { return }
    var at = 0
    func next() -> Int {
      defer { at += 1 }
      return at < bytes.count ? Int(bytes[at]) : 0
    }
    var events = 0
    while at < bytes.count && events < 64 {
      let byte = next()
      let action: ExplorerAction
      switch byte {
      case 0..<160: action = .key(keys[byte % keys.count])
      case 160..<208: action = .key(.character(typed[byte % typed.count]))
      case 208..<232:
        let kinds: [MouseEvent.Kind] = [.press, .wheelUp, .wheelDown]
        action = .mouse(MouseEvent(x: next() - 8, y: next() - 8, kind: kinds[byte % 3]))
      default: action = .resize(TerminalSize(width: next() + next(), height: next() / 2))
      }
      _ = state.apply(action)
      state.shouldQuit = false
      events += 1
      if events % 8 == 0 { _ = ExplorerRenderer.render(state, size: state.size) }
    }
    _ = ExplorerRenderer.render(state, size: state.size)
  }
}
