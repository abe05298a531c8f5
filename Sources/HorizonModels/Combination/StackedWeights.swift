import Foundation
import HorizonForecast

extension ComboEstimator {
    /// The members' weights that minimise the pooled quantile loss of the combined forecasts
    /// (at `scoredLevels`) on the judged horizons, over the simplex (`stacked`).
    ///
    /// Why not only inverse-loss weights (`weighted`): those stay near equal unless one member
    /// is far worse, so a member much better than the rest (the net on M4 Weekly) is diluted;
    /// the loss-minimising weights lean on it as far as the other members stop helping. They
    /// also lean on the judged horizons' shocks, which is why equal weights stay the default
    /// (see `Method.stacked`).
    ///
    /// The loss of a convex combination is convex in the weights (a pinball loss of a linear
    /// function), so exponentiated-gradient descent — multiplicative updates that stay on the
    /// simplex — reaches its minimum; the best iterate is kept, as its subgradient steps need
    /// not descend every time.
    static func stackedWeights(_ v: Validation, iterations: Int = 400) -> [Double] {
        let members = v.forecasts.count
        let equal = [Double](repeating: 1 / Double(members), count: members)
        let scored = scoredLevels.compactMap { v.levels.firstIndex(of: $0) }
        // Every judged point as (actual, level, the members' quantiles), scaled by Σ|y| so the
        // loss is the pooled wQL and the step size means the same on every dataset.
        var actuals: [Double] = [], taus: [Double] = [], quantiles: [Double] = []
        var total = 0.0
        for (i, y) in v.actuals.enumerated() {
            for step in y.indices where !y[step].isNaN {
                total += abs(y[step])
                for l in scored {
                    let qs = v.forecasts.map { $0.items[i].quantiles[l][step] }
                    guard qs.allSatisfy(\.isFinite) else { continue }
                    actuals.append(y[step])
                    taus.append(v.levels[l])
                    quantiles += qs
                }
            }
        }
        guard total > 0, !actuals.isEmpty else { return equal }
        func lossAndGradient(_ w: [Double]) -> (Double, [Double]) {
            var loss = 0.0, gradient = [Double](repeating: 0, count: members)
            for p in actuals.indices {
                let base = p * members
                var q = 0.0
                for m in 0..<members { q += w[m] * quantiles[base + m] }
                let y = actuals[p], tau = taus[p]
                // d/dq of ρ_τ(y − q): −τ above the quantile, 1 − τ below it.
                let slope = y >= q ? -tau : 1 - tau
                loss += Metrics.pinball(y, q, level: tau)
                for m in 0..<members { gradient[m] += slope * quantiles[base + m] }
            }
            return (loss / total, gradient.map { $0 / total })
        }
        var w = equal, best = (loss: Double.infinity, weights: equal)
        for t in 1...iterations {
            let (loss, gradient) = lossAndGradient(w)
            if loss < best.loss { best = (loss, w) }
            // The step: a learning rate of 1/√t on the gradient's differences between members
            // (a constant added to every entry leaves the update unchanged), normalised to their
            // range; no range means no member would gain weight at another's expense: the minimum.
            guard let high = gradient.max(), let low = gradient.min(), high > low else { break }
            let rate = 1 / Double(t).squareRoot()
            w = zip(w, gradient).map { $0 * Foundation.exp(-rate * ($1 - low) / (high - low)) }
            let sum = w.reduce(0, +)
            w = w.map { $0 / sum }
        }
        return best.weights
    }
}
