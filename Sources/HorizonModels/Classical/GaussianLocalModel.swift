import HorizonCore
import HorizonData
import HorizonForecast

/// A per-series method whose forecast distribution is normal: a point forecast and a standard
/// deviation for every step (analytic variances of ETS and ARIMA).
public protocol GaussianMethod: Sendable {
    /// Point forecasts and standard deviations for `horizon` steps after `y` (no missing
    /// values, at least two observations), or nil when `y` is too short for the method.
    func forecast(_ y: [Double], horizon: Int, season: Int) -> (point: [Double], sd: [Double])?
}

/// A `GaussianMethod` that can say in words what it fitted to one series, for `report MODEL
/// ITEM`. It refits there: these methods fit in milliseconds and keep nothing between calls.
public protocol DescribesSeries: GaussianMethod {
    func describe(_ y: [Double], season: Int) -> [String]
}

extension GaussianLocalEstimator: ReportsItem where Method: DescribesSeries {
    public func itemReport(_ series: Series, in panel: Panel) -> [String] {
        let y = LocalPredictor<Naive>.fillForward(series.values)
        return y.isEmpty ? ["no observations"] : method.describe(y, season: panel.season)
    }
}

/// Runs a `GaussianMethod` on every series of whatever history it is given (the method fits
/// in milliseconds, so there is nothing to keep between `train` and `forecast`).
///
/// Quantiles are point + z_τ·sd. A series too short for the method gets the naive forecast
/// with the random-walk spread of its own differences, σ·√h; a series that never goes below
/// zero has its quantiles clipped at zero.
public struct GaussianLocalEstimator<Method: GaussianMethod>: Estimator, Predictor {
    public let name: String
    public let method: Method

    public init(name: String, method: Method) {
        self.name = name
        self.method = method
    }

    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor { self }

    /// It is its own predictor and fits each history it is given.
    public var refitsOnEveryHistory: Bool { true }

    public func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        let season = history.season
        let z = levels.map(NormalDistribution.quantile)
        return try forecastEachSeries(history, model: name) { s, y in
            let (point, sd) = method.forecast(y, horizon: horizon, season: season) ?? NaiveFallback.forecast(y, horizon: horizon)
            return ItemForecast.gaussian(id: s.id, firstTime: history.time(of: s, at: s.count), point: point, sd: sd,
                                         levels: levels, z: z, nonNegative: y.allSatisfy { $0 >= 0 })
        }
    }
}

/// The forecast of last resort for series too short for a model: the last value, with the
/// spread of a random walk whose steps have the series' own difference variance.
enum NaiveFallback {
    static func forecast(_ y: [Double], horizon: Int) -> (point: [Double], sd: [Double]) {
        var ss = 0.0
        for t in 1..<max(1, y.count) { ss += (y[t] - y[t - 1]) * (y[t] - y[t - 1]) }
        let sigma = y.count > 1 ? (ss / Double(y.count - 1)).squareRoot() : 0
        return ([Double](repeating: y.last!, count: horizon), (0..<horizon).map { sigma * Double($0 + 1).squareRoot() })
    }
}

extension ItemForecast {
    /// Quantiles point + z·sd at each level (z the standard normal quantiles of `levels`),
    /// clipped at zero for non-negative data.
    static func gaussian(id: String, firstTime: Int64, point: [Double], sd: [Double], levels: [Double], z: [Double],
                         nonNegative: Bool) -> ItemForecast {
        var point = point
        var quantiles = z.map { zl in zip(point, sd).map { $0 + zl * $1 } }
        if nonNegative {
            point = point.map { max(0, $0) }
            quantiles = quantiles.map { $0.map { max(0, $0) } }
        }
        return ItemForecast(id: id, firstTime: firstTime, point: point, levels: levels, quantiles: quantiles)
    }
}
