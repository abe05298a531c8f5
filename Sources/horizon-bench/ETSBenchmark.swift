import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonModels
import HorizonForecast

/// Automatic ETS on M4 Hourly (414 series, m = 24, h = 48): fit + predict seconds, sMAPE, MASE,
/// OWA, MSIS (95%) and mean wQL (q = 0.1, 0.5, 0.9), beside statsforecast's AutoETS (measured
/// here in the same run with `--vs-statsforecast PYTHON`, which runs `../shared/peers/run_m4.py`;
/// otherwise its figures from `../shared/anchors/peer-results.md` are quoted and labelled as
/// such). Issue 5's bar: OWA at most statsforecast's in at most a fifth of its time.
enum ETSBenchmark {
    static func run(_ arguments: [String]) throws {
        let options = try dashedOptions(arguments)
        let directory = URL(fileURLWithPath: options["data"] ?? "../shared/datasets/m4").standardizedFileURL.path
        let train = directory + "/Hourly-train.csv.xz", test = directory + "/Hourly-test.csv.xz"
        guard FileManager.default.fileExists(atPath: train), FileManager.default.fileExists(atPath: test) else {
            print("skipped: M4 Hourly not found in \(directory) (pass --data DIR)")
            return
        }
        let data = try PanelLoader.load(path: train, options: LoadOptions(format: .rows, testPath: test), showProgress: false)
        var holdout = Holdout(splitting: data.panel, counts: data.testLengths!, steps: 48)
        if let n = options["series"].flatMap(Int.init), n < holdout.train.count {
            holdout = Holdout(train: holdout.train.replacingSeries(Array(holdout.train.series.prefix(n))),
                              actuals: Array(holdout.actuals.prefix(n)))
        }
        let settings = FitSettings(horizon: 48, levels: [0.1, 0.5, 0.9], seed: 42)
        let levels = Evaluator.requiredLevels(settings.levels)
        let naive2 = Evaluator.score(try LocalPredictor(name: "naive2", method: Naive2()).predict(holdout.train, horizon: 48, levels: [0.5]),
                                     on: holdout, levels: [0.5])
        let reference = (naive2.smape, naive2.mase)

        var table = TextTable(title: "M4 Hourly: \(holdout.train.count) series, h = 48, m = 24, \(ProcessInfo.processInfo.activeProcessorCount) cores",
                              headers: ["model", "series", "fit+predict", "sMAPE", "MASE", "OWA", "MSIS", "mean wQL", "cov[p10–p90]"])
        // `--ets "key=value …"` passes options to the model, as on the train line (e.g.
        // "init=decomposition"); without it the default `train ets` runs.
        let spec = ModelCatalog.spec(named: "ets")!
        for configuration in [options["ets"] ?? ""] {
            var modelOptions: [String: String] = [:]
            for pair in configuration.split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw HorizonError("--ets takes key=value pairs, got '\(pair)'") }
                try spec.validate(key: parts[0], value: parts[1])
                modelOptions[parts[0]] = parts[1]
            }
            let started = Date()
            let predictor = try spec.make(ModelOptions(modelOptions)).fit(holdout.train, settings: settings)
            let forecast = try predictor.predict(holdout.train, future: holdout.future, horizon: 48, levels: levels)
            let seconds = Date().timeIntervalSince(started)
            let ours = Evaluator.score(forecast, on: holdout, levels: settings.levels, naive2: reference)
            let label = "horizon ets" + (configuration.isEmpty ? "" : " " + configuration)
            table.append([label, "\(holdout.train.count)", NumberFormat.duration(seconds),
                          NumberFormat.fixed(ours.smape), NumberFormat.fixed(ours.mase), NumberFormat.fixed(ours.owa ?? .nan),
                          NumberFormat.fixed(ours.msis), NumberFormat.fixed(ours.meanWQL, 4),
                          NumberFormat.fixed(ours.intervals.first?.coverage ?? .nan)])
            if let report = predictor as? any SummarizesFit { table.notes += report.fitSummary.map { "\(label): \($0)" } }
        }
        if let python = options["vs-statsforecast"] {
            let peer = try statsforecast(python: python, directory: directory, series: holdout.train.count)
            table.append(["statsforecast AutoETS (this run)", "\(holdout.train.count)", NumberFormat.duration(peer.seconds),
                          NumberFormat.fixed(peer.smape), NumberFormat.fixed(peer.mase), NumberFormat.fixed(peer.owa),
                          NumberFormat.fixed(peer.msis), NumberFormat.fixed(peer.meanWQL, 4), NumberFormat.fixed(peer.coverage80)])
            for row in table.rows.dropLast() {
                table.notes.append("time ratio \(row[0]) / statsforecast: \(ratio(row[2], peer.seconds))")
            }
        } else if holdout.train.count == 414 {
            table.append(["statsforecast AutoETS (peer-results.md)", "414", ProgressBar.clock(119.1), "17.192", "1.606", "0.803", "22.212", "0.0563", "0.675"])
            for row in table.rows.dropLast() {
                table.notes.append("time ratio \(row[0]) / statsforecast (quoted 119.1 s): \(ratio(row[2], 119.1))")
            }
        }
        table.notes.append("OWA against Naive2 on the same series: sMAPE \(NumberFormat.fixed(naive2.smape)), MASE \(NumberFormat.fixed(naive2.mase)).")
        table.notes.append("statsforecast's q0.1/q0.9 are its 80% interval and q0.5 its point forecast; Horizon's are its quantiles.")
        print(table.rendered())
    }

    /// "0.081 (1/12.3)" from a duration cell ("9.52 s" or "1:02") and the peer's seconds.
    static func ratio(_ cell: String, _ peer: Double) -> String {
        let parts = cell.replacingOccurrences(of: " s", with: "").split(separator: ":").compactMap { Double($0) }
        let seconds = parts.count == 2 ? parts[0] * 60 + parts[1] : parts.first ?? .nan
        return String(format: "%.3f (1/%.1f)", seconds / peer, peer / seconds)
    }

    /// Runs the peer harness's statsforecast AutoETS in a subprocess and reads its RESULT line.
    static func statsforecast(python: String, directory: String, series: Int) throws
        -> (seconds: Double, smape: Double, mase: Double, owa: Double, msis: Double, meanWQL: Double, coverage80: Double) {
        let script = URL(fileURLWithPath: directory).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("peers/run_m4.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--worker", "--train", directory + "/Hourly-train.csv.xz", "--test", directory + "/Hourly-test.csv.xz",
                             "--group", "Hourly", "--model", "autoets", "--n-jobs", "2", "--max-series", "\(series)"]
        process.currentDirectoryURL = URL(fileURLWithPath: script).deletingLastPathComponent()
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }),
              let json = try JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8)) as? [String: Any],
              let fit = json["fit_s"] as? Double, let predict = json["predict_s"] as? Double,
              let smape = json["sMAPE"] as? Double, let mase = json["MASE"] as? Double, let owa = json["OWA"] as? Double else {
            throw HorizonError("statsforecast run gave no RESULT line:\n\(output.suffix(2000))")
        }
        func number(_ key: String) -> Double { json[key] as? Double ?? .nan }
        return (fit + predict, smape, mase, owa, number("MSIS95"), number("mean_wQL"), number("cov80"))
    }
}
