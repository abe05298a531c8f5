/// Covariates over the forecast horizon that are known in advance: planned prices,
/// promotions, events. Models that use covariates (elasticity, trees, neural nets) read them
/// here rather than from the history, so a forecast never peeks at the target's future.
///
/// Over a holdout they are the recorded values. Past the end of the data nobody has told
/// Horizon the plan, so each numeric covariate's last value is carried forward (a price stays
/// where it is), and categorical ones (events) are absent: an event is not assumed to recur.
public struct FutureCovariates: Sendable {
    /// `dynamic[i][name]`: the values of covariate `name` for series i of the history panel
    /// over steps 1…horizon.
    public var dynamic: [[String: [Double]]]
    /// `categorical[i][name]`: codes (into the panel's vocabulary, -1 unknown) over the horizon.
    public var categorical: [[String: [Int32]]]
    public var horizon: Int

    public init(dynamic: [[String: [Double]]], categorical: [[String: [Int32]]], horizon: Int) {
        self.dynamic = dynamic
        self.categorical = categorical
        self.horizon = horizon
    }

    /// The recorded covariates that follow each series of `history` in `full` (the panel
    /// before the holdout was cut off); steps past the end of `full` carry the last value.
    public static func recorded(in full: Panel, after history: Panel, horizon: Int) -> FutureCovariates {
        var dynamic: [[String: [Double]]] = [], categorical: [[String: [Int32]]] = []
        for s in history.series {
            let source = full[s.id] ?? s
            dynamic.append(source.dynamic.mapValues { carry($0, from: s.count, horizon: horizon) })
            categorical.append(source.categorical.mapValues { codes in
                (0..<horizon).map { s.count + $0 < codes.count ? codes[s.count + $0] : -1 }
            })
        }
        return FutureCovariates(dynamic: dynamic, categorical: categorical, horizon: horizon)
    }

    /// The covariates of the series at `indices` of the history only.
    public func selecting(_ indices: [Int]) -> FutureCovariates {
        FutureCovariates(dynamic: indices.map { dynamic[$0] }, categorical: indices.map { categorical[$0] }, horizon: horizon)
    }

    /// Past the end of the data: numeric covariates carried forward, no events.
    public static func carriedForward(_ history: Panel, horizon: Int) -> FutureCovariates {
        recorded(in: history, after: history, horizon: horizon)
    }

    /// `values[start..<start+horizon]`, missing or absent entries replaced by the last known one.
    private static func carry(_ values: [Double], from start: Int, horizon: Int) -> [Double] {
        var last = values.prefix(start).last { !$0.isNaN } ?? .nan
        return (0..<horizon).map { h in
            let k = start + h
            if k < values.count, !values[k].isNaN { last = values[k] }
            return last
        }
    }
}
