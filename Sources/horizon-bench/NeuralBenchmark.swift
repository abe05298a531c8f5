import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonModels
import HorizonForecast

/// `horizon-bench neural`: the networks of the lineage against snaive, arima and qrf on M4
/// Hourly (h = 48), the M5 subset (h = 28, prices and events) and the retail demo (h = 8), over
/// several seeds (mean ± standard deviation), with issue 13's evidence in one table:
///
/// - MASE overall and on M4's two series groups — the near-deterministic series (in-sample
///   seasonal-naive error under 1% of their level: a third of the series, invisible to wQL,
///   a third of MASE's average) and the rest — sMAPE, OWA, wQL per level and mean, p10–p90
///   coverage, MSIS, training seconds and seconds per epoch;
/// - wQL on peak periods and off them (M5's event days; the retail demo's Black-Friday and
///   pre-Christmas weeks), where MQTransformer's attention is claimed to help most;
/// - with `--vs-nhits PYTHON`, neuralforecast's NHITS on M4 Hourly in the same run
///   (`../shared/peers/run_m4.py`), so its time is a ratio measured under the same load.
///
/// `--split validation` scores every model on the last horizon *before* the test period (the
/// training range's own tail), which is where design choices are made; the default `test`
/// split is the published protocol, for reporting only.
enum NeuralBenchmark {
    struct Dataset {
        let name: String
        let holdout: Holdout
        let horizon: Int
        /// Naive2's (sMAPE, MASE), for OWA (M4 only, as the competition defines it).
        let naive2: (smape: Double, mase: Double)?
        /// Series flags for the near-deterministic group (M4 only).
        let nearDeterministic: [Bool]?
        /// Per series and held-out step: is it a peak (event day, holiday week)?
        let peaks: [[Bool]]?
    }

    struct Outcome {
        var scores: ModelScores
        var groups: (nearDeterministic: Double, rest: Double)?
        var peaks: (peak: Double, rest: Double)?
        var seconds: Double
        var epochSeconds: Double?
        /// Processor seconds of a median epoch, on all threads: the cost to compare between
        /// models, since wall time swings with the machine's other tenants.
        var epochCPUSeconds: Double?
    }

