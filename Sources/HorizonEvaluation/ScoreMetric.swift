import HorizonCore

/// A metric chosen by name, for `sort=`, `plot compare metric=` and `plot errors metric=`.
/// Every one of them is better when lower.
public enum ScoreMetric: Equatable, Sendable {
    case meanWQL
    /// wQL at one level.
    case wql(Double)
    case crps, mase, smape, msis, owa

    /// The names accepted for a session with quantile `levels`.
    public static func names(levels: [Double]) -> [String] {
        ["wql", "crps", "mase", "smape", "msis", "owa"] + levels.map(NumberFormat.quantileName)
    }

    /// Parses `wql`, `crps`, `mase`, `smape`, `msis`, `owa` or a level name (`p90`: wQL at p90).
    public static func parse(_ text: String, levels: [Double]) throws -> ScoreMetric {
        switch text.lowercased() {
        case "wql": return .meanWQL
        case "crps": return .crps
        case "mase": return .mase
        case "smape": return .smape
        case "msis": return .msis
        case "owa": return .owa
        default:
            if let level = levels.first(where: { NumberFormat.quantileName($0) == text.lowercased() }) { return .wql(level) }
            let known = names(levels: levels)
            throw HorizonError("unknown metric '\(text)' (metrics: \(known.joined(separator: ", ")))",
                               suggestion: Suggestions.didYouMean(text, in: known))
        }
    }

    /// The metric's value in `scores` (NaN when it has none).
    public func value(_ scores: ModelScores) -> Double {
        switch self {
        case .meanWQL: return scores.meanWQL
        case .wql(let level): return scores.levels.firstIndex { abs($0 - level) < 1e-12 }.map { scores.wql[$0] } ?? .nan
        case .crps: return scores.crps
        case .mase: return scores.mase
        case .smape: return scores.smape
        case .msis: return scores.msis
        case .owa: return scores.owa ?? .nan
        }
    }

    /// The name as the tables print it.
    public var label: String {
        switch self {
        case .meanWQL: return "mean wQL"
        case .wql(let level): return "wQL[\(NumberFormat.quantileName(level))]"
        case .crps: return "wCRPS"
        case .mase: return "MASE"
        case .smape: return "sMAPE"
        case .msis: return "MSIS"
        case .owa: return "OWA"
        }
    }

    /// Rows ordered by this metric, best (lowest) first; missing values last, ties kept in order.
    public func sorted(_ rows: [ScoreRow]) -> [ScoreRow] {
        rows.enumerated().sorted { a, b in
            let x = value(a.element.scores), y = value(b.element.scores)
            if x.isNaN != y.isNaN { return !x.isNaN }
            if x != y, !x.isNaN { return x < y }
            return a.offset < b.offset
        }.map(\.element)
    }
}
