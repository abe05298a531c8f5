import Foundation
import HorizonCore

/// The three components that name an exponential smoothing model in the taxonomy of
/// Hyndman, Koehler, Ord & Snyder (2008): ETS(error, trend, season), e.g. ETS(M,Ad,M).
public struct ETSComponents: Hashable, Sendable, CustomStringConvertible {
    public enum Error: String, Sendable, CaseIterable { case additive = "A", multiplicative = "M" }
    public enum Trend: String, Sendable, CaseIterable { case none = "N", additive = "A", damped = "Ad" }
    public enum Season: String, Sendable, CaseIterable { case none = "N", additive = "A", multiplicative = "M" }

    public var error: Error
    public var trend: Trend
    public var season: Season

    public init(_ error: Error, _ trend: Trend, _ season: Season) {
        self.error = error
        self.trend = trend
        self.season = season
    }

    /// `ETS(M,Ad,M)`.
    public var description: String { "ETS(\(error.rawValue),\(trend.rawValue),\(season.rawValue))" }
    /// `MAdM`, the compact code used in summaries.
    public var code: String { error.rawValue + trend.rawValue + season.rawValue }

    var hasTrend: Bool { trend != .none }
    var isDamped: Bool { trend == .damped }
    var isSeasonal: Bool { season != .none }
    /// Additive error, additive (or no) trend and season: the class with closed-form variances.
    var isLinear: Bool { error == .additive && season != .multiplicative }
}

/// The state-space recursions of ETS, written once for every model as in R's `etscalc`
/// (forecast package): the one-step forecast μ, the innovation, and the error-correction
/// updates ℓ = q + α(p − q), b = φb + (β/α)(ℓ − ℓ₋₁ − φb), s = s₋ₘ + γ(t − s₋ₘ).
///
/// The seasonal states live in a ring indexed by time modulo m (`ring[t % m]` is the state
/// that applies at time t and is overwritten by its update), so a step costs O(1) rather
/// than the O(m) shift of the reference code; the arithmetic per value is the same, which
/// keeps the M4 reproductions exact.
enum ETSRecursion {
    /// Below this, a divisor counts as zero (R's TOL).
    static let tolerance = 1e-10
    static let huge = 1e10

    struct Pass {
        /// Σ e² (e relative for multiplicative errors).
        var sse = 0.0
        /// Σ log|μ|, for the multiplicative-error likelihood.
        var sumLogMu = 0.0
        /// Running mean of squared one-step errors y − μ, updated as R does (for `opt.crit = "mse"`).
        var mse = 0.0
    }

    /// One observation: the one-step forecast μ and innovation e for `y`, then the updates of
    /// the level `l`, slope `b` and the seasonal state `s` that applies at this time.
    @inline(__always)
    static func step(_ y: Double, _ c: ETSComponents, alpha: Double, betaOverAlpha: Double, gamma: Double, phi: Double,
                     l: inout Double, b: inout Double, s: inout Double) -> (mu: Double, e: Double) {
        let trend = c.trend != .none
        let phib = trend ? phi * b : 0
        let q = trend ? l + phib : l
        var f = q
        let p: Double
        switch c.season {
        case .none: p = y
        case .additive: f = q + s; p = y - s
        case .multiplicative: f = q * s; p = abs(s) < tolerance ? huge : y / s
        }
        let e = c.error == .multiplicative ? (y - f) / f : y - f
        let oldl = l
        l = q + alpha * (p - q)
        if trend { b = phib + betaOverAlpha * (l - oldl - phib) }
        switch c.season {
        case .none: break
        case .additive: s = s + gamma * (y - q - s)
        case .multiplicative: s = s + gamma * ((abs(q) < tolerance ? huge : y / q) - s)
        }
        return (f, e)
    }

    /// Runs the model over `y`, leaving the final states in `level`, `slope` and `ring`
    /// (rotated so that `ring[k]` applies k + 1 steps after the data). `residuals`, when
    /// given, receives the innovations.
    @inline(__always)
    static func run(_ y: UnsafeBufferPointer<Double>, _ c: ETSComponents,
                    alpha: Double, beta: Double, gamma: Double, phi: Double,
                    level: inout Double, slope: inout Double,
                    ring: UnsafeMutableBufferPointer<Double>, trackMSE: Bool,
                    residuals: UnsafeMutableBufferPointer<Double>? = nil) -> Pass {
        var pass = Pass()
        let m = ring.count
        let errorMul = c.error == .multiplicative
        let betaOverAlpha = beta / alpha
        var l = level, b = slope
        var k = 0
        var unused = 0.0
        for i in 0..<y.count {
            let yi = y[i]
            let (f, e): (Double, Double)
            if c.season == .none {
                (f, e) = step(yi, c, alpha: alpha, betaOverAlpha: betaOverAlpha, gamma: gamma, phi: phi, l: &l, b: &b, s: &unused)
            } else {
                (f, e) = step(yi, c, alpha: alpha, betaOverAlpha: betaOverAlpha, gamma: gamma, phi: phi, l: &l, b: &b, s: &ring[k])
                k += 1
                if k == m { k = 0 }
            }
            if trackMSE {
                let tmp = yi - f, denom = Double(i + 1)
                pass.mse = (pass.mse * (denom - 1) + tmp * tmp) / denom
            }
            pass.sse += e * e
            if errorMul { pass.sumLogMu += log(abs(f)) }
            residuals?[i] = e
        }
        level = l
        slope = b
        if c.season != .none, m > 1, y.count % m != 0 {
            let shift = y.count % m
            let copy = Array(ring)
            for j in 0..<m { ring[j] = copy[(j + shift) % m] }
        }
        return pass
    }
}

