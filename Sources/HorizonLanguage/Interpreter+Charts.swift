import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonForecast
import HorizonModels
import HorizonPlot

/// `plot compare|calibration|errors|loss`: charts across the trained models.
extension Interpreter {
    func plotChart(_ kind: Located<String>, options: [Option], to path: Located<String>?) throws {
        let model = options.named("model")?.value
        let names = model.map { [$0] } ?? []
        if kind.value == "loss" { return try plotLoss(names, to: path) }
        let (holdout, counts, forecasts) = try holdoutForecasts(names, at: kind.location)
        let metric = try options.named("metric").map { o in
            do { return try ScoreMetric.parse(o.value.value, levels: session.levels) } catch let e as HorizonError { throw e.located(at: o.value.location) }
        } ?? .meanWQL
        let subtitle = "holdout \(holdout.steps) steps, \(holdout.observedCount) series scored"
        let reference = try naive2Reference(holdout: holdout, counts: counts)
        let chart: LineChart
        switch kind.value {
        case "compare":
            let bars = forecasts.map { f in
                (model: f.model, value: metric.value(Evaluator.score(f, on: holdout, levels: session.levels, naive2: (reference.smape, reference.mase))))
            }
            let compare = CompareChart(metric: metric.label, bars: bars, subtitle: subtitle)
            try show(to: path) { try compare.draw(to: $0) }
            return
        case "calibration":
            // Every level the forecasts carry: the user's plus p2.5, p50 and p97.5 (more points
            // on the diagonal a calibrated model follows).
            let levels = Evaluator.requiredLevels(session.levels)
            chart = CalibrationChart.make(models: forecasts.map { f in
                let scores = Evaluator.score(f, on: holdout, levels: levels)
                return (f.model, zip(levels, scores.coverage).map { ($0, $1) })
            }, subtitle: subtitle)
        default:
            let steps = Evaluator.scoreByStep(reference.forecast, on: holdout, levels: [0.5])
            chart = ErrorChart.make(metric: metric.label, models: forecasts.map { f in
                let byStep = Evaluator.scoreByStep(f, on: holdout, levels: session.levels)
                return (f.model, zip(byStep, steps).map { s, n in
                    var scores = s
                    scores.owa = Metrics.owa(smape: s.smape, mase: s.mase, naive2Smape: n.smape, naive2Mase: n.mase)
                    return metric.value(scores)
                })
            }, subtitle: subtitle)
        }
        try show(to: path) { try chart.draw(to: $0) }
    }

    /// Training curves of the models that kept one.
    private func plotLoss(_ names: [Located<String>], to path: Located<String>?) throws {
        let indices = names.isEmpty ? Array(session.models.indices) : try names.map { try trainedModel($0) }
        let curves = indices.compactMap { i -> (name: String, curve: [TrainingEpoch])? in
            guard let curve = (session.models[i].predictor as? any ReportsTrainingCurve)?.trainingCurve, !curve.isEmpty else { return nil }
            return (session.models[i].name, curve)
        }
        guard !curves.isEmpty else {
            let which = names.first.map { "model '\($0.value)' has" } ?? (session.models.isEmpty ? "no model is trained, so none has" : "no trained model has")
            throw HorizonError("\(which) a training curve: models trained by gradient descent record one per epoch; the baselines fit in closed form",
                               at: names.first?.location)
        }
        let chart = LossChart.make(models: curves)
        try show(to: path) { try chart.draw(to: $0) }
    }
}
