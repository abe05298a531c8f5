import Foundation
import HorizonData

/// M4's Naive2: the naive forecast of the seasonally adjusted series, re-seasonalised.
/// Adjustment happens only when the M4 90% autocorrelation test finds seasonality at lag m,
/// using a classical multiplicative decomposition (R's `decompose`).
public struct Naive2: PointMethod {
    public init() {}
    public var minimumLength: Int { 1 }

    public func forecast(_ y: ArraySlice<Double>, horizon: Int, season: Int) -> [Double] {
        let x = Array(y)
        guard let indices = SeasonalAdjustment.indices(x, season: season) else {
            return [Double](repeating: x.last!, count: horizon)
        }
        let last = x.last! / indices[(x.count - 1) % season]
        return (0..<horizon).map { last * indices[(x.count + $0) % season] }
    }

    /// How many series the seasonality test found seasonal: the others are forecast by naive.
    public func fitNotes(_ panel: Panel) -> [String] {
        [SeasonalAdjustment.test(panel).description]
    }

    /// The seasonal indices are estimated once on the whole history and shared by every
    /// origin: the error distribution then reflects the naive step, which is what varies.
    public func backtest(_ y: [Double], origins: [Int], horizon: Int, season: Int) -> [[Double]] {
        guard let indices = SeasonalAdjustment.indices(y, season: season) else {
            return origins.map { [Double](repeating: y[$0 - 1], count: horizon) }
        }
        return origins.map { o in
            let last = y[o - 1] / indices[(o - 1) % season]
            return (0..<horizon).map { last * indices[(o + $0) % season] }
        }
    }
}

/// The seasonality test and classical decomposition of the M4 reference code.
public enum SeasonalAdjustment {
    /// Seasonal indices by position modulo `season` (position 0 is the first observation),
    /// or nil when the series is not seasonal, too short, or not strictly positive.
    public static func indices(_ y: [Double], season m: Int) -> [Double]? {
        guard m > 1, isSeasonal(y, season: m), y.allSatisfy({ $0 > 0 }) else { return nil }
        return multiplicativeFigure(y, season: m)
    }

    /// `y` divided by its seasonal indices when the test finds a season, and the indices (nil
    /// when it was left as it is): what the M4 methods and AutoTheta forecast.
    public static func adjusted(_ y: [Double], season m: Int) -> (series: [Double], indices: [Double]?) {
        guard let indices = indices(y, season: m) else { return (y, nil) }
        return (y.indices.map { y[$0] / indices[$0 % m] }, indices)
    }

    /// Forecasts (or their spreads) of an adjusted series put back on the data's scale: step h
    /// after n observations times the index of its position in the season.
    public static func reseasonalised(_ values: [Double], indices: [Double]?, after n: Int, season m: Int) -> [Double] {
        guard let indices else { return values }
        return values.indices.map { values[$0] * indices[(n + $0) % m] }
    }

    /// How many of the panel's series pass the seasonality test at the panel's season, said in
    /// words with the reason when none does: what naive2 (and so OWA's reference) is here.
    public static func test(_ panel: Panel) -> (passed: Int, description: String) {
        let m = panel.season
        let seasonal = panel.series.map { LocalPredictor<Naive>.fillForward($0.values) }.filter { isSeasonal($0, season: m) }
        let passed = seasonal.count, adjusted = seasonal.filter { $0.allSatisfy { $0 > 0 } }.count
        var text = "naive2: \(passed) of \(panel.series.count) series passed the seasonality test at lag \(m)"
        if adjusted < passed {
            text += " (\(passed - adjusted) of them not adjusted: M4's multiplicative decomposition needs values above zero)"
        }
        guard passed == 0 else { return (passed, text + "; the others are forecast by naive") }
        let longest = panel.series.map(\.count).max() ?? 0, lagLimit = longest > 0 ? Int((10 * log10(Double(longest))).rounded(.down)) : 0
        if m <= 1 {
            text += " (no season)"
        } else if longest < 3 * m {
            text += " (it needs 3 seasons, \(3 * m) points; the longest series has \(longest))"
        } else if lagLimit < m {
            text += " (it looks at lags up to ⌊10·log10 n⌋ = \(lagLimit) for the longest series, below the season)"
        }
        return (0, text + ": naive2 is the naive forecast here")
    }

