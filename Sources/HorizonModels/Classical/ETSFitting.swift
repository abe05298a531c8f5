import Foundation

/// Fits a non-seasonal ETS model by in-sample MSE with R's Nelder–Mead, as R's `ses` and `holt`
/// do (`forecast::ets` with `opt.crit = "mse"`: `etsmodel`, `initstate`, `initparam`): the same
/// starting values, R's "usual" region (α, β in [10⁻⁴, 0.9999], β ≤ α, φ in [0.8, 0.98], ∞
/// outside it) and the same simplex. This is how M4's SES, Holt and Damped benchmarks are
/// fitted, so their forecasts reproduce the organisers' to the optimiser's tolerance.
/// AutoETS fits by likelihood with statsforecast's search instead (`ETSLikelihoodEstimation`).
public struct ETSEstimation: Sendable {
    public var optimizer: NelderMead

    public init(optimizer: NelderMead = NelderMead()) {
        self.optimizer = optimizer
    }

    static let lower = (alpha: 1e-4, beta: 1e-4, gamma: 1e-4, phi: 0.8)
    static let upper = (alpha: 0.9999, beta: 0.9999, gamma: 0.9999, phi: 0.98)

    /// The number of estimated parameters and initial states of a model (R's `np`, without σ²).
    public static func parameterCount(_ c: ETSComponents, season m: Int) -> Int {
        var k = 2  // α, ℓ₀
        if c.hasTrend { k += 2 }
        if c.isDamped { k += 1 }
        if c.isSeasonal { k += m }  // γ and m − 1 free states
        return k
    }

    /// Fits the non-seasonal `c` to `y` (no missing values) by in-sample MSE. Nil when the data
    /// are too short or no finite MSE was found.
    public func fit(_ y: [Double], _ c: ETSComponents) -> ETSFit? {
        precondition(!c.isSeasonal, "ETSEstimation fits R's non-seasonal ses/holt models")
        let n = y.count
        let k = Self.parameterCount(c, season: 1)
        guard n >= 2, n > k + 1, let start = Self.initialStates(y, c, m: 1) else { return nil }
        // The vector: α, β?, φ?, ℓ₀, b₀?.
        var x0 = Self.startingValues(c, m: 1).x
        let levelIndex = x0.count
        x0.append(start.level)
        if c.hasTrend { x0.append(start.slope) }

        var ring = [0.0]
        let result = y.withUnsafeBufferPointer { yb in
            ring.withUnsafeMutableBufferPointer { rb in
                optimizer.minimize(x0) { x in
                    guard let p = Self.decode(x, c) else { return .infinity }
                    var level = x[levelIndex], slope = c.hasTrend ? x[levelIndex + 1] : 0
                    let pass = ETSRecursion.run(yb, c, alpha: p.alpha, beta: p.beta, gamma: p.gamma, phi: p.phi,
                                                level: &level, slope: &slope, ring: rb, trackMSE: true)
                    return pass.mse.isNaN ? .infinity : pass.mse
                }
            }
        }
        guard result.value.isFinite, let p = Self.decode(result.x, c) else { return nil }
        return ETSFit.atOptimum(y, c, smoothing: p, level: result.x[levelIndex], slope: c.hasTrend ? result.x[levelIndex + 1] : 0,
                                ring: ring, parameterCount: k, varianceDivisor: n - k, converged: result.converged)
    }

    /// n·log Σe² (+ 2Σ log|μ|), floored at −1e10 against perfect fits, as R does.
    @inline(__always)
    static func likelihood(_ pass: ETSRecursion.Pass, n: Double, _ c: ETSComponents) -> Double {
        var lik = n * log(pass.sse)
        if c.error == .multiplicative { lik += 2 * pass.sumLogMu }
        if lik.isNaN { return .infinity }
        return max(lik, -1e10)
    }

