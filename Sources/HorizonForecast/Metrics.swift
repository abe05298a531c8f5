/// Forecast accuracy metrics with exact definitions (see shared anchors, model-specs §8).
///
/// Conventions, fixed here because tools disagree:
/// - Missing actuals (NaN) are skipped everywhere.
/// - Ratios of totals (wQL) are computed over all items and steps, never as a mean of ratios.
/// - Per-series metrics (MASE, sMAPE, MSIS) are averaged over the series that have a value
///   (M4 convention); a series whose in-sample scale is zero has no MASE/MSIS.
public enum Metrics {
    /// Pinball loss ρ_τ(y, q) = τ·(y − q)⁺ + (1 − τ)·(q − y)⁺.
    @inlinable
    public static func pinball(_ y: Double, _ q: Double, level tau: Double) -> Double {
        y >= q ? tau * (y - q) : (1 - tau) * (q - y)
    }

    /// Weighted quantile loss over a set of series: 2·Σ ρ_τ / Σ |y| (a ratio of totals); with
    /// Σ|y| = 0 the unweighted 2·Σρ, as AWS does.
    public static func weightedQuantileLoss(actuals: [[Double]], quantiles: [[Double]], level: Double) -> Double {
        var loss = 0.0, absActual = 0.0, observed = false
        for (y, q) in zip(actuals, quantiles) {
            for (a, b) in zip(y, q) where !a.isNaN {
                loss += pinball(a, b, level: level)
                absActual += abs(a)
                observed = true
            }
        }
        // Nothing observed scores nothing (not a perfect 0).
        guard observed else { return .nan }
        return absActual > 0 ? 2 * loss / absActual : 2 * loss
    }

    /// CRPS of one actual against a forecast distribution given by its quantile function:
    /// CRPS = 2∫₀¹ ρ_τ(y, F⁻¹(τ)) dτ, by the midpoint rule on `gridSize` levels
    /// τ_k = (k − ½)/K.
    ///
    /// Why a dense grid through the quantile function rather than GluonTS's trapezoid weights
    /// over the trained levels: with three or five trained levels the trapezoid rule holds the
    /// loss flat beyond the outermost level, which understates the CRPS of any actual in a
    /// tail; `ItemForecast.quantile` already defines the model's whole distribution (linear
    /// between trained levels, a normal-shaped tail beyond them), and integrating that densely
    /// scores every model on the same τ grid whatever levels it produced. For a normal
    /// forecast given only at p2.5 p10 p50 p90 p97.5, averaged over actuals drawn from it,
    /// this is within 1% of the closed-form CRPS where the trapezoid weights are 11% low;
    /// at 99 trained levels it is within 0.1% at every actual (see `CRPSTests`).
    public static func crps(_ y: Double, gridSize: Int = crpsGridSize, quantile: (Double) -> Double) -> Double {
        var sum = 0.0
        for k in 0..<gridSize {
            let tau = (Double(k) + 0.5) / Double(gridSize)
            sum += pinball(y, quantile(tau), level: tau)
        }
        return 2 * sum / Double(gridSize)
    }

    /// The τ grid size used for CRPS: 200 midpoints (the midpoint rule's error is then far
    /// below the differences between models).
    public static let crpsGridSize = 200

    /// Share of actuals at or below the quantile (non-strict, as GluonTS since PR #2738).
    public static func coverage(actuals: [[Double]], quantiles: [[Double]]) -> Double {
        var hits = 0, total = 0
        for (y, q) in zip(actuals, quantiles) {
            for (a, b) in zip(y, q) where !a.isNaN {
                total += 1
                if a <= b { hits += 1 }
            }
        }
        return total > 0 ? Double(hits) / Double(total) : .nan
    }

    /// Share of actuals inside [lower, upper].
    public static func intervalCoverage(actuals: [[Double]], lower: [[Double]], upper: [[Double]]) -> Double {
        var hits = 0, total = 0
        for k in actuals.indices {
            for t in actuals[k].indices where !actuals[k][t].isNaN {
                total += 1
                if actuals[k][t] >= lower[k][t] && actuals[k][t] <= upper[k][t] { hits += 1 }
            }
        }
        return total > 0 ? Double(hits) / Double(total) : .nan
    }

    /// The MASE/MSIS denominator: mean |y_t − y_{t−m}| over the in-sample series (M4's
    /// `mase_cal`), skipping pairs with a missing value. NaN when there is no pair; 0 for a
    /// constant series.
    public static func seasonalScale(_ insample: [Double], season m: Int) -> Double {
        let m = max(1, m)
        var sum = 0.0, count = 0
        if insample.count > m {
            for t in m..<insample.count {
                let d = insample[t] - insample[t - m]
                if !d.isNaN { sum += abs(d); count += 1 }
            }
        }
        return count > 0 ? sum / Double(count) : .nan
    }

    /// MASE of one series: mean |y − ŷ| / seasonal scale. NaN when the scale is 0 or unknown.
    public static func mase(actual: [Double], forecast: [Double], scale: Double) -> Double {
        guard scale > 0, scale.isFinite else { return .nan }
        let e = meanOver(actual, forecast) { y, f in abs(y - f) }
        return e / scale
    }

    /// sMAPE of one series in percent (M4): (200/h)·Σ |y − ŷ| / (|y| + |ŷ|); a point where both
    /// are zero counts as 0 (a perfect forecast), not as undefined.
    public static func smape(actual: [Double], forecast: [Double]) -> Double {
        meanOver(actual, forecast) { y, f in
            let d = abs(y) + abs(f)
            return d == 0 ? 0 : 200 * abs(y - f) / d
        }
    }

    /// MSIS of one series (M4, α = 0.05 by default): mean of the interval score
    /// (U − L) + (2/α)(L − y)·1{y < L} + (2/α)(y − U)·1{y > U}, divided by the seasonal scale.
    public static func msis(actual: [Double], lower: [Double], upper: [Double], scale: Double, alpha: Double = 0.05) -> Double {
        guard scale > 0, scale.isFinite else { return .nan }
        var sum = 0.0, count = 0
        for t in actual.indices where !actual[t].isNaN {
            let y = actual[t], l = lower[t], u = upper[t]
            var score = u - l
            if y < l { score += 2 / alpha * (l - y) }
            if y > u { score += 2 / alpha * (y - u) }
            sum += score
            count += 1
        }
        return count > 0 ? sum / Double(count) / scale : .nan
    }

    /// OWA = ½·(sMAPE/sMAPE_Naive2 + MASE/MASE_Naive2), on aggregate (mean) values.
    public static func owa(smape: Double, mase: Double, naive2Smape: Double, naive2Mase: Double) -> Double {
        // Relative to a Naive2 without error there is no ratio: undefined, not infinite.
        guard naive2Smape > 0, naive2Mase > 0 else { return .nan }
        return 0.5 * (smape / naive2Smape + mase / naive2Mase)
    }

    /// Mean of `f(y, ŷ)` over points with an observed actual; NaN when there are none.
    static func meanOver(_ actual: [Double], _ forecast: [Double], _ f: (Double, Double) -> Double) -> Double {
        var sum = 0.0, count = 0
        for (y, p) in zip(actual, forecast) where !y.isNaN {
            sum += f(y, p)
            count += 1
        }
        return count > 0 ? sum / Double(count) : .nan
    }

    /// Mean of the non-NaN values, and how many there were.
    public static func meanOfFinite(_ values: [Double]) -> (mean: Double, count: Int) {
        let finite = values.filter { !$0.isNaN }
        return (finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count), finite.count)
    }
}
