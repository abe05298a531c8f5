import Foundation

/// The ETS likelihood of four parameter sets in one pass over the data, one set per SIMD lane.
///
/// Why: fitting is a sequential Nelder–Mead search whose cost is the passes over the series, and
/// a pass is bound by the latency of the level/slope recursion, not by arithmetic width. Four
/// independent recursions side by side cost little more than one, so `BoxNelderMead` evaluates
/// the points of an iteration together. The arithmetic per lane is `ETSRecursion.step`'s, so the
/// fit's final scalar pass reproduces the values the search saw (up to rounding in Σ log|μ|).
enum ETSLanes {
    typealias Lanes = SIMD4<Double>

    /// Parameters and starting states, one set per lane.
    struct Start {
        var alpha = Lanes(), beta = Lanes(), gamma = Lanes(), phi = Lanes(repeating: 1)
        var level = Lanes(), slope = Lanes()
    }

    /// −2 log L up to a constant per lane (what `ETSEstimation.likelihood` gives for each lane's
    /// pass), or nil when some |μ| was 0, subnormal, infinite or NaN (see `LogProduct`).
    /// `ring[k]` holds the seasonal states that apply at time k (mod m); the pass overwrites it.
    static func likelihood(_ y: UnsafeBufferPointer<Double>, _ c: ETSComponents, _ start: Start,
                           ring: UnsafeMutableBufferPointer<Lanes>) -> Lanes? {
        // One specialised loop per shape, so no component test runs per observation. An additive
        // trend runs as the damped form with φ = 1 (φ·b is then exactly b).
        switch (c.error, c.hasTrend, c.season) {
        case (.additive, false, .none): return pass(AdditiveError.self, NoTrend.self, NoSeason.self, y, start, ring)
        case (.additive, true, .none): return pass(AdditiveError.self, Trend.self, NoSeason.self, y, start, ring)
        case (.additive, false, .additive): return pass(AdditiveError.self, NoTrend.self, AdditiveSeason.self, y, start, ring)
        case (.additive, true, .additive): return pass(AdditiveError.self, Trend.self, AdditiveSeason.self, y, start, ring)
        case (.additive, false, .multiplicative): return pass(AdditiveError.self, NoTrend.self, MultiplicativeSeason.self, y, start, ring)
        case (.additive, true, .multiplicative): return pass(AdditiveError.self, Trend.self, MultiplicativeSeason.self, y, start, ring)
        case (.multiplicative, false, .none): return pass(MultiplicativeError.self, NoTrend.self, NoSeason.self, y, start, ring)
        case (.multiplicative, true, .none): return pass(MultiplicativeError.self, Trend.self, NoSeason.self, y, start, ring)
        case (.multiplicative, false, .additive): return pass(MultiplicativeError.self, NoTrend.self, AdditiveSeason.self, y, start, ring)
        case (.multiplicative, true, .additive): return pass(MultiplicativeError.self, Trend.self, AdditiveSeason.self, y, start, ring)
        case (.multiplicative, false, .multiplicative): return pass(MultiplicativeError.self, NoTrend.self, MultiplicativeSeason.self, y, start, ring)
        case (.multiplicative, true, .multiplicative): return pass(MultiplicativeError.self, Trend.self, MultiplicativeSeason.self, y, start, ring)
        }
    }

    // The model's shape as types, so each combination is compiled as its own loop.
    protocol ErrorForm { static var multiplicative: Bool { get } }
    enum AdditiveError: ErrorForm { static var multiplicative: Bool { false } }
    enum MultiplicativeError: ErrorForm { static var multiplicative: Bool { true } }
    protocol TrendForm { static var present: Bool { get } }
    enum NoTrend: TrendForm { static var present: Bool { false } }
    enum Trend: TrendForm { static var present: Bool { true } }
    protocol SeasonForm { static var kind: ETSComponents.Season { get } }
    enum NoSeason: SeasonForm { static var kind: ETSComponents.Season { .none } }
    enum AdditiveSeason: SeasonForm { static var kind: ETSComponents.Season { .additive } }
    enum MultiplicativeSeason: SeasonForm { static var kind: ETSComponents.Season { .multiplicative } }

