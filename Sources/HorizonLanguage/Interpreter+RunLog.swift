import Foundation
import HorizonCore
import HorizonForecast
import HorizonData
import HorizonEvaluation
import HorizonModels
import HorizonRuns

/// Writing the experiment log: what `train`, `evaluate` and `backtest` append to it.
extension Interpreter {
    /// A run of `kind` for a model, with the session's data, settings and the current line.
    func logEntry(_ kind: Run.Kind, name: String, modelKind: String, options: String, seconds: Double) -> Run {
        let location = currentStatement?.location
        var run = Run(kind: kind, modelName: name, modelKind: modelKind, options: options, seed: session.seed,
                      horizon: session.horizon, levels: session.levels.map(NumberFormat.quantileName).joined(separator: " "),
                      durationSeconds: seconds, source: location.map { "\($0.source):\($0.line)" } ?? "",
                      line: currentStatement?.text ?? "", startedAt: currentStatementStart)
        run.context = session.context
        if let data = session.data {
            run.dataPath = session.dataPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            run.dataFingerprint = data.panel.fingerprint
        }
        return run
    }

    /// Appends `runs` to the log; a log that cannot be written is reported once, never fatal.
    func log(_ runs: [Run]) {
        if let note = runLog.record(runs) { emit(note) }
    }

    /// The train run of `model`: its options and fit time, and how a network's training went.
    func logTraining(_ model: TrainedModel) {
        var run = logEntry(.train, name: model.name, modelKind: model.spec.name, options: model.optionsText, seconds: model.fitSeconds)
        run.series = model.seriesCount
        run.holdout = model.holdoutCounts.max()
        if let trained = model.predictor as? any ReportsTraining {
            run.details = trained.trainingFacts.map { Run.Detail($0.name, $0.value) }
            run.metrics = trained.trainingScores.map { Run.Metric($0.name, $0.value) }
        } else if let summary = (model.predictor as? any SummarizesFit)?.fitSummary {
            run.details = summary.map { Run.Detail("fit", $0) }
        }
        log([run])
    }

    /// One evaluate run per model, with its scores over the whole holdout.
    func logEvaluation(_ scores: [ModelScores], models: [TrainedModel], holdout: Holdout, seconds: Double) {
        log(zip(scores, models).map { scores, model in
            var run = logEntry(.evaluate, name: model.name, modelKind: model.spec.name, options: model.optionsText, seconds: seconds)
            run.series = holdout.train.count
            run.holdout = holdout.steps
            Self.fill(&run, with: scores)
            return run
        })
    }

    /// A backtest run: the pooled scores as the metrics, each window's in the metric list.
    func logBacktest(_ result: BacktestResult, name: String, modelKind: String, options: String, seconds: Double) {
        var run = logEntry(.backtest, name: name, modelKind: modelKind, options: options, seconds: seconds)
        run.series = result.windows.last?.holdout.train.count
        run.holdout = session.holdoutCounts().max()
        Self.fill(&run, with: result.pooled)
        for window in result.windows {
            run.metrics += [Run.Metric("window \(window.index + 1) mean wQL", window.scores.meanWQL),
                            Run.Metric("window \(window.index + 1) MASE", window.scores.mase)]
        }
        let plan = result.plan
        run.details = [Run.Detail("windows", "\(plan.windows)"), Run.Detail("step", "\(plan.step)"), Run.Detail("refit", plan.refit ? "yes" : "no")]
        log([run])
    }

    /// The metric columns, and every column of the evaluation table in `metrics`, in its order.
    private static func fill(_ run: inout Run, with scores: ModelScores) {
        for metric in MetricDeclaration.all { run[metric] = scores.values[metric.name] }
        let names = scores.levels.map(NumberFormat.quantileName)
        var metrics: [Run.Metric] = zip(names, scores.wql).map { Run.Metric("wQL[\($0)]", $1) }
        let declared = MetricDeclaration.all.filter { scores.values[$0.name] != nil }
        metrics += declared.filter { $0.placement == .probabilistic }.map { Run.Metric($0.label, scores[$0]) }
        metrics += zip(names, scores.coverage).map { Run.Metric("cov[\($0)]", $1) }
        for interval in scores.intervals {
            let name = "cov[\(NumberFormat.quantileName(interval.lower))–\(NumberFormat.quantileName(interval.upper))]"
            metrics.append(Run.Metric(name, interval.coverage))
        }
        metrics += declared.filter { $0.placement == .point }.map { Run.Metric($0.label, scores[$0]) }
        run.metrics = metrics
    }
}
