/// One series' forecast over the scored steps: what every declared metric is computed from.
public struct ScoredSeries {
    /// The held-out values, NaN where missing.
    public let actual: [Double]
    /// The model's point forecast over the same steps.
    public let point: [Double]
    /// The forecast's τ quantile at step h.
    public let quantile: (Double, Int) -> Double
    /// The in-sample seasonal scale (MASE's and MSIS's denominator); zero or NaN without one.
    public let scale: Double

    public init(actual: [Double], point: [Double], scale: Double, quantile: @escaping (Double, Int) -> Double) {
        self.actual = actual
        self.point = point
        self.scale = scale
        self.quantile = quantile
    }

    /// `quantile` at every scored step.
    public func quantiles(_ level: Double) -> [Double] { actual.indices.map { quantile(level, $0) } }
}

/// A metric of a model's forecasts, declared once: the name `sort=`, `plot … metric=` and
/// `runs best metric=` accept, the label tables print, its column in the run log and the
/// schema version that added it, its precision, and how it is computed. The evaluator, the
/// evaluation table, `runs` and the run log's schema all read `MetricDeclaration.all`, so a
/// new metric is one entry here (and its formula in `Metrics` when it needs one).
public struct MetricDeclaration: Sendable, Equatable {
    /// How the scores of a panel are made from its series.
    public enum Computation: Sendable {
        /// The mean over the series that have a value (M4's convention for MASE, sMAPE, MSIS).
        case meanOverSeries(@Sendable (ScoredSeries) -> Double)
        /// Σ numerator / Σ denominator over every series and step (a ratio of totals, never a
        /// mean of ratios); the plain Σ numerator when the denominator is zero.
        case ratioOfTotals(@Sendable (ScoredSeries) -> (numerator: Double, denominator: Double))
        /// The mean of the per-level weighted quantile losses.
        case meanQuantileLoss
        /// The M4 overall weighted average: sMAPE and MASE relative to Naive2's, when Naive2
        /// was scored on the same holdout.
        case relativeToNaive2
    }

    /// Where the evaluation table prints it: beside the quantile losses (probabilistic) or
    /// after the coverage columns (point accuracy).
    public enum Placement: Sendable { case probabilistic, point }

    public let name: String
    public let label: String
    public let column: String
    /// The run log's schema version that added the column: 1 for the first metrics, then one
    /// migration per version (`RunStore`); never changed once released.
    public let schemaVersion: Int
    public let digits: Int
    public let lowerIsBetter: Bool
    public let placement: Placement
    public let computation: Computation
    /// Its definition, printed under the evaluation table (the first metrics are defined in
    /// the table's own notes).
    public var note: String? = nil

    /// What it measures, how, and how to read it: `help METRIC`.
    public var explanation: String {
        switch name {
        case "wql": return "weighted quantile loss: wQL[τ] = 2·Σ pinball_τ(y, q_τ) / Σ|y| over all series and steps, one per quantile level; "
            + "mean wQL averages the levels. A ratio of totals (Amazon Forecast's and GluonTS's definition), so big series weigh more. 0 is perfect; lower is better."
        case "crps": return "weighted CRPS: Σ CRPS / Σ|y|, each forecast's continuous ranked probability score integrated on a 200-level τ grid through "
            + "its quantile function (linear between the trained levels, normal-shaped tails). It scores the whole distribution; about the mean wQL over every level."
        case "mase": return "mean absolute scaled error (M4): each series' mean |y − ŷ| over the holdout divided by its in-sample seasonal-naive mean absolute "
            + "error, averaged over series. Below 1 beats the seasonal naive's in-sample accuracy; a constant or too-short history has no scale and is left out."
        case "smape": return "symmetric MAPE in percent (M4): the mean of 200·|y − ŷ| / (|y| + |ŷ|) over the holdout (0 where both are 0), averaged over "
            + "series. Bounded by 200; it punishes under-forecasts of small values more than over-forecasts."
        case "msis": return "mean scaled interval score (M4) of the 95% interval p2.5–p97.5: its width plus 40× the distance of each actual outside it, "
            + "divided by the same scale as MASE. Rewards narrow intervals that still cover."
        case "owa": return "overall weighted average (M4): ½·(sMAPE / sMAPE of naive2 + MASE / MASE of naive2), naive2 scored on the same series; "
            + "below 1 beats naive2 (the naive forecast of the seasonally adjusted series)."
        default: return note ?? label
        }
    }

    public static func == (a: Self, b: Self) -> Bool { a.name == b.name }

    /// Whether a score needs another model's on the same holdout (OWA needs Naive2's), so some
    /// runs have none.
    public var needsReference: Bool {
        if case .relativeToNaive2 = computation { return true }
        return false
    }

    /// Every metric, in the order the tables print them.
    public static let all: [MetricDeclaration] = [
        MetricDeclaration(name: "wql", label: "mean wQL", column: "wql", schemaVersion: 1, digits: 4, lowerIsBetter: true,
                          placement: .probabilistic, computation: .meanQuantileLoss),
        MetricDeclaration(name: "crps", label: "wCRPS", column: "crps", schemaVersion: 1, digits: 4, lowerIsBetter: true,
                          placement: .probabilistic, computation: .ratioOfTotals { s in
                              var total = 0.0, absolute = 0.0
                              for (h, y) in s.actual.enumerated() where !y.isNaN {
                                  total += Metrics.crps(y) { s.quantile($0, h) }
                                  absolute += abs(y)
                              }
                              return (total, absolute)
                          }),
        MetricDeclaration(name: "mase", label: "MASE", column: "mase", schemaVersion: 1, digits: 3, lowerIsBetter: true,
                          placement: .point, computation: .meanOverSeries { Metrics.mase(actual: $0.actual, forecast: $0.point, scale: $0.scale) }),
        MetricDeclaration(name: "smape", label: "sMAPE", column: "smape", schemaVersion: 1, digits: 3, lowerIsBetter: true,
                          placement: .point, computation: .meanOverSeries { Metrics.smape(actual: $0.actual, forecast: $0.point) }),
        MetricDeclaration(name: "msis", label: "MSIS", column: "msis", schemaVersion: 1, digits: 3, lowerIsBetter: true,
                          placement: .point, computation: .meanOverSeries {
                              Metrics.msis(actual: $0.actual, lower: $0.quantiles(0.025), upper: $0.quantiles(0.975), scale: $0.scale)
                          }),
        MetricDeclaration(name: "nd", label: "ND", column: "nd", schemaVersion: 2, digits: 4, lowerIsBetter: true,
                          placement: .point, computation: .ratioOfTotals { s in
                              var error = 0.0, absolute = 0.0
                              for (h, y) in s.actual.enumerated() where !y.isNaN {
                                  error += abs(y - s.quantile(0.5, h))
                                  absolute += abs(y)
                              }
                              return (error, absolute)
                          }, note: "ND = Σ|y − median|/Σ|y| over all series and steps (GluonTS's normalised deviation)."),
        MetricDeclaration(name: "owa", label: "OWA", column: "owa", schemaVersion: 1, digits: 3, lowerIsBetter: true,
                          placement: .point, computation: .relativeToNaive2),
    ]

    /// The declaration named `name` (case-insensitive).
    public static func named(_ name: String) -> MetricDeclaration? { all.first { $0.name == name.lowercased() } }
}
