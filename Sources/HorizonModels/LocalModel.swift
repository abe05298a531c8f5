import HorizonCore
import HorizonData
import HorizonForecast

/// A point forecasting method applied to each series on its own (naive, seasonal naive, …).
public protocol PointMethod: Sendable {
    /// Point forecasts for `horizon` steps after the end of `y` (no missing values in `y`).
    func forecast(_ y: ArraySlice<Double>, horizon: Int, season: Int) -> [Double]
    /// The fewest observations the method needs.
    var minimumLength: Int { get }
    /// Forecasts from each origin (an origin o means the history `y[..<o]`), for the
    /// in-sample error distribution. Methods with a costly set-up override this to share it.
    func backtest(_ y: [Double], origins: [Int], horizon: Int, season: Int) -> [[Double]]
    /// What `train` should say about how the method met this data (none by default).
    func fitNotes(_ panel: Panel) -> [String]
}

extension PointMethod {
    public func fitNotes(_ panel: Panel) -> [String] { [] }

    public func backtest(_ y: [Double], origins: [Int], horizon: Int, season: Int) -> [[Double]] {
        origins.map { forecast(y[..<$0], horizon: horizon, season: season) }
    }
}

/// Local models fit nothing globally: the predictor runs the method on whatever history it
/// is given, and turns the method's own backtest errors into quantiles.
public struct LocalEstimator<Method: PointMethod>: Estimator {
    public let name: String
    public let method: Method

    public init(name: String, method: Method) {
        self.name = name
        self.method = method
    }

    public var refitsOnEveryHistory: Bool { true }

    /// A series shorter than the method needs (a one-point series for `drift`) does not stop
    /// the others: it gets the naive forecast, and `train` says how many did.
    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        var predictor = LocalPredictor(name: name, method: method)
        // Counted as `predict` decides: on the history with gaps filled forward.
        predictor.shortSeries = panel.series.reduce(0) {
            $0 + (LocalPredictor<Method>.fillForward($1.values).count < method.minimumLength ? 1 : 0)
        }
        predictor.notes = method.fitNotes(panel)
        return predictor
    }
}

public struct LocalPredictor<Method: PointMethod>: Predictor, SummarizesFit {
    public let name: String
    public let method: Method
    public var errors = EmpiricalErrors()
    /// Training series shorter than `method.minimumLength`, which get the naive forecast.
    public var shortSeries = 0
    /// The method's own notes on the training data.
    public var notes: [String] = []

    public init(name: String, method: Method) {
        self.name = name
        self.method = method
    }

    public var fitSummary: [String] {
        notes + (shortSeries == 0 ? [] : ["\(shortSeries) series shorter than \(name)'s \(method.minimumLength) points: naive forecast instead"])
    }

    public func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        let season = history.season
        // Series are independent, so they are spread over the cores.
        let perSeries = try parallelMap(history.series.count) { i -> (y: [Double], point: [Double], errors: [[Double]]) in
            let s = history.series[i]
            let y = Self.fillForward(s.values)
            guard let last = y.last else { throw HorizonError("model '\(name)': series '\(s.id)' has no observations") }
            let point = y.count >= method.minimumLength ? method.forecast(y[...], horizon: horizon, season: season)
                : [Double](repeating: last, count: horizon)
            return (y, point, backtestErrors(y, original: s.values, horizon: horizon, season: season))
        }
        let points = perSeries.map(\.point), cleaned = perSeries.map(\.y)
        let quantiles = errors.quantiles(points: points, errors: perSeries.map(\.errors), histories: cleaned, levels: levels)
        var items: [ItemForecast] = []
        items.reserveCapacity(history.series.count)
        for (i, s) in history.series.enumerated() {
            var point = points[i]
            if cleaned[i].allSatisfy({ $0 >= 0 }) { point = point.map { max(0, $0) } }
            items.append(ItemForecast(id: s.id, firstTime: history.time(of: s, at: s.count), point: point,
                                      levels: levels, quantiles: quantiles[i]))
        }
        return PanelForecast(model: name, items: items)
    }

    /// h-step errors from the most recent origins, skipping missing actuals.
    private func backtestErrors(_ y: [Double], original: [Double], horizon: Int, season: Int) -> [[Double]] {
        let offset = original.count - y.count  // leading missing values were dropped
        let firstOrigin = max(method.minimumLength, 1)
        guard y.count > firstOrigin else { return [[Double]](repeating: [], count: horizon) }
        let origins = Array(max(firstOrigin, y.count - errors.maxOrigins)..<y.count)
        let forecasts = method.backtest(y, origins: origins, horizon: horizon, season: season)
        var result = [[Double]](repeating: [], count: horizon)
        for (k, origin) in origins.enumerated() {
            for h in 0..<min(horizon, y.count - origin) {
                let actual = original[offset + origin + h]
                if !actual.isNaN { result[h].append(actual - forecasts[k][h]) }
            }
        }
        return result
    }

    /// Missing values carried forward from the last observation; leading ones dropped.
    static func fillForward(_ values: [Double]) -> [Double] {
        guard let first = values.firstIndex(where: { !$0.isNaN }) else { return [] }
        var out = Array(values[first...])
        var last = out[0]
        for k in out.indices { if out[k].isNaN { out[k] = last } else { last = out[k] } }
        return out
    }
}
