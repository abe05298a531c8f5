import Foundation

/// What the optimiser minimises.
public enum ETSCriterion: Sendable {
    /// −2 log L up to a constant (R's `opt.crit = "lik"`, used for model selection).
    case likelihood
    /// The mean squared one-step error (R's `opt.crit = "mse"`, used by `ses` and `holt`
    /// and therefore by the M4 benchmarks).
    case mse
}

/// Fits one ETS model by Nelder–Mead, following R's `forecast::ets` (`etsmodel`,
/// `initstate`, `initparam`): the same starting values, the same "usual" bounds
/// (α, β, γ in [1e-4, 0.9999], β ≤ α, γ ≤ 1 − α, φ in [0.8, 0.98]) and the same simplex.
///
/// Two departures, both chosen for speed and both switchable:
/// - `seasonalStates = .decomposition` keeps the m seasonal starting states at the classical
///   decomposition's figure instead of optimising m − 1 more coordinates (23 for hourly data,
///   the bulk of R's and statsforecast's fitting time); γ lets the states adapt from there.
///   The states still count as parameters in the information criteria.
/// - `scaled = true` divides the series by its mean absolute value before optimising, so the
///   first simplex steps (10% of the largest coordinate, which is ℓ₀) are sensible for α and
///   β too; the likelihood is scale-equivariant, so the optimum is the same model.
/// The admissibility root test R adds for seasonal models is not applied: the usual bounds
/// already keep the fits inside it in all but contrived cases.
public struct ETSEstimation: Sendable {
    public enum SeasonalStates: String, Sendable { case optimized, decomposition }

    public var criterion: ETSCriterion
    public var seasonalStates: SeasonalStates
    public var scaled: Bool
    public var optimizer: NelderMead

    public init(criterion: ETSCriterion, seasonalStates: SeasonalStates = .optimized, scaled: Bool = false,
                optimizer: NelderMead = NelderMead()) {
        self.criterion = criterion
        self.seasonalStates = seasonalStates
        self.scaled = scaled
        self.optimizer = optimizer
    }

    static let lower = (alpha: 1e-4, beta: 1e-4, gamma: 1e-4, phi: 0.8)
    static let upper = (alpha: 0.9999, beta: 0.9999, gamma: 0.9999, phi: 0.98)

    /// The number of estimated parameters and initial states of a model (R's `np`).
    public static func parameterCount(_ c: ETSComponents, season m: Int) -> Int {
        var k = 2  // α, ℓ₀
        if c.hasTrend { k += 2 }
        if c.isDamped { k += 1 }
        if c.isSeasonal { k += m }  // γ and m − 1 free states
        return k
    }

    /// Fits `components` to `y` (no missing values). Nil when the data are too short for the
    /// model or its seasonal start cannot be formed (fewer than two seasons).
    public func fit(_ y: [Double], _ c: ETSComponents, season: Int) -> ETSFit? {
        let m = c.isSeasonal ? season : 1
        let n = y.count
        guard n >= 2, !c.isSeasonal || (m > 1 && n >= 2 * m) else { return nil }
        let k = Self.parameterCount(c, season: m)
        guard n > k + 1 else { return nil }
        let scale: Double = {
            guard scaled else { return 1 }
            let s = y.reduce(0) { $0 + abs($1) } / Double(n)
            return s > 0 && s.isFinite ? s : 1
        }()
        let data = scale == 1 ? y : y.map { $0 / scale }
        guard let start = Self.initialStates(data, c, m: m) else { return nil }
        let optimizeSeason = c.isSeasonal && seasonalStates == .optimized
        // The vector: α, β?, γ?, φ?, ℓ₀, b₀?, then s₀…s_{m−2} in R's order (s_j applies at time m−1−j).
        var x0 = Self.initialParameters(c, m: m)
        let levelIndex = x0.count
        x0.append(start.level)
        if c.hasTrend { x0.append(start.slope) }
        let seasonIndex = x0.count
        if optimizeSeason { for j in 0..<(m - 1) { x0.append(start.ring[m - 1 - j]) } }

        let criterion = self.criterion
        let nDouble = Double(n)
        var ring = [Double](repeating: 0, count: m)
        let result = data.withUnsafeBufferPointer { yb in
            ring.withUnsafeMutableBufferPointer { rb in
                optimizer.minimize(x0) { x in
                    guard let p = Self.decode(x, c) else { return .infinity }
                    if c.isSeasonal {
                        if optimizeSeason {
                            var sum = 0.0
                            for j in 0..<(m - 1) { rb[m - 1 - j] = x[seasonIndex + j]; sum += x[seasonIndex + j] }
                            rb[0] = (c.season == .multiplicative ? Double(m) : 0) - sum
                            if c.season == .multiplicative { for v in rb where v < 0 { return .infinity } }
                        } else {
                            for j in 0..<m { rb[j] = start.ring[j] }
                        }
                    }
                    var level = x[levelIndex], slope = c.hasTrend ? x[levelIndex + 1] : 0
                    let pass = ETSRecursion.run(yb, c, alpha: p.alpha, beta: p.beta, gamma: p.gamma, phi: p.phi,
                                                level: &level, slope: &slope, ring: rb, trackMSE: criterion == .mse)
                    if criterion == .mse { return pass.mse.isNaN ? .infinity : pass.mse }
                    return Self.likelihood(pass, n: nDouble, c)
                }
            }
        }
        guard result.value.isFinite, let p = Self.decode(result.x, c) else { return nil }
        // The final pass at the optimum: states, residuals and statistics.
        if c.isSeasonal {
            if optimizeSeason {
                var sum = 0.0
                for j in 0..<(m - 1) { ring[m - 1 - j] = result.x[seasonIndex + j]; sum += result.x[seasonIndex + j] }
                ring[0] = (c.season == .multiplicative ? Double(m) : 0) - sum
            } else {
                ring = start.ring
            }
        }
        let initialSeason = c.isSeasonal ? ring.map { c.season == .additive ? $0 * scale : $0 } : []
        let l0 = result.x[levelIndex], b0 = c.hasTrend ? result.x[levelIndex + 1] : 0
        var level = l0, slope = b0
        let pass = data.withUnsafeBufferPointer { yb in
            ring.withUnsafeMutableBufferPointer { rb in
                ETSRecursion.run(yb, c, alpha: p.alpha, beta: p.beta, gamma: p.gamma, phi: p.phi,
                                 level: &level, slope: &slope, ring: rb, trackMSE: false)
            }
        }
        var lik = Self.likelihood(pass, n: nDouble, c)
        guard lik.isFinite else { return nil }
        // The likelihood of the unscaled series differs by the same constant for every model.
        lik += 2 * nDouble * log(scale)
        let sigma2 = pass.sse / Double(n - k) * (c.error == .additive ? scale * scale : 1)
        return ETSFit(components: c, alpha: p.alpha, beta: p.beta, gamma: p.gamma, phi: p.phi,
                      initialLevel: l0 * scale, initialSlope: b0 * scale, initialSeason: initialSeason,
                      level: level * scale, slope: slope * scale,
                      season: c.isSeasonal ? ring.map { c.season == .additive ? $0 * scale : $0 } : [],
                      n: n, sigma2: sigma2, likelihood: lik, parameterCount: k, converged: result.converged)
    }

