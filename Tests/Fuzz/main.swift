// convscope-fuzz: the libFuzzer driver of the fuzz targets, or (in a plain build) a replayer of their corpora.
//
//   swift build -c release --scratch-path .build-fuzz --product convscope-fuzz \
//     -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xcc -fsanitize=fuzzer-no-link,address
//   .build-fuzz/release/convscope-fuzz TARGET [libFuzzer flags] [CORPUS…]     (make fuzz, make fuzz-smoke)
//   .build/release/convscope-fuzz TARGET FILE…                                 (plain build: run each file once)
import Formats

#if canImport(Glibc)
  import Glibc
#endif

/// A line on stderr (the C `stderr` global is not concurrency-safe to name in Swift 6).
func complain(_ line: String) {
  var text = line + "\n"
  text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
  let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
  complain("usage: convscope-fuzz \(names) [libFuzzer flags | FILE…]")
  exit(2)
}
nonisolated(unsafe) var chosen = target

#if FUZZING
  /// libFuzzer's entry with a callback, so this file keeps its own main (and a plain build still links).
  @_silgen_name("LLVMFuzzerRunDriver")
  func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
  ) -> Int32

  /// LeakSanitizer's scoped switch (the ASan runtime has it; C's `__lsan::ScopedDisabler` is this pair).
  @_silgen_name("__lsan_disable") func lsanDisable()
  @_silgen_name("__lsan_enable") func lsanEnable()

  // What a target keeps for the whole campaign is built with leak detection off, and only that: the keys target's
  // explorer state holds the wiring view's `indirect enum WiringStage` values, whose boxes are referenced by
  // pointers carrying Swift's spare-bit case tags, which LeakSanitizer does not recognise as pointers, so it took
  // the boxes for leaks (5.7 KB). Objects allocated while it is off are never reported and are scanned as roots,
  // so what inputs allocate from them is still checked. The same construction dropped again frees everything (the
  // ExplorerTests build and release such models under LeakSanitizer in make test's unit-test run).
  lsanDisable()
  chosen.prepare()
  lsanEnable()

  // libFuzzer sees the arguments without the target's name.
  var argc = CommandLine.argc - 1
  var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
  argv?[1] = argv?[0]
  argv = argv.map { $0 + 1 }
  exit(
    LLVMFuzzerRunDriver(&argc, &argv) { data, size in
      chosen.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
      return 0
    })
#else
  for path in arguments.dropFirst(2) {
    guard let bytes = try? FileBytes.read(path) else {
      complain("convscope-fuzz: cannot read \(path)")
      exit(1)
    }
    chosen.run(bytes)
  }
  print("convscope-fuzz \(target.rawValue): \(arguments.count - 2) inputs, no crash")
#endif
