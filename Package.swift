// swift-tools-version:6.0
// Horizon: a notebook-style forecasting REPL.
//
// The engine is a set of libraries by concept; `horizon` is a thin executable over them.
// C libraries from Debian (readline, zlib, liblzma) come in as system-library targets.
import Foundation
import PackageDescription

/// The CPU the numeric code is compiled for. By default Haswell's instruction set, x86-64-v3
/// (AVX2 and FMA: every x86 server CPU since about 2013–2015), so one build runs on whatever
/// machine a cluster hands it; `HORIZON_CPU=native` compiles for the building machine instead
/// (AVX-512 on ours), an explicit opt-in for local benchmarks whose cost the README measures.
/// Baseline x86-64 is no option: without FMA, SIMD code degrades to scalar `fmaf` calls
/// (shared/notes/swift-engineering.md).
#if arch(x86_64)
let portableCPU = "haswell"  // the x86-64-v3 level: AVX2, FMA, BMI2 (swiftc takes CPU names, not levels)
#else
let portableCPU = "generic"  // aarch64: NEON and FMA are part of the baseline
#endif
let targetCPU = ProcessInfo.processInfo.environment["HORIZON_CPU"] ?? portableCPU

/// Numeric code is compiled with math-errno off and without exclusivity or bounds checks:
/// without these flags SIMD code degrades to scalar calls.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked", "-target-cpu", targetCPU, "-Xcc", "-fno-math-errno"]),
]

let package = Package(
    name: "Horizon",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "horizon", targets: ["horizon"]),
        .library(name: "HorizonLanguage", targets: ["HorizonLanguage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The run log is a real SQLite database (transactions, WAL for concurrent sessions).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CLZMA", path: "Sources/CLZMA"),

        .target(name: "HorizonCore"),
        .target(name: "HorizonForecast", dependencies: ["HorizonCore", "HorizonData"]),
        .target(name: "HorizonTensor", dependencies: ["HorizonCore", "CZlib"], swiftSettings: fastMath),
        .target(name: "HorizonData", dependencies: ["HorizonCore", "CZlib", "CLZMA"]),
        .target(name: "HorizonModels", dependencies: ["HorizonCore", "HorizonData", "HorizonForecast", "HorizonTensor"], swiftSettings: fastMath),
        .target(name: "HorizonEvaluation", dependencies: ["HorizonCore", "HorizonData", "HorizonForecast"]),
        .target(name: "HorizonPlot", dependencies: ["HorizonCore", "HorizonData", "HorizonForecast"]),
        .target(name: "HorizonRuns", dependencies: ["HorizonCore", "HorizonForecast", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "HorizonLanguage",
            dependencies: ["HorizonCore", "HorizonData", "HorizonForecast", "HorizonModels", "HorizonEvaluation", "HorizonPlot", "HorizonRuns"]
        ),
        .target(name: "HorizonNotebook", dependencies: ["HorizonCore", "HorizonLanguage"]),
        .target(name: "HorizonFuzzing", dependencies: ["HorizonCore", "HorizonData", "HorizonLanguage", "HorizonModels", "HorizonPlot"]),
        .executableTarget(
            name: "horizon",
            dependencies: [
                "HorizonLanguage", "HorizonNotebook", "HorizonRuns", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "generate-retail-demo", dependencies: ["HorizonCore", "HorizonData"]),
        .executableTarget(name: "horizon-bench", dependencies: ["HorizonCore", "HorizonTensor", "HorizonData", "HorizonForecast", "HorizonModels", "HorizonEvaluation"],
                          swiftSettings: fastMath),

        .testTarget(name: "HorizonCoreTests", dependencies: ["HorizonCore"]),
        .testTarget(name: "HorizonTensorTests", dependencies: ["HorizonTensor", "HorizonCore"]),
        .testTarget(name: "HorizonDataTests", dependencies: ["HorizonData"]),
        .testTarget(name: "HorizonModelsTests", dependencies: ["HorizonModels", "HorizonForecast", "HorizonData", "HorizonCore", "HorizonEvaluation"]),
        .testTarget(name: "HorizonEvaluationTests", dependencies: ["HorizonEvaluation", "HorizonForecast", "HorizonModels", "HorizonData"]),
        .testTarget(name: "HorizonLanguageTests", dependencies: ["HorizonLanguage", "HorizonForecast", "HorizonRuns"]),
        .testTarget(name: "HorizonRunsTests", dependencies: ["HorizonRuns", "HorizonForecast", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "HorizonNotebookTests", dependencies: ["HorizonNotebook", "HorizonLanguage", "HorizonCore"]),
        .testTarget(name: "HorizonEndToEndTests", dependencies: ["HorizonRuns", "CZlib"]),
        .testTarget(name: "HorizonFuzzingTests", dependencies: ["HorizonFuzzing", "HorizonForecast", "HorizonData", "HorizonCore", "HorizonPlot", "HorizonLanguage"]),
    ],
    swiftLanguageModes: [.v5]
)

/// The libFuzzer targets exist only for `scripts/fuzz.sh`, which sets HORIZON_FUZZ and builds
/// them with `-sanitize=fuzzer,address` in `.build-fuzz`: their driver calls into the libFuzzer
/// runtime, which only that flag links, so a plain build could not link them.
if ProcessInfo.processInfo.environment["HORIZON_FUZZ"] != nil {
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/driver"))
    for name in ["fuzz-script", "fuzz-long", "fuzz-wide", "fuzz-rows", "fuzz-detect", "fuzz-chart"] {
        package.targets.append(.executableTarget(name: name, dependencies: ["FuzzDriver", "HorizonFuzzing"], path: "Fuzz/targets/\(name)"))
    }
}
