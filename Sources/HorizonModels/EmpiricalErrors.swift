import HorizonCore
import HorizonData
import HorizonForecast

/// Horizon's first "distribution engine": quantiles from the empirical distribution of a
/// point method's own in-sample forecast errors, per horizon.
///
/// Method, for each series and each step h = 1…H:
/// 1. Replay the point method from rolling origins t inside the training data (the most
///    recent `maxOrigins` origins that leave h actuals), collecting e = y[t+h] − ŷ[t+h | t].
/// 2. The forecast at level τ is ŷ + Q_τ(e), with Q the type-7 sample quantile.
/// 3. Where a series has fewer than `minErrors` errors at step h, the widest step h₀ < h with
///    enough errors is used and scaled by √(h / h₀) (the random-walk growth of spread); where a
///    series has too few errors even at h = 1, errors pooled over all series, each divided by
///    its series' scale, are rescaled to this series (from the widest step with enough of them,
///    scaled the same way). A panel too small even for that (one short series) gets a normal
///    spread of 1.25 × its scale × √h around the point. The scale is how much the series moves
///    from one point to the next (the mean absolute change, MASE's in-sample scale at lag 1),
///    not its level: a series at 10⁹ ± 5 has errors of a few units, not of 10⁸. A series with
///    fewer than two changes, or none that moved (one or two points, or flat: a new launch), is
///    given the change its level suggests, at the panel's median ratio of change to level —
///    one change is too noisy to scale by (1000, 1001 against 1000, 1200); one of zeros gets 1.
/// 4. A series that never goes below zero (demand) gets forecasts clipped at zero.
public struct EmpiricalErrors: Sendable {
    public var maxOrigins = 520
    public var minErrors = 8

    public init() {}

    /// Quantiles for every series, given each series' point forecast and backtest errors.
    public func quantiles(points: [[Double]], errors: [[[Double]]], histories: [[Double]], levels: [Double]) -> [[[Double]]] {
        let horizon = points.first?.count ?? 0
        // Pooled relative errors per step, for series too short to have their own.
        var pooled = [[Double]](repeating: [], count: horizon)
        let measured = histories.map(Self.movement)
        let ratios = measured.compactMap { m in m.changes >= 2 && m.change > 0 && m.level > 0 ? m.change / m.level : nil }.sorted()
        let ratio = ratios.isEmpty ? 1 : SampleQuantile.type7(sorted: ratios, 0.5)
        var scales = [Double](repeating: 1, count: histories.count)
        for i in histories.indices {
            let m = measured[i]
            scales[i] = m.changes >= 2 && m.change > 0 ? m.change : m.level > 0 ? m.level * ratio : 1
            for h in 0..<horizon {
                // At most 200 per series, the most recent, so no single long series dominates.
                for e in errors[i][h].suffix(200) { pooled[h].append(e / scales[i]) }
            }
        }
        for h in 0..<horizon { pooled[h].sort() }

        var result: [[[Double]]] = []
        result.reserveCapacity(points.count)
        for i in points.indices {
            let nonNegative = histories[i].allSatisfy { $0.isNaN || $0 >= 0 }
            let sortedByStep = errors[i].map { $0.sorted() }
            var q = [[Double]](repeating: [Double](repeating: 0, count: horizon), count: levels.count)
            for h in 0..<horizon {
                // The series' own errors at h, else at the widest step with enough; then the
                // pooled ones the same way; then (a panel too small to pool from) a normal spread
                // from the series' own typical change, growing as a random walk's.
                func growth(_ h0: Int) -> Double { (Double(h + 1) / Double(h0 + 1)).squareRoot() }
                var sample: [Double] = [], factor = 1.0
                if let h0 = (0...h).last(where: { sortedByStep[$0].count >= minErrors }) {
                    (sample, factor) = (sortedByStep[h0], growth(h0))
                } else if let h0 = (0...h).last(where: { pooled[$0].count >= minErrors }) {
                    (sample, factor) = (pooled[h0], scales[i] * growth(h0))
                }
                for (l, level) in levels.enumerated() {
                    // 1.25 × the mean absolute change is a normal step's standard deviation.
                    let offset = sample.isEmpty ? NormalDistribution.quantile(level) * 1.25 * scales[i] * Double(h + 1).squareRoot()
                        : SampleQuantile.type7(sorted: sample, level) * factor
                    var value = points[i][h] + offset
                    if nonNegative { value = max(0, value) }
                    q[l][h] = value
                }
            }
            result.append(q)
        }
        return result
    }

    /// A series' mean absolute change between observed points, how many changes that is, and
    /// its mean absolute value (0 when there is none): its pooling scale is made from them (see
    /// the type's comment).
    static func movement(_ history: [Double]) -> (change: Double, changes: Int, level: Double) {
        let observed = history.filter { !$0.isNaN }
        var change = 0.0
        for k in observed.indices.dropFirst() { change += abs(observed[k] - observed[k - 1]) }
        let level = observed.isEmpty ? 0 : observed.reduce(0) { $0 + abs($1) } / Double(observed.count)
        let changes = max(0, observed.count - 1)
        return (changes > 0 ? change / Double(changes) : 0, changes, level)
    }
}