    /// The smoothing parameters in the vector, or nil outside R's usual region (non-seasonal models).
    @inline(__always)
    static func decode(_ x: UnsafeBufferPointer<Double>, _ c: ETSComponents) -> (alpha: Double, beta: Double, gamma: Double, phi: Double)? {
        let alpha = x[0]
        if alpha < lower.alpha || alpha > upper.alpha { return nil }
        var beta = 0.0, phi = 1.0
        if c.hasTrend {
            beta = x[1]
            if beta < lower.beta || beta > alpha || beta > upper.beta { return nil }
        }
        if c.isDamped {
            phi = x[2]
            if phi < lower.phi || phi > upper.phi { return nil }
        }
        return (alpha, beta, 0, phi)
    }

    static func decode(_ x: [Double], _ c: ETSComponents) -> (alpha: Double, beta: Double, gamma: Double, phi: Double)? {
        x.withUnsafeBufferPointer { decode($0, c) }
    }

    /// R's `initparam` for α, β?, γ?, φ? (in that order), with the box statsforecast searches:
    /// α₀ near the lower bound (scaled down by m), β₀ a tenth of the way to its upper bound
    /// min(0.9999, α₀, `betaUpper`), γ₀ 5% of the way to min(0.9999, 1 − α₀), φ₀ at 99% of
    /// [0.8, 0.98]. (R lowers those upper bounds only to place β₀ and γ₀; statsforecast also
    /// searches inside them.)
    static func startingValues(_ c: ETSComponents, m: Int, betaUpper: Double = .infinity)
        -> (x: [Double], lower: [Double], upper: [Double]) {
        let alpha = lower.alpha + 0.2 * (upper.alpha - lower.alpha) / Double(m)
        var x = [alpha], lo = [lower.alpha], hi = [upper.alpha]
        if c.hasTrend {
            let top = min(upper.beta, alpha, betaUpper)
            var beta = lower.beta + 0.1 * (top - lower.beta)
            if beta < 0 || beta > alpha { beta = alpha - 1e-3 }
            x.append(beta); lo.append(lower.beta); hi.append(top)
        }
        if c.isSeasonal {
            let top = min(upper.gamma, 1 - alpha)
            var gamma = lower.gamma + 0.05 * (top - lower.gamma)
            if gamma < 0 || gamma > 1 - alpha { gamma = 1 - alpha - 1e-3 }
            x.append(gamma); lo.append(lower.gamma); hi.append(top)
        }
        if c.isDamped {
            x.append(lower.phi + 0.99 * (upper.phi - lower.phi))
            lo.append(lower.phi); hi.append(upper.phi)
        }
        return (x, lo, hi)
    }

    /// R's `initstate`: seasonal states from a classical decomposition of the whole series
    /// (multiplicative indices floored at 0.01), then ℓ₀ (and b₀) from the mean (or a least
    /// squares line) of the first max(10, 2m) seasonally adjusted values.
    static func initialStates(_ y: [Double], _ c: ETSComponents, m: Int) -> (level: Double, slope: Double, ring: [Double])? {
        let n = y.count
        var adjusted = y
        var ring = [Double](repeating: 0, count: m)
        if c.isSeasonal {
            guard n >= 2 * m else { return nil }
            if c.season == .multiplicative {
                let figure = SeasonalAdjustment.multiplicativeFigure(y, season: m)
                var free = (1..<m).map { max(figure[$0], 1e-2) }
                let sum = free.reduce(0, +)
                if sum > Double(m) { let d = free.reduce(0) { $0 + $1 + 1e-2 }; free = free.map { $0 / d } }
                ring[0] = Double(m) - free.reduce(0, +)
                for k in 1..<m { ring[k] = free[k - 1] }
                for t in 0..<n { adjusted[t] = y[t] / max(figure[t % m], 1e-2) }
            } else {
                let figure = SeasonalAdjustment.additiveFigure(y, season: m)
                for k in 1..<m { ring[k] = figure[k] }
                ring[0] = -(1..<m).reduce(0) { $0 + figure[$1] }
                for t in 0..<n { adjusted[t] = y[t] - figure[t % m] }
            }
        }
        let maxn = min(max(10, 2 * m), n)
        let head = Array(adjusted.prefix(maxn))
        guard c.hasTrend else { return (RMath.mean(head), 0, ring) }
        let (intercept, slope) = RMath.lineFit(head)
        var l0 = intercept, b0 = slope
        if abs(l0 + b0) < 1e-8 { l0 *= 1 + 1e-3; b0 *= 1 + 1e-3 }
        return (l0, b0, ring)
    }
}

