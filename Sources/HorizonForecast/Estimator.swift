import HorizonCore
import HorizonData

/// What every fit needs to know beyond the data.
public struct FitSettings: Sendable {
    /// Steps ahead to forecast.
    public var horizon: Int
    /// How much history a windowed model looks at (nil: the model's own default).
    public var context: Int?
    /// The quantile levels the user asked for.
    public var levels: [Double]
    /// The seed of the session's generator; models derive their own generator from it.
    public var seed: UInt64

    public init(horizon: Int, context: Int? = nil, levels: [Double] = [0.1, 0.5, 0.9], seed: UInt64 = 42) {
        self.horizon = horizon
        self.context = context
        self.levels = levels
        self.seed = seed
    }
}

/// The estimator → predictor → forecast separation (as in GluonTS).
///
/// An estimator holds a model's configuration; `fit` learns from a panel and returns a
/// predictor, which turns any history into quantile forecasts. Keeping the predictor separate
/// is what lets `evaluate` (history = the training part) and `forecast` (history = all the
/// data) share one fitted model, and lets a global model forecast series it has never seen.
public protocol Estimator: Sendable {
    func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor
    /// True when the predictor estimates everything from the history it is given (the local
    /// baselines), so fitting again at each backtest origin changes nothing.
    var refitsOnEveryHistory: Bool { get }
}

extension Estimator {
    public var refitsOnEveryHistory: Bool { false }
}

public protocol Predictor: Sendable {
    /// Forecasts `horizon` steps past the end of every series in `history`, at `levels`
    /// (sorted, in (0, 1)); the point forecast is the model's own. `future` holds the
    /// covariates known in advance over those steps (models without covariates ignore it).
    func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast
    /// The most steps it forecasts, when training fixed them (a net or a forest forecasts the
    /// steps it was trained on); nil when any horizon will do. Asked before forecasting, so the
    /// session names the model as the user does, and a batch job fails once rather than series
    /// by series.
    var longestHorizon: Int? { get }
}

extension Predictor {
    public var longestHorizon: Int? { nil }

    /// Forecasts with every covariate's last value carried forward over the horizon.
    public func predict(_ history: Panel, horizon: Int, levels: [Double]) throws -> PanelForecast {
        try predict(history, future: .carriedForward(history, horizon: horizon), horizon: horizon, levels: levels)
    }
}

/// A predictor that has something to say about its fit (the ETS form chosen, how training
/// went), printed under the `train` line.
public protocol SummarizesFit {
    var fitSummary: [String] { get }
}

/// Adopted by predictors that hold something of their own for each item (a local model's
/// chosen form and parameters; an add-on's estimate for the item's group): what `report MODEL
/// ITEM` shows. Global models (a forest, a network) are one model for every item and say so
/// through their fit summary instead.
public protocol ReportsItem {
    func itemReport(_ series: Series, in panel: Panel) -> [String]
}

/// A stretch at the end of the training data (or of a prefix of it) held out to judge a model
/// on: the history before it (the series long enough, each cut short where the stretch begins),
/// the covariates recorded over its `horizon` points, and the levels to forecast it at. A
/// combination weighs and calibrates its members on such stretches.
public struct HeldOutStretch: Sendable {
    public var history: Panel
    public var future: FutureCovariates
    public var horizon: Int
    public var levels: [Double]

    public init(history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) {
        self.history = history
        self.future = future
        self.horizon = horizon
        self.levels = levels
    }

    /// The `horizon` points that start `cut` points before each series' end, held out of the
    /// series with at least three points, one of them observed, before them: the stretch, and
    /// those series whole (their actuals, and anything else about them). Nil when no series is
    /// that long. Rolling-origin judging inside the training data (a combination's members, the
    /// distribution engine's backtests) cuts its stretches here, so both skip the same series.
    public static func cutting(_ panel: Panel, last cut: Int, horizon: Int, levels: [Double]) -> (stretch: HeldOutStretch, series: [Series])? {
        let kept = panel.series.filter { $0.count - cut >= 3 && $0.values.prefix($0.count - cut).contains { !$0.isNaN } }
        guard !kept.isEmpty else { return nil }
        let full = panel.replacingSeries(kept)
        let history = full.droppingLast(Array(repeating: cut, count: kept.count))
        return (HeldOutStretch(history: history, future: FutureCovariates.recorded(in: full, after: history, horizon: horizon),
                               horizon: horizon, levels: levels), kept)
    }
}

/// An estimator that can forecast held-out stretches within its one fit on all the data, at no
/// extra cost, instead of being fitted once more without each. A network trains its first
/// epochs on targets before the earliest stretch, forecasts it, trains on more, forecasts the
/// next, then goes on with every target: judging it costs a pass over each stretch, not a
/// training per stretch.
public protocol ForecastsHeldOutStretch: Estimator {
    /// The predictor fitted on `panel`, and the forecast of each of `stretches` (each ending
    /// where the next begins, the latest first) made before the fit saw it — nil when this
    /// configuration cannot; the caller then fits without each stretch itself.
    func fit(_ panel: Panel, settings: FitSettings, forecasting stretches: [HeldOutStretch]) throws -> (predictor: any Predictor, heldOut: [PanelForecast]?)
}

/// Adopted by predictors that combine the forecasts of other fitted models (`combo`): `report
/// MODEL ITEM` sets each member's forecast of the item beside the combination's, so a reader
/// sees what each member said and what combining them did.
public protocol CombinesForecasts {
    /// The members in the order `combining` takes their forecasts, each with its weight in the
    /// combination (nil where the combination has no weights: a median).
    var weightedMembers: [(name: String, weight: Double?, predictor: any Predictor)] { get }
    /// The combination of the members' forecasts of `history` (one per member, in order):
    /// what `predict` returns, from forecasts already made.
    func combining(_ forecasts: [PanelForecast], history: Panel, horizon: Int, levels: [Double]) throws -> PanelForecast
}
