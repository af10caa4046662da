// swift-tools-version:6.0
// convscope — explore classic convolutional networks from a terminal.
import PackageDescription

let package = Package(
  name: "convscope",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "convscope", targets: ["convscope"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // MARK: - C libraries (each imported by exactly one Swift file)
    .systemLibrary(
      name: "CBLAS", path: "Sources/CBLAS",
      pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    // No pkgConfig: SwiftPM drops ncursesw's -D flags, the shim defines NCURSES_WIDECHAR itself.
    .systemLibrary(
      name: "CNCurses", path: "Sources/CNCurses",
      providers: [.apt(["libncursesw5-dev"])]),
    // libpng + libjpeg-turbo behind one C file that keeps their setjmp/longjmp error handling.
    .target(
      name: "CImage",
      linkerSettings: [.linkedLibrary("png"), .linkedLibrary("jpeg")]),
    // TensorCore's AVX-512 SGEMM: built for baseline x86-64, its kernels enable AVX-512 per function and
    // run only where cpuid says the CPU has it.
    .target(name: "CGEMM"),

    // MARK: - Layers of the design: TensorCore ← NN ← Models ← Explorer ← convscope
    .target(name: "TensorCore", dependencies: ["CBLAS", "CGEMM"]),
    .target(name: "NN", dependencies: ["TensorCore", "CImage"]),
    .target(name: "Models", dependencies: ["NN"]),
    .target(name: "Explorer", dependencies: ["Models", "CNCurses"]),
    .executableTarget(
      name: "convscope",
      dependencies: [
        "TensorCore", "NN", "Models", "Explorer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Tests (one target per library target)
    .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"], resources: [.copy("Fixtures")]),
    .testTarget(name: "NNTests", dependencies: ["NN"], resources: [.copy("Fixtures")]),
    .testTarget(name: "ModelsTests", dependencies: ["Models"], resources: [.copy("Fixtures")]),
    .testTarget(name: "ExplorerTests", dependencies: ["Explorer"], exclude: ["Snapshots"]),
  ],
  swiftLanguageModes: [.v6]
)