/// Small numeric routines computed the way R computes them, where the M4 reproductions
/// depend on the last bits.
extension ETSFit {
    /// The fit at the parameters a search chose. Both estimators (R's MSE fits and
    /// statsforecast's likelihood search) end with this pass of the recursion from the initial
    /// states (ℓ₀, b₀ and, for seasonal models, `ring`): it gives the final states,
    /// σ² = SSE / `varianceDivisor` and the likelihood; nil when that is not finite.
    static func atOptimum(_ y: [Double], _ c: ETSComponents, smoothing p: (alpha: Double, beta: Double, gamma: Double, phi: Double),
                          level l0: Double, slope b0: Double, ring initialRing: [Double],
                          parameterCount k: Int, varianceDivisor: Int, converged: Bool) -> ETSFit? {
        var ring = initialRing
        var level = l0, slope = b0
        let pass = y.withUnsafeBufferPointer { yb in
            ring.withUnsafeMutableBufferPointer { rb in
                ETSRecursion.run(yb, c, alpha: p.alpha, beta: p.beta, gamma: p.gamma, phi: p.phi,
                                 level: &level, slope: &slope, ring: rb, trackMSE: false)
            }
        }
        let likelihood = ETSEstimation.likelihood(pass, n: Double(y.count), c)
        guard likelihood.isFinite else { return nil }
        return ETSFit(components: c, alpha: p.alpha, beta: p.beta, gamma: p.gamma, phi: p.phi,
                      initialLevel: l0, initialSlope: b0, initialSeason: c.isSeasonal ? initialRing : [],
                      level: level, slope: slope, season: c.isSeasonal ? ring : [],
                      n: y.count, sigma2: pass.sse / Double(varianceDivisor), likelihood: likelihood,
                      parameterCount: k, converged: converged)
    }
}

enum RMath {
    /// R's `mean`: a long-double sum, then one correction pass.
    static func mean(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        #if arch(x86_64)
        var s: Float80 = 0
        for v in x { s += Float80(v) }
        s /= Float80(x.count)
        var t: Float80 = 0
        for v in x { t += Float80(v) - s }
        s += t / Float80(x.count)
        return Double(s)
        #else
        let s = x.reduce(0, +) / Double(x.count)
        return s + x.reduce(0) { $0 + ($1 - s) } / Double(x.count)
        #endif
    }

    /// Least squares line a + b·t through `y` at t = 1…n (R's `lsfit(1:n, y)`), by centred sums.
    static func lineFit(_ y: [Double]) -> (intercept: Double, slope: Double) {
        let n = Double(y.count)
        guard y.count > 1 else { return (y.first ?? 0, 0) }
        let tMean = (n + 1) / 2
        let yMean = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (i, v) in y.enumerated() {
            let dt = Double(i + 1) - tMean
            sxy += dt * (v - yMean)
            sxx += dt * dt
        }
        let slope = sxy / sxx
        return (yMean - slope * tMean, slope)
    }
}

extension SeasonalAdjustment {
    /// R's `decompose(type = "additive")` seasonal figure: y − centred moving average of order
    /// m, averaged by position, then centred to mean 0.
    public static func additiveFigure(_ y: [Double], season m: Int) -> [Double] {
        let n = y.count
        let half = m / 2
        var sums = [Double](repeating: 0, count: m), counts = [Double](repeating: 0, count: m)
        guard n > 2 * half else { return [Double](repeating: 0, count: m) }
        for t in half..<(n - half) {
            var s = 0.0
            if m % 2 == 0 {
                s = 0.5 * (y[t - half] + y[t + half])
                for k in (t - half + 1)...(t + half - 1) { s += y[k] }
            } else {
                for k in (t - half)...(t + half) { s += y[k] }
            }
            sums[t % m] += y[t] - s / Double(m)
            counts[t % m] += 1
        }
        let figure = (0..<m).map { counts[$0] > 0 ? sums[$0] / counts[$0] : 0 }
        let mean = figure.reduce(0, +) / Double(m)
        return figure.map { $0 - mean }
    }
}
