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
    // The activation statistics' loops over memory (extremes, sums, squares, histograms), built for AVX2 and
    // baseline x86-64 and chosen per call by cpuid.
    .target(name: "CStatistics"),
    // TensorCore's AVX-512 SGEMM: built for baseline x86-64, its kernels enable AVX-512 per function and
    // run only where cpuid says the CPU has it.
    .target(name: "CGEMM"),
    // Winograd F(4×4, 3×3)'s tile transforms, cloned for AVX2 and baseline x86-64.
    .target(name: "CWinograd"),
    // The seeded weights' xoshiro256** stream, cut into pieces by jumping ahead and drawn in AVX2 lanes.
    .target(name: "CRandom"),

    // MARK: - Layers of the design, bottom to top (ARCHITECTURE.md has the map)
    .target(name: "TensorCore", dependencies: ["CBLAS", "CGEMM", "CWinograd", "CRandom"]),
    // The module graph: modules, layer configs, networks and their forward steps (no tensors).
    .target(name: "Graph"),
    // Static analysis of a graph at an input shape: shapes, params, MACs, memory, limits.
    .target(name: "Analysis", dependencies: ["Graph"]),
    // File formats: safetensors, .npy, PNG/JPEG decoding and preprocessing, class names.
    .target(name: "Formats", dependencies: ["TensorCore", "CImage"]),
    // Execution: the executor over a graph, weights, observers, statistics, scores.
    .target(name: "Runtime", dependencies: ["TensorCore", "Graph", "Formats", "CStatistics"]),
    // The zoo: builders of every model, the model value (ModelSpec) and the catalogue.
    .target(name: "Models", dependencies: ["Graph", "Analysis"]),
    // One forward-pass session: a model spec with its weights, input and executor.
    .target(name: "Session", dependencies: ["TensorCore", "Graph", "Analysis", "Formats", "Runtime", "Models"]),
    // Presentation: tables, markdown and JSON of analyses, runs and listings.
    .target(
      name: "Presentation", dependencies: ["TensorCore", "Graph", "Analysis", "Formats", "Runtime", "Models", "Session"]),
    .target(
      name: "Explorer",
      dependencies: ["TensorCore", "Graph", "Analysis", "Formats", "Runtime", "Models", "Session", "Presentation", "CNCurses"]),
    .executableTarget(
      name: "convscope",
      dependencies: [
        "TensorCore", "Graph", "Analysis", "Formats", "Runtime", "Models", "Session", "Presentation", "Explorer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Tests (one target per library target; fixtures are found through TestSupport, not bundles)
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
    .testTarget(name: "AnalysisTests", dependencies: ["Graph", "Analysis", "TestSupport"]),
    .testTarget(name: "FormatsTests", dependencies: ["TensorCore", "Formats", "Runtime", "Presentation", "TestSupport"]),
    .testTarget(name: "RuntimeTests", dependencies: ["TensorCore", "Graph", "Analysis", "Formats", "Runtime", "Presentation", "TestSupport"]),
    .testTarget(name: "ModelsTests", dependencies: ["TensorCore", "Graph", "Analysis", "Formats", "Runtime", "Models", "Session", "Presentation", "TestSupport"]),
    .testTarget(name: "PresentationTests", dependencies: ["Graph", "Analysis", "Formats", "Runtime", "Models", "Presentation", "TestSupport"]),
    .testTarget(
      name: "ExplorerTests",
      dependencies: ["TensorCore", "Graph", "Analysis", "Formats", "Runtime", "Models", "Session", "Presentation", "Explorer", "TestSupport"],
      exclude: ["Snapshots"]),

    // MARK: - Fuzzing (make fuzz): libFuzzer targets over every reader bytes can reach; a plain build replays corpora
    .executableTarget(
      name: "convscope-fuzz", dependencies: ["Formats", "Models", "Session", "Explorer"], path: "Tests/Fuzz",
      exclude: ["Corpus"]),
  ],
  swiftLanguageModes: [.v6]
)