    /// What the M4 test says of a series, including why it could not look: a series it cannot
    /// test counts as non-seasonal, and `describe` says which reason it was.
    public enum Verdict: Equatable, Sendable {
        case seasonal, notSeasonal
        case noSeason
        case tooShort(points: Int, needed: Int)
        case pastLagLimit(lagMax: Int)
    }

    /// The test on a series as the forecasts see it: gaps carried forward, leading gaps dropped.
    public static func verdict(series values: [Double], season m: Int) -> Verdict {
        verdict(LocalPredictor<Naive>.fillForward(values), season: m)
    }

    public static func isSeasonal(_ y: [Double], season m: Int) -> Bool { verdict(y, season: m) == .seasonal }

    /// The M4 test: n ≥ 3m and |r_m| > 1.645·√((1 + 2·Σ_{i<m} r_i²)/n), with R's `acf`
    /// (lag.max = ⌊10·log10 n⌋, so lags beyond it make the series non-seasonal).
    public static func verdict(_ y: [Double], season m: Int) -> Verdict {
        let n = y.count
        guard m > 1 else { return .noSeason }
        guard n >= 3 * m else { return .tooShort(points: n, needed: 3 * m) }
        let lagMax = min(n - 1, Int((10 * log10(Double(n))).rounded(.down)))
        guard m <= lagMax else { return .pastLagLimit(lagMax: lagMax) }
        let r = autocorrelations(y, maxLag: m)
        var sum = 1.0
        for i in 1..<m { sum += 2 * r[i] * r[i] }
        let limit = 1.645 / Double(n).squareRoot() * sum.squareRoot()
        return abs(r[m]) > limit ? .seasonal : .notSeasonal
    }

    /// Sample autocorrelations r_0…r_maxLag as R's `acf` computes them (mean-centred,
    /// biased denominator n).
    public static func autocorrelations(_ y: [Double], maxLag: Int) -> [Double] {
        let n = y.count
        let mean = y.reduce(0, +) / Double(n)
        let d = y.map { $0 - mean }
        let c0 = d.reduce(0) { $0 + $1 * $1 }
        guard c0 > 0 else { return [Double](repeating: 0, count: maxLag + 1) }
        return (0...maxLag).map { lag in
            var s = 0.0
            for t in lag..<n { s += d[t] * d[t - lag] }
            return s / c0
        }
    }

    /// R's `decompose(type = "multiplicative")` seasonal figure: a centred moving average of
    /// order m (weights ½,1,…,1,½ over m+1 points for even m), ratios y/trend averaged by
    /// position, then normalised to mean 1.
    public static func multiplicativeFigure(_ y: [Double], season m: Int) -> [Double] {
        let n = y.count
        var trend = [Double](repeating: .nan, count: n)
        if m % 2 == 0 {
            let half = m / 2
            for t in half..<(n - half) {
                var s = 0.5 * (y[t - half] + y[t + half])
                for k in (t - half + 1)...(t + half - 1) { s += y[k] }
                trend[t] = s / Double(m)
            }
        } else {
            let half = m / 2
            for t in half..<(n - half) {
                var s = 0.0
                for k in (t - half)...(t + half) { s += y[k] }
                trend[t] = s / Double(m)
            }
        }
        var sums = [Double](repeating: 0, count: m), counts = [Double](repeating: 0, count: m)
        for t in 0..<n where !trend[t].isNaN {
            sums[t % m] += y[t] / trend[t]
            counts[t % m] += 1
        }
        var figure = (0..<m).map { counts[$0] > 0 ? sums[$0] / counts[$0] : 1 }
        let mean = figure.reduce(0, +) / Double(m)
        figure = figure.map { $0 / mean }
        return figure
    }
}

extension LocalPredictor where Method == Naive2 {
    /// M4's Naive2, the reference OWA divides by (evaluation and backtests take it from here).
    public static var naive2: Self { Self(name: "naive2", method: Naive2()) }
}
