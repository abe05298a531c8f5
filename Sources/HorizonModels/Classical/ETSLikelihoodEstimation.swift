import Foundation

/// Fits one ETS model by likelihood the way statsforecast's `etsmodel` does (its port of R's
/// `forecast::ets` with its own optimiser), because AutoETS is held to statsforecast's accuracy
/// and that accuracy is a property of this procedure, not of the likelihood optimum:
/// - starting values as R's `initparam` and `initstate` (α₀ = 10⁻⁴ + 0.2·(0.9999 − 10⁻⁴)/m, β₀ a
///   tenth of the way to its bound, γ₀ 5% of the way, φ₀ = 0.9782; states from the classical
///   decomposition and a line through the first max(10, 2m) adjusted values);
/// - the vector α, β, γ, φ, ℓ₀, b₀, s₁…s₍ₘ₋₁₎ searched by `BoxNelderMead` (at most 1000
///   iterations), the last seasonal state fixed by normalisation (Σs = 0, or m when multiplicative;
///   a multiplicative state below 0 makes the point infeasible);
/// - the box statsforecast actually searches: α in [10⁻⁴, 0.9999], φ in [0.8, 0.98],
///   β in [10⁻⁴, min(0.9999, α₀, `betaUpper`)] and γ in [10⁻⁴, min(0.9999, 1 − α₀)]. Its
///   `initparam` lowers the upper bounds of β and γ to the *starting* α (R only moves the start),
///   so β cannot exceed 0.2/m in a seasonal model; R's conditions β ≤ α, γ ≤ 1 − α and the
///   admissibility test are not applied during the search;
/// - AICc counts the parameters, the free initial states and σ² (statsforecast's np + 1), and
///   σ² = Σe²/(n − k − 1).
///
/// On a long hourly series the search stops at the iteration cap far from the optimum (on M4
/// Hourly, 500+ units of −2 log L on average): α, β, γ stay near their small starting values.
/// Run to convergence, the same models pick up the hour-to-hour movement (α near 1, and a slope
/// that carries it 48 steps ahead) and forecast markedly worse; see the README's ETS notes.
///
/// `seasonalStates = .decomposition` keeps the seasonal states at the decomposition instead
/// (they still count in AICc): on M4 Hourly 44% of the CPU time, but the search then converges
/// and inherits that weakness (OWA 0.857 against 0.802).
public struct ETSLikelihoodEstimation: Sendable {
    public enum SeasonalStates: String, Sendable { case optimized, decomposition }

    public var seasonalStates: SeasonalStates
    public var search: BoxNelderMead

    public init(seasonalStates: SeasonalStates = .optimized, search: BoxNelderMead = BoxNelderMead()) {
        self.seasonalStates = seasonalStates
        self.search = search
    }

    typealias Lanes = ETSLanes.Lanes

    /// R's and statsforecast's starting α for a model with season length m (1 without a season).
    public static func startingAlpha(season m: Int) -> Double {
        ETSEstimation.startingValues(ETSComponents(.additive, .none, .none), m: m).x[0]
    }

    /// What AICc counts: smoothing parameters, ℓ₀, b₀, the m − 1 free seasonal states and σ².
    public static func parameterCount(_ c: ETSComponents, season m: Int) -> Int {
        ETSEstimation.parameterCount(c, season: m) + 1
    }

    /// Fits `c` to `y` (no missing values). `betaUpper` can lower β's bound further (AutoETS
    /// passes statsforecast's running bound). Nil when the series is too short for the model
    /// (seasonal models need two full seasons) or no finite likelihood was found.
    public func fit(_ y: [Double], _ c: ETSComponents, season: Int, betaUpper: Double = .infinity) -> ETSFit? {
        let m = c.isSeasonal ? season : 1
        let n = y.count
        guard n >= 2, !c.isSeasonal || (m > 1 && n >= 2 * m) else { return nil }
        let k = Self.parameterCount(c, season: m)
        guard k < n else { return nil }  // statsforecast: np ≥ n − 1 has no fit (np without σ²)
        guard let start = ETSEstimation.initialStates(y, c, m: m) else { return nil }

        var (x0, lower, upper) = ETSEstimation.startingValues(c, m: m, betaUpper: betaUpper)
        let levelIndex = x0.count
        x0.append(start.level)
        if c.hasTrend { x0.append(start.slope) }
        let seasonIndex = x0.count
        let freeSeason = c.isSeasonal && seasonalStates == .optimized
        // statsforecast's order: s₁…s₍ₘ₋₁₎ with s_j applying at time m − 1 − j (ring[0] is implied).
        if freeSeason { for j in 0..<(m - 1) { x0.append(start.ring[m - 1 - j]) } }
        while lower.count < x0.count { lower.append(-.infinity); upper.append(.infinity) }

        let layout = Layout(components: c, m: m, levelIndex: levelIndex, seasonIndex: seasonIndex,
                            freeSeason: freeSeason, fixedRing: start.ring)
        var lanesRing = [Lanes](repeating: Lanes(), count: m)
        var ring = [Double](repeating: 0, count: m)
        let result = y.withUnsafeBufferPointer { yb in
            lanesRing.withUnsafeMutableBufferPointer { lr in
                ring.withUnsafeMutableBufferPointer { rb in
                    search.minimize(x0, lower: lower, upper: upper) { batch in
                        Self.objective(batch, layout, yb, lr, rb)
                    }
                }
            }
        }
        guard result.value.isFinite else { return nil }

        // The final pass at the optimum: states, residual variance and the likelihood AICc uses.
        let p = result.x.withUnsafeBufferPointer { x in
            ring.withUnsafeMutableBufferPointer { layout.load(x, into: $0) }
        }
        guard let p else { return nil }
        return ETSFit.atOptimum(y, c, smoothing: (p.alpha, p.beta, p.gamma, p.phi), level: p.level, slope: p.slope,
                                ring: ring, parameterCount: k, varianceDivisor: n - k - 1, converged: result.converged)
    }