    static func run(_ arguments: [String]) throws {
        let options = try dashedOptions(arguments)
        let list = { (key: String, fallback: String) in (options[key] ?? fallback).split(separator: ",").map(String.init) }
        let networks = list("models", "mlp,mqcnn,mqtransformer"), references = list("references", "snaive,arima,qrf")
        let seeds = try list("seeds", "1,2,3").map { text -> UInt64 in
            guard let seed = UInt64(text) else { throw HorizonError("--seeds takes numbers, got '\(text)'") }
            return seed
        }
        let split = options["split"] ?? "test"
        guard split == "test" || split == "validation" else { throw HorizonError("--split takes test or validation") }
        let shared = URL(fileURLWithPath: options["shared"] ?? ForestBenchmark.repository.appendingPathComponent("../shared/datasets").path)
            .standardizedFileURL.path
        var networkOptions: [String: String] = [:]
        for pair in (options["options"] ?? "").split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw HorizonError("--options takes key=value pairs, got '\(pair)'") }
            networkOptions[parts[0]] = parts[1]
        }
        if let epochs = options["epochs"] { networkOptions["epochs"] = epochs }

        var table = TextTable(
            title: "networks vs references (\(split) split, seeds \(seeds.map(String.init).joined(separator: ",")), "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores; mean ± sd over seeds)",
            headers: ["dataset", "model", "MASE", "MASE near-det", "MASE rest", "sMAPE", "OWA", "wQL p10", "wQL p50", "wQL p90",
                      "mean wQL", "cov p10–p90", "MSIS", "train s", "s/epoch", "CPU s/epoch"])
        var peakTable = TextTable(title: "wQL on peak periods and off them (mean over seeds)",
                                  headers: ["dataset", "model", "peak steps", "mean wQL peak", "mean wQL rest"])
        for name in list("data", "m4,m5,retail") {
            guard let dataset = try load(name, shared: shared, split: split) else {
                table.notes.append("\(name): data absent, skipped")
                continue
            }
            // Seed by seed, every network in turn: each seed's networks train minutes apart, so
            // their epoch costs can be compared pair by pair on a machine whose speed drifts.
            var outcomesByModel: [String: [Outcome]] = [:]
            let runs = references.map { ($0, $0 == "qrf" ? seeds : [seeds[0]]) }.flatMap { m, s in s.map { (m, $0) } }
                + seeds.flatMap { seed in networks.map { ($0, seed) } }
            for (model, seed) in runs {
                let outcome = try evaluate(model, options: networks.contains(model) ? networkOptions : [:], on: dataset, seed: seed)
                outcomesByModel[model, default: []].append(outcome)
                let line = "\(dataset.name) \(model) seed \(seed): mean wQL \(NumberFormat.fixed(outcome.scores.meanWQL, 4)) "
                    + "MASE \(NumberFormat.fixed(outcome.scores.mase)) OWA \(NumberFormat.fixed(outcome.scores.owa ?? .nan)) "
                    + "\(NumberFormat.fixed(outcome.seconds, 1)) s\n"
                FileHandle.standardError.write(Data(line.utf8))
            }
            if let first = networks.first, let base = outcomesByModel[first] {
                for model in networks.dropFirst() {
                    let pairs = zip(outcomesByModel[model] ?? [], base)
                    let wall = pairs.compactMap { a, b in a.epochSeconds.flatMap { x in b.epochSeconds.map { x / $0 } } }
                    let cpu = pairs.compactMap { a, b in a.epochCPUSeconds.flatMap { x in b.epochCPUSeconds.map { x / $0 } } }
                    table.notes.append("\(dataset.name): an epoch of \(model) costs \(wall.map { NumberFormat.fixed($0, 2) }.joined(separator: ", "))× "
                        + "one of \(first) in wall time, \(cpu.map { NumberFormat.fixed($0, 2) }.joined(separator: ", "))× in processor time "
                        + "(per seed, trained one after the other)")
                }
            }
            for model in references + networks {
                let outcomes = outcomesByModel[model] ?? []
                let metrics: [(Outcome) -> Double] = [{ $0.scores.mase }, { $0.groups?.nearDeterministic ?? .nan },
                                                      { $0.groups?.rest ?? .nan }, { $0.scores.smape }, { $0.scores.owa ?? .nan }]
                var row = [dataset.name, model + (outcomes.count > 1 ? " (×\(outcomes.count))" : "")]
                row += metrics.map { metric in summary(outcomes.map(metric), 3) }
                row += (0..<3).map { l in summary(outcomes.map { $0.scores.wql[l] }, 4) }
                row.append(summary(outcomes.map(\.scores.meanWQL), 4))
                row.append(summary(outcomes.map { $0.scores.intervals.first?.coverage ?? .nan }, 3))
                row.append(summary(outcomes.map(\.scores.msis), 2))
                row.append(summary(outcomes.map(\.seconds), 1))
                row.append(summary(outcomes.map { $0.epochSeconds ?? .nan }, 2))
                row.append(summary(outcomes.map { $0.epochCPUSeconds ?? .nan }, 2))
                table.append(row)
                if let peaks = dataset.peaks {
                    let steps = peaks.reduce(0) { $0 + $1.filter { $0 }.count }
                    peakTable.append([dataset.name, model, "\(steps)", summary(outcomes.map { $0.peaks?.peak ?? .nan }, 4),
                                      summary(outcomes.map { $0.peaks?.rest ?? .nan }, 4)])
                }
            }
            table.notes.append("\(dataset.name): \(dataset.holdout.train.count) series, h = \(dataset.horizon)"
                + (dataset.nearDeterministic.map { ", \($0.filter { $0 }.count) near-deterministic" } ?? ""))
        }
        if !networkOptions.isEmpty { table.notes.append("network options: \(networkOptions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))") }
        if list("data", "m4,m5,retail").contains("m5"), options["events"] != "no" {
            try eventBacktest(models: list("event-models", "mqcnn,mqtransformer"), options: networkOptions, seeds: seeds,
                              shared: shared, split: split, into: &peakTable)
        }
        if let python = options["vs-nhits"] { table.notes += try nhits(python: python, shared: shared) }
        print(table.rendered())
        if !peakTable.rows.isEmpty { print(peakTable.rendered()) }
    }

    /// "mean ± sd" over seeds, the mean alone for one value, "–" when nothing was measured.
    static func summary(_ values: [Double], _ digits: Int) -> String {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else { return "–" }
        let mean = finite.reduce(0, +) / Double(finite.count)
        guard finite.count > 1 else { return NumberFormat.fixed(mean, digits) }
        let sd = (finite.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(finite.count - 1)).squareRoot()
        return "\(NumberFormat.fixed(mean, digits)) ± \(NumberFormat.fixed(sd, digits))"
    }

    static func evaluate(_ model: String, options: [String: String], on dataset: Dataset, seed: UInt64) throws -> Outcome {
        let estimator = try makeEstimator(model, options: options)
        let settings = FitSettings(horizon: dataset.horizon, levels: [0.1, 0.5, 0.9], seed: seed)
        let started = Timing.now()
        let predictor = try estimator.fit(dataset.holdout.train, settings: settings)
        let seconds = Timing.now() - started
        let forecast = try predictor.predict(dataset.holdout.train, future: dataset.holdout.future, horizon: dataset.horizon,
                                             levels: Evaluator.requiredLevels(settings.levels))
        let scores = Evaluator.score(forecast, on: dataset.holdout, levels: settings.levels, naive2: dataset.naive2)
        var outcome = Outcome(scores: scores, seconds: seconds)
        if let curve = (predictor as? ReportsTrainingCurve)?.trainingCurve, !curve.isEmpty {
            let timed = curve.compactMap(\.seconds)
            outcome.epochSeconds = timed.isEmpty ? nil : timed.sorted()[timed.count / 2]
            let cpu = curve.compactMap(\.cpuSeconds)
            outcome.epochCPUSeconds = cpu.isEmpty ? nil : cpu.sorted()[cpu.count / 2]
        }
        if let flags = dataset.nearDeterministic {
            let mase = { (keep: Bool) in
                Evaluator.score(forecast, on: masked(dataset.holdout) { i, _ in flags[i] == keep }, levels: settings.levels).mase
            }
            outcome.groups = (mase(true), mase(false))
        }
        if let peaks = dataset.peaks {
            let wql = { (keep: Bool) in
                Evaluator.score(forecast, on: masked(dataset.holdout) { i, h in peaks[i][h] == keep }, levels: settings.levels).meanWQL
            }
            outcome.peaks = (wql(true), wql(false))
        }
        return outcome
    }

    /// `model` with the options it accepts among `options`, each checked as on a train line;
    /// `forks` is the MQ models' alone (the feed-forward net makes one forecast per window).
    static func makeEstimator(_ model: String, options: [String: String]) throws -> any Estimator {
        guard let spec = ModelCatalog.spec(named: model) else { throw HorizonError("unknown model '\(model)'") }
        var values: [String: String] = [:]
        for (key, value) in options where spec.options.contains(where: { $0.key == key }) && !(key == "forks" && model == "mlp") {
            try spec.validate(key: key, value: value)
            values[key] = value
        }
        return try spec.make(ModelOptions(values))
    }

    /// The holdout with every actual that `keep(series, step)` rejects made missing, so the
    /// metrics score only the kept ones.
    static func masked(_ holdout: Holdout, keep: (Int, Int) -> Bool) -> Holdout {
        var copy = holdout
        copy.actuals = holdout.actuals.enumerated().map { i, y in y.indices.map { keep(i, $0) ? y[$0] : .nan } }
        return copy
    }

    static func load(_ name: String, shared: String, split: String) throws -> Dataset? {
        switch name {
        case "m4":
            let train = shared + "/m4/Hourly-train.csv.xz", test = shared + "/m4/Hourly-test.csv.xz"
            guard FileManager.default.fileExists(atPath: train), FileManager.default.fileExists(atPath: test) else { return nil }
            let holdout: Holdout
            if split == "test" {
                let data = try PanelLoader.load(path: train, options: LoadOptions(format: .rows, testPath: test), showProgress: false)
                holdout = Holdout(splitting: data.panel, counts: data.testLengths!, steps: 48)
            } else {
                let panel = try PanelLoader.load(path: train, options: LoadOptions(format: .rows), showProgress: false).panel
                holdout = Holdout(splitting: panel, counts: [Int](repeating: 48, count: panel.count), steps: 48)
            }
            let naive2 = Evaluator.score(try LocalPredictor(name: "naive2", method: Naive2()).predict(holdout.train, horizon: 48, levels: [0.5]),
                                         on: holdout, levels: [0.5])
            return Dataset(name: "M4 Hourly", holdout: holdout, horizon: 48, naive2: (naive2.smape, naive2.mase),
                           nearDeterministic: holdout.train.series.map { nearlyDeterministic($0.values, season: holdout.train.season) },
                           peaks: nil)
        case "m5", "retail":
            let path = name == "m5" ? shared + "/m5/tiny_m5_long.csv.xz"
                : ForestBenchmark.repository.appendingPathComponent("datasets/retail-demo.csv").path
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            let horizon = name == "m5" ? 28 : 8
            var panel = try PanelLoader.load(path: path, showProgress: false).panel
            if split == "validation" { panel = panel.droppingLast([Int](repeating: horizon, count: panel.count)) }
            guard let holdout = Holdout.trainable(panel, counts: [Int](repeating: horizon, count: panel.count), steps: horizon).holdout else {
                return nil
            }
            // M5's last 28 days hold no event: its events are scored by `eventBacktest`.
            let peaks = name == "m5" ? nil : holdout.train.series.map { s in
                (0..<horizon).map { h in isHolidayWeek(holdout.train.time(of: s, at: s.count + h)) }
            }
            return Dataset(name: name == "m5" ? "M5 subset" : "retail demo", holdout: holdout, horizon: horizon, naive2: nil,
                           nearDeterministic: nil, peaks: peaks)
        default:
            throw HorizonError("--data takes m4, m5 and retail, got '\(name)'")
        }
    }

    /// In-sample seasonal-naive error under 1% of the series' level.
    static func nearlyDeterministic(_ values: [Double], season: Int) -> Bool {
        var error = 0.0, level = 0.0, n = 0
        for t in season..<values.count where !values[t].isNaN && !values[t - season].isNaN {
            error += abs(values[t] - values[t - season])
            level += abs(values[t])
            n += 1
        }
        return n > 0 && level > 0 && error < 0.01 * level
    }

    /// M5's event days, which its last 28 days lack: each model is fitted once on the data up to
    /// 16 weeks before the end, then forecasts four 28-day windows from their own origins
    /// without refitting (nothing after the fit's range is trained on), and the pooled windows
    /// are scored on the event days (MLK day, Super Bowl, Valentine's, Presidents' day, Lent,
    /// St Patrick's, Purim, Easter) and off them.
    static func eventBacktest(models: [String], options: [String: String], seeds: [UInt64], shared: String, split: String,
                              into table: inout TextTable) throws {
        let path = shared + "/m5/tiny_m5_long.csv.xz"
        guard FileManager.default.fileExists(atPath: path) else { return }
        var panel = try PanelLoader.load(path: path, showProgress: false).panel
        if split == "validation" { panel = panel.droppingLast([Int](repeating: 28, count: panel.count)) }
        let plan = BacktestPlan(windows: 4, step: 28, horizon: 28, refit: false)
        for model in models {
            let estimator = try makeEstimator(model, options: options)
            var peak: [Double] = [], rest: [Double] = [], steps = 0
            for seed in seeds {
                let settings = FitSettings(horizon: 28, levels: [0.1, 0.5, 0.9], seed: seed)
                let result = try Backtest.run(plan, panel: panel, base: [Int](repeating: 28, count: panel.count), model: model,
                                              estimator: estimator, settings: settings,
                                              levels: Evaluator.requiredLevels(settings.levels), naive2: LocalPredictor.naive2)
                let pooled = Backtest.pool(result.windows.map(\.holdout))
                let forecast = PanelForecast(model: model, items: result.windows.flatMap(\.forecast.items))
                let events = pooled.actuals.indices.map { i in (0..<28).map { isEventDay(pooled.future, series: i, step: $0) } }
                steps = events.reduce(0) { $0 + $1.filter { $0 }.count }
                peak.append(Evaluator.score(forecast, on: masked(pooled) { events[$0][$1] }, levels: settings.levels).meanWQL)
                rest.append(Evaluator.score(forecast, on: masked(pooled) { !events[$0][$1] }, levels: settings.levels).meanWQL)
                FileHandle.standardError.write(Data("M5 events \(model) seed \(seed): peak \(peak.last!) rest \(rest.last!)\n".utf8))
            }
            table.append(["M5 subset, 4 origins", model, "\(steps)", summary(peak, 4), summary(rest, 4)])
        }
    }

    /// An M5 event day: any event column names an event at that step.
    static func isEventDay(_ future: FutureCovariates, series: Int, step: Int) -> Bool {
        future.categorical[series].contains { name, codes in name.hasPrefix("event_name") && step < codes.count && codes[step] >= 0 }
    }

    /// A retail peak week: it holds Black Friday (the day after the fourth Thursday of
    /// November) or a day from 1 to 24 December.
    static func isHolidayWeek(_ start: Int64) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return (0..<7).contains { day in
            let date = Date(timeIntervalSince1970: TimeInterval(start + Int64(day) * 86_400))
            let parts = calendar.dateComponents([.month, .day, .weekday], from: date)
            if parts.month == 12, parts.day! <= 24 { return true }
            // Friday (weekday 6) between 23 and 29 November follows the fourth Thursday.
            return parts.month == 11 && parts.weekday == 6 && (23...29).contains(parts.day!)
        }
    }

    /// neuralforecast's NHITS on M4 Hourly, run now, so its seconds share this run's load.
    static func nhits(python: String, shared: String) throws -> [String] {
        let script = URL(fileURLWithPath: shared).deletingLastPathComponent().appendingPathComponent("peers/run_m4.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--data-dir", shared + "/m4", "--group", "Hourly", "--models", "nf_nhits"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = output.split(separator: "\n").filter { $0.contains("sMAPE=") || $0.contains("total wall") || $0.contains("RESULT") }
        return lines.isEmpty ? ["NHITS: no result (exit \(process.terminationStatus))"] : lines.map { "NHITS (this run): \($0)" }
    }
}
