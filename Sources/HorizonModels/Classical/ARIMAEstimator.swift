import HorizonCore
import HorizonData

/// `train arima`: one automatic ARIMA per series, chosen at `train` (so `train` can say which
/// series fell back to the naive forecast, and why) and reused by `evaluate`; `forecast`
/// refits on the longer history.
public struct ARIMAEstimator: Estimator {
    public init() {}

    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        let season = panel.season
        let outcomes = try parallelMap(panel.series.count) { i -> ARIMAPredictor.Stored in
            let y = LocalPredictor<Naive>.fillForward(panel.series[i].values)
            return ARIMAPredictor.Stored(count: y.count, last: y.last ?? .nan, outcome: AutoARIMA.outcome(y, season: season))
        }
        var stored: [String: ARIMAPredictor.Stored] = [:]
        for (s, outcome) in zip(panel.series, outcomes) { stored[s.id] = outcome }
        return ARIMAPredictor(fits: stored)
    }
}

public struct ARIMAPredictor: Predictor, SummarizesFit {
    struct Stored: Sendable {
        var count: Int
        var last: Double
        var outcome: AutoARIMA.Outcome
    }

    let fits: [String: Stored]

    /// Says how many series did not get a converged ARIMA, and what they got instead.
    public var fitSummary: [String] {
        var short = 0, failed = 0, unconverged = 0
        for stored in fits.values {
            switch stored.outcome {
            case .fitted(let f): if !f.converged { unconverged += 1 }
            case .tooShort: short += 1
            case .failed: failed += 1
            }
        }
        var lines: [String] = []
        if short > 0 { lines.append("\(short) series too short for ARIMA (fewer than \(AutoARIMA.minimumLength) points): naive forecast instead") }
        if failed > 0 { lines.append("\(failed) series where no ARIMA order reached a finite fit: naive forecast instead") }
        if unconverged > 0 { lines.append("\(unconverged) series whose chosen order stopped at Nelder–Mead's evaluation limit (kept, as R does)") }
        return lines
    }

    public func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        let season = history.season
        let z = levels.map(NormalDistribution.quantile)
        let items = try parallelMap(history.series.count) { i -> ItemForecast in
            let s = history.series[i]
            let y = LocalPredictor<Naive>.fillForward(s.values)
            guard !y.isEmpty else { throw HorizonError("model 'arima': series '\(s.id)' has no observations") }
            let outcome: AutoARIMA.Outcome
            if let stored = fits[s.id], stored.count == y.count, stored.last == y.last { outcome = stored.outcome } else {
                outcome = AutoARIMA.outcome(y, season: season)
            }
            let (point, sd): ([Double], [Double])
            if case .fitted(let fit) = outcome { (point, sd) = fit.forecast(horizon: horizon) } else {
                (point, sd) = NaiveFallback.forecast(y, horizon: horizon)
            }
            return ItemForecast.gaussian(id: s.id, firstTime: history.time(of: s, at: s.count), point: point, sd: sd,
                                         levels: levels, z: z, nonNegative: y.allSatisfy { $0 >= 0 })
        }
        return PanelForecast(model: "arima", items: items)
    }
}
