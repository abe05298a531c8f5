/// Sample quantiles, pinned to one definition so numbers match R and NumPy.
public enum SampleQuantile {
    /// Hyndman–Fan type 7 (R's and NumPy's default): linear interpolation between order
    /// statistics at position (n − 1)·p. `sorted` must be ascending and non-empty.
    public static func type7(sorted: [Double], _ p: Double) -> Double {
        let n = sorted.count
        precondition(n > 0, "quantile of an empty sample")
        let position = Double(n - 1) * p
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, n - 1)
        let w = position - Double(lower)
        return sorted[lower] + w * (sorted[upper] - sorted[lower])
    }
}