    private static func pass<E: ErrorForm, T: TrendForm, S: SeasonForm>(
        _: E.Type, _: T.Type, _: S.Type, _ y: UnsafeBufferPointer<Double>, _ start: Start,
        _ ring: UnsafeMutableBufferPointer<Lanes>
    ) -> Lanes? {
        let mulError = E.multiplicative, trend = T.present, season = S.kind
        let m = ring.count
        let tolerance = Lanes(repeating: ETSRecursion.tolerance), huge = Lanes(repeating: ETSRecursion.huge)
        let alpha = start.alpha, gamma = start.gamma, phi = start.phi
        let betaOverAlpha = start.beta / start.alpha
        var l = start.level, b = start.slope
        var sse = Lanes()
        var logs = LogProduct()
        var k = 0
        for i in 0..<y.count {
            let yi = Lanes(repeating: y[i])
            let phib = trend ? phi * b : Lanes()
            let q = trend ? l + phib : l
            var f = q, p = yi, s = Lanes()
            switch season {
            case .none: break
            case .additive:
                s = ring[k]; f = q + s; p = yi - s
            case .multiplicative:
                s = ring[k]; f = q * s
                p = (yi / s).replacing(with: huge, where: magnitude(s) .< tolerance)
            }
            let e = mulError ? (yi - f) / f : yi - f
            let oldl = l
            l = q + alpha * (p - q)
            if trend { b = phib + betaOverAlpha * (l - oldl - phib) }
            switch season {
            case .none: break
            case .additive: ring[k] = s + gamma * (yi - q - s)
            case .multiplicative: ring[k] = s + gamma * ((yi / q).replacing(with: huge, where: magnitude(q) .< tolerance) - s)
            }
            if season != .none { k += 1; if k == m { k = 0 } }
            sse += e * e
            if mulError { logs.multiply(magnitude(f)) }
        }
        var sumLog = Lanes()
        if mulError {
            guard let s = logs.logarithm() else { return nil }
            sumLog = s
        }
        var out = Lanes()
        let n = Double(y.count)
        for j in 0..<4 {
            var lik = n * log(sse[j])
            if mulError { lik += 2 * sumLog[j] }
            out[j] = lik.isNaN ? .infinity : max(lik, -1e10)
        }
        return out
    }

    @inline(__always)
    static func magnitude(_ v: Lanes) -> Lanes { v.replacing(with: -v, where: v .< 0) }

    /// Σ log xᵢ per lane without a logarithm per value: the xᵢ are multiplied in blocks of eight,
    /// and each block's product (times the carried mantissa) is split exactly into its binary
    /// exponent, summed as an integer, and a mantissa in [1, 2) that is carried on; one logarithm
    /// per lane at the end gives log(mantissa) + (Σ exponents)·log 2. A product that is 0,
    /// subnormal, infinite or NaN (a value of 0, ∞ or NaN, or eight extreme ones) poisons the
    /// result, and the caller falls back to summing logarithms.
    struct LogProduct {
        var carry = Lanes(repeating: 1)
        var block = Lanes(repeating: 1)
        var exponents = SIMD4<Int64>()
        var count = 0
        var valid = true

        @inline(__always)
        mutating func multiply(_ x: Lanes) {
            block *= x
            count += 1
            if count == 8 { flush() }
        }

        @inline(__always)
        mutating func flush() {
            let bits = unsafeBitCast(carry * block, to: SIMD4<UInt64>.self)
            let field = (bits &>> 52) & 0x7ff
            valid = valid && all(field .!= 0) && all(field .!= 0x7ff)
            exponents &+= SIMD4<Int64>(truncatingIfNeeded: field) &- 1023
            carry = unsafeBitCast((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000, to: Lanes.self)
            block = Lanes(repeating: 1)
            count = 0
        }

        mutating func logarithm() -> Lanes? {
            flush()
            guard valid else { return nil }
            var out = Lanes()
            for j in 0..<4 { out[j] = log(carry[j]) + Double(exponents[j]) * M_LN2 }
            return out
        }
    }
}
