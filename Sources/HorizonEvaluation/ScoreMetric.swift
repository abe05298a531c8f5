import HorizonCore
import HorizonForecast

/// A metric chosen by name, for `sort=`, `plot compare metric=` and `plot errors metric=`:
/// a declared metric (`MetricDeclaration.all`) or the wQL at one of the session's levels.
public enum ScoreMetric: Equatable, Sendable {
    case declared(MetricDeclaration)
    /// wQL at one level.
    case wql(Double)

    /// The default ranking: mean wQL.
    public static let meanWQL = ScoreMetric.declared(MetricDeclaration.named("wql")!)

    /// The names accepted for a session with quantile `levels`.
    public static func names(levels: [Double]) -> [String] {
        MetricDeclaration.all.map(\.name) + levels.map(NumberFormat.quantileName)
    }

    /// Parses a declared metric's name or a level name (`p90`: wQL at p90).
    public static func parse(_ text: String, levels: [Double]) throws -> ScoreMetric {
        if let metric = MetricDeclaration.named(text) { return .declared(metric) }
        if let level = levels.first(where: { NumberFormat.quantileName($0) == text.lowercased() }) { return .wql(level) }
        let known = names(levels: levels)
        throw HorizonError("unknown metric '\(text)' (metrics: \(known.joined(separator: ", ")))",
                           suggestion: Suggestions.didYouMean(text, in: known))
    }

    /// The metric's value in `scores` (NaN when it has none).
    public func value(_ scores: ModelScores) -> Double {
        switch self {
        case .declared(let metric): return scores[metric]
        case .wql(let level): return scores.levels.firstIndex { abs($0 - level) < 1e-12 }.map { scores.wql[$0] } ?? .nan
        }
    }

    /// The name as the tables print it.
    public var label: String {
        switch self {
        case .declared(let metric): return metric.label
        case .wql(let level): return "wQL[\(NumberFormat.quantileName(level))]"
        }
    }

    /// Rows ordered by this metric, best first; missing values last, ties kept in order.
    public func sorted(_ rows: [ScoreRow]) -> [ScoreRow] {
        order(rows.map(\.scores), worstFirst: false).map { rows[$0] }
    }

    /// The indices of `scores` ordered by this metric, best (or worst) first; missing values
    /// last either way, ties kept in order.
    public func order(_ scores: [ModelScores], worstFirst: Bool) -> [Int] {
        let lowerIsBetter = if case .declared(let metric) = self { metric.lowerIsBetter } else { true }
        let values = scores.map(value)
        return values.indices.sorted { a, b in
            let x = values[a], y = values[b]
            if x.isNaN != y.isNaN { return !x.isNaN }
            if x != y, !x.isNaN { return (lowerIsBetter != worstFirst) ? x < y : x > y }
            return a < b
        }
    }
}
