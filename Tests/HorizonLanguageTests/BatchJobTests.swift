import Foundation
import HorizonCore
import HorizonData
import HorizonModels
import Testing
@testable import HorizonLanguage

/// `horizon batch` as a library: the same forecasts as a session, a bad series left out with
/// its reason while the rest are forecast, and a script that asks for more than a batch does
/// refused before anything is read.
@Suite struct BatchJobTests {
    /// Runs a job on `path` (weekly demo columns declared) and returns the CSV it wrote.
    func run(_ path: String, _ script: String, statics: [String] = ["category"]) throws -> (csv: String, outcome: BatchJob.Outcome, failures: [SeriesFailure]) {
        var options = LoadOptions(format: .long, itemColumns: ["item"], timeColumn: "week", targetColumn: "sales", frequency: .weekly)
        options.declared = DeclaredColumns(numeric: ["price"], statics: statics)
        let job = BatchJob(dataPath: path, loadOptions: options, script: script, scriptSource: "job.hz")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString).csv").path
        let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        var failures: [SeriesFailure] = []
        let writer = BatchWriter(fd: fd, levels: [0.1, 0.5, 0.9])
        let outcome = try job.run(forecasts: writer) { failures.append($0) }
        try writer.finish()
        return (try String(contentsOfFile: out, encoding: .utf8), outcome, failures)
    }

    /// A batch run forecasts what a session's `export forecasts` writes, number for number.
    @Test func batchForecastsAreASessionsExport() throws {
        let path = try demoFile()
        let batch = try run(path, "set horizon 4\ntrain ets")
        #expect(batch.outcome.failures.isEmpty && batch.outcome.forecastSeries == 3 && batch.outcome.rows == 12)
        let export = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).csv").path
        try Interpreter(output: OutputBuffer()).execute("load \(path)\nset horizon 4\ntrain ets\nexport forecasts ets to \(export)", source: "s.hz")
        let session = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n").dropFirst()
        let rows = batch.csv.split(separator: "\n")
        #expect(rows.first == "item,time,step,model,point,p10,p50,p90")
        // The same rows with the model column taken out.
        let withoutModel = rows.dropFirst().map { line -> String in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(fields[3] == "ets")
            fields.remove(at: 3)
            return fields.joined(separator: ",")
        }
        #expect(withoutModel == session.map(String.init))
    }

    /// A scenario's rows name it in the model column, so they are told from the baseline's in
    /// any order (a Spark job keeps none); the same forecast twice is refused.
    @Test func aScenarioIsNamedInTheModelColumnAndARepeatIsRefused() throws {
        let path = try demoFile()
        let result = try run(path, "set horizon 2\ntrain naive\nforecast naive\nforecast naive price=-20%")
        let models = Set(result.csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[3] })
        #expect(models == ["naive", "naive price=-20%"])
        let error = #expect(throws: HorizonError.self) { _ = try run(path, "set horizon 2\ntrain naive\nforecast\nforecast naive") }
        #expect(error?.message.hasPrefix("'naive' is forecast twice") == true, "\(error?.message ?? "")")
    }

    /// A duplicate row, a target that is not a number and an attribute that changes each leave
    /// out their own series, named with the reason; every other series is forecast.
    @Test func aBadSeriesIsLeftOutAndTheRestForecast() throws {
        var csv = try String(contentsOfFile: try demoFile(), encoding: .utf8)
        csv += "B,2019-01-07,3,9.99,food\n"     // B has a row for this week already
        csv += "D,2019-01-07,lots,9.99,food\n"  // D's target is not a number
        csv += "E,2019-01-07,1,9.99,food\nE,2019-01-14,1,9.99,toys\n"  // E's category changes
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).csv").path
        try csv.write(toFile: path, atomically: false, encoding: .utf8)
        let result = try run(path, "set horizon 2\ntrain snaive\nforecast snaive")
        #expect(result.failures.map(\.item).sorted() == ["B", "D", "E"])
        #expect(result.failures.allSatisfy { $0.stage == "load" })
        #expect(result.failures.first { $0.item == "B" }?.message.contains("two rows for the same time") == true)
        #expect(result.failures.first { $0.item == "D" }?.message.contains("cannot read 'lots' as a number") == true)
        #expect(result.failures.first { $0.item == "E" }?.message.contains("'category' is not one value per item") == true)
        #expect(result.outcome.forecastSeries == 2)
        #expect(Set(result.csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }) == ["A", "C"])
    }

    /// Work that fails on one series alone is retried on halves until only that series is
    /// left out; the others' results stand.
    @Test func isolationLeavesOutOnlyTheSeriesThatFail() throws {
        let panel = Panel(series: (0..<9).map { Series(id: "s\($0)", start: 0, values: [1, 2, 3]) }, frequency: .steps, season: 1, hasTimestamps: false)
        var failures: [SeriesFailure] = [], calls = 0
        let kept = try Isolation.run(panel, stage: "forecast", failed: { failures.append($0) }) { indices in
            calls += 1
            if indices.contains(where: { panel.series[$0].id == "s3" || panel.series[$0].id == "s7" }) { throw HorizonError("cannot") }
        }
        #expect(kept == [0, 1, 2, 4, 5, 6, 8])
        #expect(failures == [SeriesFailure(item: "s3", stage: "forecast", message: "cannot"), SeriesFailure(item: "s7", stage: "forecast", message: "cannot")])
        #expect(calls < 2 * 9)  // halving, not one series at a time after the first failure
    }

    /// Commands that need a holdout, a person or a plot have no place in a batch script: refused
    /// with their position before the data is read.
    @Test func aCommandOutsideABatchIsRefusedWithItsPosition() throws {
        let error = #expect(throws: HorizonError.self) { _ = try run("/nonexistent.csv", "train ets\nevaluate") }
        #expect(error?.description.hasPrefix("job.hz:2:1: error: 'evaluate' has no place in a batch script") == true)
        let items = #expect(throws: HorizonError.self) { _ = try run("/nonexistent.csv", "train ets\nforecast ets A") }
        #expect(items?.description.hasPrefix("job.hz:2:14: error: a batch forecast covers every series") == true)
    }

    /// A saved forest loaded in a batch forecasts as the one that was fitted there.
    @Test func aSavedQuantileForestForecastsTheSameWhenLoaded() throws {
        let path = try demoFile()
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("q-\(UUID().uuidString).hzm").path
        let trained = try run(path, "set horizon 3\ntrain qrf trees=5\nsave model qrf to \(model)\nforecast qrf")
        let loaded = try run(path, "set horizon 3\nload model \(model)")
        #expect(trained.csv == loaded.csv && trained.outcome.rows == 9)
        // Without the attribute it learned from, the manifest refuses it.
        let error = #expect(throws: HorizonError.self) { _ = try run(path, "set horizon 3\nload model \(model)", statics: []) }
        #expect(error?.message.contains("lacks its attribute 'category'") == true, "\(error?.message ?? "")")
    }

    /// A model trained for fewer steps than the job asks for fails the job once, naming it, not
    /// each series by halves.
    @Test func aModelTooShortForTheHorizonFailsTheJobOnce() throws {
        let path = try demoFile()
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("q-\(UUID().uuidString).hzm").path
        _ = try run(path, "set horizon 3\ntrain qrf trees=5 as short\nsave model short to \(model)")
        // It throws: the job fails as a whole (before, each series failed on its own and the job went on).
        let error = #expect(throws: HorizonError.self) { _ = try run(path, "set horizon 3\nload model \(model) as three\nset horizon 5\nforecast three") }
        #expect(error?.message == "model 'three' was trained to forecast 3 steps ahead, not 5: 'set horizon 3' in the script, or train it again")
    }

    /// A forecast that is not a finite number fails its series, and writes no row of inf.
    @Test func aForecastThatIsNotFiniteFailsItsSeries() throws {
        let result = try run(try ScenarioCommandTests.pricedFile(), "set horizon 2\ntrain naive +elasticity as e\nforecast e price=1e-300")
        #expect(!result.failures.isEmpty && result.failures.allSatisfy { $0.stage == "forecast" })
        #expect(result.failures.first?.message.hasSuffix("is not a finite number under the scenario") == true, "\(result.failures.first?.message ?? "")")
        #expect(!result.csv.contains("inf") && !result.csv.contains("nan"))
    }
}