    /// n·log Σe² (+ 2Σ log|μ|), floored at −1e10 against perfect fits, as R does.
    @inline(__always)
    static func likelihood(_ pass: ETSRecursion.Pass, n: Double, _ c: ETSComponents) -> Double {
        var lik = n * log(pass.sse)
        if c.error == .multiplicative { lik += 2 * pass.sumLogMu }
        if lik.isNaN { return .infinity }
        return max(lik, -1e10)
    }

    /// The smoothing parameters in the vector, or nil outside the usual region.
    @inline(__always)
    static func decode(_ x: UnsafeBufferPointer<Double>, _ c: ETSComponents) -> (alpha: Double, beta: Double, gamma: Double, phi: Double)? {
        var i = 0
        let alpha = x[i]; i += 1
        if alpha < lower.alpha || alpha > upper.alpha { return nil }
        var beta = 0.0, gamma = 0.0, phi = 1.0
        if c.hasTrend {
            beta = x[i]; i += 1
            if beta < lower.beta || beta > alpha || beta > upper.beta { return nil }
        }
        if c.isSeasonal {
            gamma = x[i]; i += 1
            if gamma < lower.gamma || gamma > 1 - alpha || gamma > upper.gamma { return nil }
        }
        if c.isDamped {
            phi = x[i]
            if phi < lower.phi || phi > upper.phi { return nil }
        }
        return (alpha, beta, gamma, phi)
    }

    static func decode(_ x: [Double], _ c: ETSComponents) -> (alpha: Double, beta: Double, gamma: Double, phi: Double)? {
        x.withUnsafeBufferPointer { decode($0, c) }
    }

    /// R's `initparam`: α near the lower bound (scaled down by m), β a tenth of the way to α,
    /// γ 5% of the way to 1 − α, φ at 99% of its range.
    static func initialParameters(_ c: ETSComponents, m: Int) -> [Double] {
        var x: [Double] = []
        let alpha = lower.alpha + 0.2 * (upper.alpha - lower.alpha) / Double(m)
        x.append(alpha)
        if c.hasTrend {
            let upperBeta = min(upper.beta, alpha)
            var beta = lower.beta + 0.1 * (upperBeta - lower.beta)
            if beta < 0 || beta > alpha { beta = alpha - 1e-3 }
            x.append(beta)
        }
        if c.isSeasonal {
            let upperGamma = min(upper.gamma, 1 - alpha)
            var gamma = lower.gamma + 0.05 * (upperGamma - lower.gamma)
            if gamma < 0 || gamma > 1 - alpha { gamma = 1 - alpha - 1e-3 }
            x.append(gamma)
        }
        if c.isDamped { x.append(lower.phi + 0.99 * (upper.phi - lower.phi)) }
        return x
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
