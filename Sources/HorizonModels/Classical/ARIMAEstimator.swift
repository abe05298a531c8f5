import HorizonCore
import HorizonData
import HorizonForecast

/// `train arima`: one automatic ARIMA per series, chosen at `train` (so `train` can say which
/// series fell back to the naive forecast, and why) and reused by `evaluate`; `forecast`
/// refits on the longer history.
public struct ARIMAEstimator: Estimator {
    public init() {}

    /// The predictor searches an order afresh on any history other than the one trained on
    /// (`SelectedFits`), so refitting at each backtest origin changes nothing.
    public var refitsOnEveryHistory: Bool { true }

    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        let season = panel.season
        return ARIMAPredictor(fits: try SelectedFits(panel) { AutoARIMA.outcome($0, season: season) })
    }
}

public struct ARIMAPredictor: Predictor, SummarizesFit {
    let fits: SelectedFits<ARIMAFit>

    /// Says how many series did not get a converged ARIMA, and what they got instead.
    public var fitSummary: [String] {
        let (short, failed, unconverged) = fits.tally
        var lines: [String] = []
        if short > 0 { lines.append("\(short) series too short for ARIMA (fewer than \(AutoARIMA.minimumLength) points): naive forecast instead") }
        if failed > 0 { lines.append("\(failed) series where no ARIMA order reached a finite fit: naive forecast instead") }
        if unconverged > 0 { lines.append("\(unconverged) series whose chosen order stopped at Nelder–Mead's evaluation limit (kept, as R does)") }
        return lines
    }

    public func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        let season = history.season
        let z = levels.map(NormalDistribution.quantile)
        return try forecastEachSeries(history, model: "arima") { s, y in
            let outcome = fits.outcome(s.id, history: y) { AutoARIMA.outcome($0, season: season) }
            let (point, sd): ([Double], [Double])
            if case .fitted(let fit) = outcome { (point, sd) = fit.forecast(horizon: horizon) } else {
                (point, sd) = NaiveFallback.forecast(y, horizon: horizon)
            }
            return ItemForecast.gaussian(id: s.id, firstTime: history.time(of: s, at: s.count), point: point, sd: sd,
                                         levels: levels, z: z, nonNegative: y.allSatisfy { $0 >= 0 })
        }
    }
}