/// A fitted ETS model: parameters, initial and final states, and its fit statistics.
public struct ETSFit: ReportsConvergence {
    public var components: ETSComponents
    public var alpha: Double
    public var beta: Double
    public var gamma: Double
    public var phi: Double
    /// ℓ₀, b₀ and the seasonal states of the first m times (`initialSeason[k]` applies at time k).
    public var initialLevel: Double
    public var initialSlope: Double
    public var initialSeason: [Double]
    /// The states after the last observation; `finalSeason[k]` applies k + 1 steps ahead (mod m).
    public var level: Double
    public var slope: Double
    public var season: [Double]
    public var n: Int
    /// Innovation variance, e relative for multiplicative errors: Σe²/(n − k − 1) for AutoETS's
    /// fits (statsforecast's), Σe²/(n − k) for the M4 benchmarks' MSE fits (R's `ses`/`holt`).
    public var sigma2: Double
    /// −2 log L up to a constant: n·log Σe² (+ 2Σ log|μ| for multiplicative errors).
    public var likelihood: Double
    /// What the information criteria count: parameters and free initial states, plus σ² for
    /// AutoETS's fits (statsforecast's np + 1).
    public var parameterCount: Int
    public var converged: Bool

    public var aic: Double { likelihood + 2 * Double(parameterCount) }
    public var aicc: Double {
        let k = Double(parameterCount), n = Double(self.n)
        return n - k - 1 > 0 ? aic + 2 * k * (k + 1) / (n - k - 1) : .infinity
    }

    var seasonLength: Int { max(1, season.count) }

    /// Point forecasts 1…horizon, accumulating φ + φ² + … as R's `forecast` routine does.
    public func forecast(horizon: Int) -> [Double] {
        var out = [Double](repeating: 0, count: horizon)
        var phistar = phi
        for i in 0..<horizon {
            var f = level
            if components.hasTrend { f = level + phistar * slope }
            switch components.season {
            case .additive: f += season[i % season.count]
            case .multiplicative: f *= season[i % season.count]
            case .none: break
            }
            out[i] = f
            if components.isDamped { phistar += pow(phi, Double(i + 1)) } else { phistar += 1 }
        }
        return out
    }

    /// Forecast variances for the linear models: σ²(1 + Σ_{j<h} c_j²) with
    /// c_j = α + β(φ + … + φ^j) + γ·[j ≡ 0 mod m] (Hyndman et al. 2008, ch. 6; for ANN, AAN,
    /// ANA and AAA this is the closed form of the spec). Nil for multiplicative models.
    public func analyticVariance(horizon: Int) -> [Double]? {
        guard components.isLinear else { return nil }
        var out = [Double](repeating: sigma2, count: horizon)
        var sum = 0.0, phiSum = 0.0, phiPower = 1.0
        let m = seasonLength
        for h in 1..<max(1, horizon) {
            let j = h
            phiPower *= components.isDamped ? phi : 1
            phiSum += phiPower
            var c = alpha
            if components.hasTrend { c += beta * phiSum }
            if components.isSeasonal, j % m == 0 { c += gamma }
            sum += c * c
            out[h] = sigma2 * (1 + sum)
        }
        return out
    }

    /// `paths` simulated futures (`result[p][h]`), drawing innovations N(0, σ²) and feeding
    /// y = μ + e (additive) or μ(1 + e) (multiplicative) back through the recursions.
    public func simulate(horizon: Int, paths: Int, generator: inout SeededGenerator) -> [[Double]] {
        let sigma = sigma2.squareRoot()
        var out = [[Double]](repeating: [Double](repeating: 0, count: horizon), count: paths)
        let m = seasonLength
        var ring = [Double](repeating: 0, count: m)
        let betaOverAlpha = beta / alpha
        var unused = 0.0
        for p in 0..<paths {
            var l = level, b = slope
            if components.isSeasonal { for k in 0..<m { ring[k] = season[k] } }
            for h in 0..<horizon {
                let trend = components.hasTrend ? l + phi * b : l
                let s = components.isSeasonal ? ring[h % m] : 0
                let mu: Double
                switch components.season {
                case .none: mu = trend
                case .additive: mu = trend + s
                case .multiplicative: mu = trend * s
                }
                let e = sigma * generator.normal()
                let y = components.error == .additive ? mu + e : mu * (1 + e)
                out[p][h] = y
                if components.isSeasonal {
                    _ = ETSRecursion.step(y, components, alpha: alpha, betaOverAlpha: betaOverAlpha, gamma: gamma, phi: phi,
                                          l: &l, b: &b, s: &ring[h % m])
                } else {
                    _ = ETSRecursion.step(y, components, alpha: alpha, betaOverAlpha: betaOverAlpha, gamma: gamma, phi: phi,
                                          l: &l, b: &b, s: &unused)
                }
            }
        }
        return out
    }
}
