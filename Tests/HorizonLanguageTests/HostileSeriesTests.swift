import Foundation
import HorizonCore
import HorizonData
import Testing
@testable import HorizonLanguage

/// Series that break naive assumptions — one point, all zeros, shorter than the season or the
/// context, negative values, never observed — go through every model family, `evaluate` and `forecast`
/// without an error, and every forecast is a finite number.
@Suite struct HostileSeriesTests {
    /// Weekly: a normal seasonal item, one with a single point, one all zeros, one shorter than
    /// the season (52) and the networks' context, one that goes negative, one never observed.
    func hostileFile() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var rows = ["item,week,sales"]
        let start = Timestamp.seconds(year: 2020, month: 1, day: 6)
        func add(_ item: String, _ values: [Double], from offset: Int = 0) {
            for (t, v) in values.enumerated() {
                rows.append("\(item),\(Timestamp.format(start + Int64(offset + t) * 604_800)),\(v.isNaN ? "NA" : String(v))")
            }
        }
        add("normal", (0..<120).map { 50 + 20 * sin(2 * Double.pi * Double($0) / 52) })
        add("one-point", [7], from: 119)
        add("zeros", [Double](repeating: 0, count: 120))
        add("short", [5, 6, 4, 7, 5, 6, 5, 8, 6, 7, 6, 5], from: 108)
        add("negative", (0..<120).map { Double($0 % 9) - 4 })
        add("unobserved", [.nan, .nan, .nan], from: 50)
        let path = dir.appendingPathComponent("hostile.csv").path
        try rows.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static let models = ["naive", "snaive", "drift", "mean", "naive2", "ses", "holt", "damped", "comb", "theta", "ets", "arima",
                         "snaive +seasonality +distribution", "mlp epochs=2 batches=3 hidden=8 context=20",
                         "mqcnn epochs=1 batches=2 hidden=8 context=20"]

    @Test(arguments: models)
    func everyModelTrainsEvaluatesAndForecastsFinitely(_ model: String) throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(try hostileFile())\nset horizon 4\ntrain \(model)\nevaluate\nforecast", source: "<test>")
        let trained = try #require(interpreter.session.models.first)
        let forecast = try #require(trained.futureForecast)
        // The one-point series has nothing before the holdout, so it is left out of training
        // (and `train` says so) but still forecast past the end of the data.
        #expect(forecast.items.map(\.id).sorted() == ["negative", "normal", "one-point", "short", "zeros"])
        for item in forecast.items {
            #expect(item.point.allSatisfy { $0.isFinite }, "\(model): \(item.id) point \(item.point)")
            #expect(item.quantiles.allSatisfy { $0.allSatisfy { $0.isFinite } }, "\(model): \(item.id) quantiles \(item.quantiles)")
        }
        let text = output.blocks.map(\.rendered).joined(separator: "\n")
        #expect(text.contains("dropped 1 series with no observed values: unobserved"), "\(text)")
        #expect(text.contains("left out 1 series with nothing before the holdout: one-point"), "\(text)")
    }
}
