// horizon-bench: performance tables, run in release mode (`swift run -c release horizon-bench NAME`).
// Performance goals live here, not in timed unit tests: timings depend on the machine and its
// load, so each benchmark prints a table to read (and ratios to quote), and asserts nothing.
import Foundation

/// Every benchmark by name, with a one-line description for the usage text.
let benchmarks: [(name: String, summary: String, run: ([String]) throws -> Void)] = [
    ("engine", "tensor engine: matmul GFLOP/s vs raw sgemm; LSTM, causal-conv and attention steps", EngineBenchmark.run),
    ("ets", "automatic ETS on M4 Hourly: seconds, sMAPE, MASE, OWA, MSIS, mean wQL [--vs-statsforecast PYTHON] [--series N] [--ets \"key=value …\"]", ETSBenchmark.run),
    ("forest", "forest and qrf vs snaive on the retail demo and the M5 subset: sizes, fit/predict seconds, wQL", ForestBenchmark.run),
    ("neural", "networks vs snaive/arima/qrf on M4 Hourly, the M5 subset and the retail demo over seeds; peak-period wQL [--data m4,m5,retail] [--models …] [--references …] [--seeds 1,2,3] [--epochs N] [--options \"k=v …\"] [--split test|validation] [--vs-nhits PYTHON]", NeuralBenchmark.run),
    ("footprint", "the networks' memory estimate beside the engine's measured peak, per architecture and size", FootprintBenchmark.run),
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) else {
    var usage = "usage: horizon-bench NAME [options]\n"
    for b in benchmarks { usage += "  \(b.name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(b.summary)\n" }
    FileHandle.standardError.write(usage.data(using: .utf8)!)
    exit(2)
}
do {
    try benchmark.run(Array(arguments.dropFirst()))
} catch {
    FileHandle.standardError.write("horizon-bench \(name): \(error)\n".data(using: .utf8)!)
    exit(1)
}
