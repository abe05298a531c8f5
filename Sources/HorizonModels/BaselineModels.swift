import HorizonCore
import HorizonData

/// The first rung of the lineage: the textbook baselines every forecast must beat.
/// Definitions follow the M4 reference code (`Benchmarks and Evaluation.R`).
public enum BaselineModels {
    public static let specs: [ModelSpec] = [
        ModelSpec(name: "naive", summary: "last observed value, repeated") { _ in
            LocalEstimator(name: "naive", method: Naive())
        },
        ModelSpec(name: "snaive", summary: "seasonal naive: the value one season earlier") { _ in
            LocalEstimator(name: "snaive", method: SeasonalNaive())
        },
        ModelSpec(name: "drift", summary: "straight line through the first and last values") { _ in
            LocalEstimator(name: "drift", method: Drift())
        },
        ModelSpec(name: "mean", summary: "mean of the history (or of its last `window` points)",
                  options: [OptionDeclaration("window", .integer(1...1_000_000), help: "average only the last N points")]) { options in
            LocalEstimator(name: "mean", method: Mean(window: options.integer("window")))
        },
        ModelSpec(name: "naive2", summary: "naive on the seasonally adjusted series (M4's Naive2, the OWA reference)") { _ in
            LocalEstimator(name: "naive2", method: Naive2())
        },
    ]
}

/// ŷ(T+h) = y(T).
public struct Naive: PointMethod {
    public init() {}
    public var minimumLength: Int { 1 }
    public func forecast(_ y: ArraySlice<Double>, horizon: Int, season: Int) -> [Double] {
        [Double](repeating: y.last!, count: horizon)
    }
}

/// ŷ(T+h) = y(T + h − m⌈h/m⌉): the last season repeated. With less than one season of
/// history it falls back to the naive forecast.
public struct SeasonalNaive: PointMethod {
    public init() {}
    public var minimumLength: Int { 1 }
    public func forecast(_ y: ArraySlice<Double>, horizon: Int, season: Int) -> [Double] {
        let m = max(1, season)
        guard y.count >= m else { return [Double](repeating: y.last!, count: horizon) }
        let lastSeason = y.suffix(m)
        let start = lastSeason.startIndex
        return (0..<horizon).map { lastSeason[start + $0 % m] }
    }
}

/// ŷ(T+h) = y(T) + h·(y(T) − y(1))/(T − 1).
public struct Drift: PointMethod {
    public init() {}
    public var minimumLength: Int { 2 }
    public func forecast(_ y: ArraySlice<Double>, horizon: Int, season: Int) -> [Double] {
        let slope = (y.last! - y.first!) / Double(y.count - 1)
        return (1...max(1, horizon)).prefix(horizon).map { y.last! + Double($0) * slope }
    }
}

/// ŷ(T+h) = mean of the history, or of its last `window` points.
public struct Mean: PointMethod {
    public var window: Int?
    public init(window: Int? = nil) { self.window = window }
    public var minimumLength: Int { 1 }
    public func forecast(_ y: ArraySlice<Double>, horizon: Int, season: Int) -> [Double] {
        let part = window.map { y.suffix($0) } ?? y
        return [Double](repeating: part.reduce(0, +) / Double(part.count), count: horizon)
    }

    /// Running sums make every origin O(horizon) instead of O(n).
    public func backtest(_ y: [Double], origins: [Int], horizon: Int, season: Int) -> [[Double]] {
        var prefix = [Double](repeating: 0, count: y.count + 1)
        for k in y.indices { prefix[k + 1] = prefix[k] + y[k] }
        return origins.map { o in
            let from = window.map { max(0, o - $0) } ?? 0
            return [Double](repeating: (prefix[o] - prefix[from]) / Double(o - from), count: horizon)
        }
    }
}