    /// Where each quantity sits in the search vector.
    struct Layout {
        let components: ETSComponents
        let m: Int
        let levelIndex: Int
        let seasonIndex: Int
        let freeSeason: Bool
        let fixedRing: [Double]

        /// Smoothing parameters and ℓ₀, b₀ of one point; its seasonal states go into `ring`.
        /// Nil when a multiplicative seasonal state is negative.
        @inline(__always)
        func load(_ x: UnsafeBufferPointer<Double>, into ring: UnsafeMutableBufferPointer<Double>)
            -> (alpha: Double, beta: Double, gamma: Double, phi: Double, level: Double, slope: Double)? {
            let c = components
            var i = 1
            var beta = 0.0, gamma = 0.0, phi = 1.0
            if c.hasTrend { beta = x[i]; i += 1 }
            if c.isSeasonal { gamma = x[i]; i += 1 }
            if c.isDamped { phi = x[i] }
            if c.isSeasonal {
                if freeSeason {
                    var sum = 0.0
                    for j in 0..<(m - 1) { ring[m - 1 - j] = x[seasonIndex + j]; sum += x[seasonIndex + j] }
                    ring[0] = (c.season == .multiplicative ? Double(m) : 0) - sum
                    if c.season == .multiplicative { for v in ring where v < 0 { return nil } }
                } else {
                    for j in 0..<m { ring[j] = fixedRing[j] }
                }
            }
            return (x[0], beta, gamma, phi, x[levelIndex], c.hasTrend ? x[levelIndex + 1] : 0)
        }
    }

    /// −2 log L of each point of the batch (∞ where a multiplicative seasonal state is negative).
    @inline(__always)
    static func objective(_ batch: BoxNelderMead.Batch, _ layout: Layout, _ y: UnsafeBufferPointer<Double>,
                          _ lanesRing: UnsafeMutableBufferPointer<Lanes>, _ ring: UnsafeMutableBufferPointer<Double>) -> Lanes {
        let c = layout.components, m = layout.m
        var start = ETSLanes.Start()
        var infeasible = SIMDMask<SIMD4<Int64>>()
        for j in 0..<4 {
            let point = UnsafeBufferPointer(rebasing: batch.points[(j * batch.dimension)..<((j + 1) * batch.dimension)])
            guard let p = layout.load(point, into: ring) else { infeasible[j] = true; continue }
            start.alpha[j] = p.alpha; start.beta[j] = p.beta; start.gamma[j] = p.gamma; start.phi[j] = p.phi
            start.level[j] = p.level; start.slope[j] = p.slope
            for r in 0..<m { lanesRing[r][j] = ring[r] }
        }
        // An infeasible lane still runs (on lane 0's values, which are finite) and is then discarded.
        for j in 0..<4 where infeasible[j] {
            start.alpha[j] = start.alpha[0]; start.beta[j] = start.beta[0]; start.gamma[j] = start.gamma[0]
            start.phi[j] = start.phi[0]; start.level[j] = start.level[0]; start.slope[j] = start.slope[0]
            for r in 0..<m { lanesRing[r][j] = lanesRing[r][0] }
        }
        var values: Lanes
        if let v = ETSLanes.likelihood(y, c, start, ring: lanesRing) {
            values = v
        } else {
            // Rare: Σ log|μ| left the range of block products; recompute each lane exactly.
            values = Lanes()
            for j in 0..<4 {
                let point = UnsafeBufferPointer(rebasing: batch.points[(j * batch.dimension)..<((j + 1) * batch.dimension)])
                guard let p = layout.load(point, into: ring) else { continue }
                var level = p.level, slope = p.slope
                let pass = ETSRecursion.run(y, c, alpha: p.alpha, beta: p.beta, gamma: p.gamma, phi: p.phi,
                                            level: &level, slope: &slope, ring: ring, trackMSE: false)
                values[j] = ETSEstimation.likelihood(pass, n: Double(y.count), c)
            }
        }
        values.replace(with: .infinity, where: infeasible)
        return values
    }
}
