import Foundation

/// Consistent number formatting for tables and messages.
public enum NumberFormat {
    /// Fixed decimals, or "–" for a missing (NaN) value.
    public static func fixed(_ x: Double, _ decimals: Int = 3) -> String {
        guard x.isFinite else { return x.isNaN ? "–" : (x > 0 ? "inf" : "-inf") }
        return String(format: "%.\(decimals)f", x)
    }

    /// A compact rendering for data values: integers without decimals, others with up
    /// to 4 significant decimals.
    public static func value(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NA" : (x > 0 ? "inf" : "-inf") }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return String(format: "%.4g", x)
    }

    /// Seconds as "0.42 s" or "1:23".
    public static func duration(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.2f s", seconds) : ProgressBar.clock(seconds)
    }

    /// A quantile level as the usual short name: 0.1 → "p10", 0.025 → "p2.5".
    public static func quantileName(_ level: Double) -> String {
        let pct = level * 100
        if abs(pct - pct.rounded()) < 1e-9 { return "p\(Int(pct.rounded()))" }
        var s = String(format: "%.4f", pct)
        while s.hasSuffix("0") { s.removeLast() }
        return "p" + s
    }
}
