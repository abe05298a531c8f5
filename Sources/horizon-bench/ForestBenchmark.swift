import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonModels
import HorizonForecast

/// `horizon-bench forest [key=value …]`: trains snaive, forest and qrf on the retail demo
/// (h = 8, the last 8 weeks held out) and, when `../shared/datasets` is beside the repository,
/// on the M5 subset (h = 28, the last 28 days held out, the protocol of datasets/README), and
/// prints rows, features, trees, fit and predict seconds, mean wQL over p10/p50/p90 and wQL
/// at p50 (the figure peers report for the M5 subset).
/// Options after the name go to both forests (e.g. `trees=200 rows=100000`), except
/// `data=retail` or `data=m5`, which runs one dataset only.
enum ForestBenchmark {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ arguments: [String]) throws {
        var options: [String: String] = [:]
        for a in arguments {
            let parts = a.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw HorizonError("expected key=value, got '\(a)'") }
            options[parts[0]] = parts[1]
        }
        let only = options.removeValue(forKey: "data")
        let datasets: [(key: String, name: String, path: String, horizon: Int)] = [
            ("retail", "retail demo", repository.appendingPathComponent("datasets/retail-demo.csv").path, 8),
            ("m5", "M5 subset", repository.appendingPathComponent("../shared/datasets/m5/tiny_m5_long.csv.xz").standardized.path, 28),
        ].filter { only == nil || $0.key == only }
        guard !datasets.isEmpty else { throw HorizonError("data= takes retail or m5, got '\(only ?? "")'") }
        var table = TextTable(title: "forest benchmark (\(ProcessInfo.processInfo.activeProcessorCount) cores)",
                              headers: ["dataset", "model", "rows", "features", "trees", "fit s", "predict s", "mean wQL", "wQL[p50]"])
        for dataset in datasets {
            guard FileManager.default.fileExists(atPath: dataset.path) else {
                table.notes.append("\(dataset.name): \(dataset.path) is absent, skipped")
                continue
            }
            let loaded = try PanelLoader.load(path: dataset.path, showProgress: false)
            let full = loaded.panel
            let counts = [Int](repeating: dataset.horizon, count: full.count)
            // Series with nothing before the holdout are left out, as `train` does.
            let kept = full.series.filter { $0.values.dropLast(dataset.horizon).contains { !$0.isNaN } }
            let holdout = Holdout(splitting: full.replacingSeries(kept), counts: Array(counts.prefix(kept.count)), steps: dataset.horizon)
            let settings = FitSettings(horizon: dataset.horizon, levels: [0.1, 0.5, 0.9], seed: 42)
            for model in ["snaive", "forest", "qrf"] {
                let spec = ModelCatalog.spec(named: model)!
                var values: [String: String] = [:]
                for (k, v) in options where spec.options.contains(where: { $0.key == k }) {
                    try spec.validate(key: k, value: v)
                    values[k] = v
                }
                let estimator = try spec.make(ModelOptions(values))
                let fitStart = Timing.now()
                let predictor = try estimator.fit(holdout.train, settings: settings)
                let fitSeconds = Timing.now() - fitStart
                let predictStart = Timing.now()
                let forecast = try predictor.predict(holdout.train, future: holdout.future, horizon: dataset.horizon,
                                                     levels: settings.levels)
                let predictSeconds = Timing.now() - predictStart
                let scores = Evaluator.score(forecast, on: holdout, levels: settings.levels)
                let trees = predictor as? TreePredictor
                table.append([dataset.name, model, trees.map { "\($0.trainingRows)" } ?? "–",
                              trees.map { "\($0.builder.columns.count)" } ?? "–", trees.map { "\($0.forest.trees.count)" } ?? "–",
                              NumberFormat.fixed(fitSeconds, 2), NumberFormat.fixed(predictSeconds, 2),
                              NumberFormat.fixed(scores.meanWQL, 4), NumberFormat.fixed(scores.wql[1], 4)])
            }
            table.notes.append("\(dataset.name): \(holdout.train.count) series, h = \(dataset.horizon), the last \(dataset.horizon) points held out")
        }
        print(table.rendered())
    }
}
