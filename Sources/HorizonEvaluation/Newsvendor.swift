import HorizonCore
import HorizonForecast

/// The single-period inventory decision: order Q before demand D is known, pay
/// c_o per unit left over and c_u per unit short.
///
/// Its expected cost is minimised by the critical-fractile quantile Q* = F⁻¹(τ*),
/// τ* = c_u / (c_u + c_o), and for every Q and every D
///
///     c_o·(Q − D)⁺ + c_u·(D − Q)⁺ = (c_u + c_o)·ρ_τ*(D, Q),
///
/// because τ*·(c_u + c_o) = c_u and (1 − τ*)·(c_u + c_o) = c_o. So the realised inventory
/// cost of a model's τ* quantile is (c_u + c_o) times its pinball loss at τ*: ranking models
/// by cost is ranking them by wQL at the critical fractile.
public struct Newsvendor: Sendable, Equatable {
    /// c_u: the cost of each unit of demand not met (lost margin, goodwill).
    public var underage: Double
    /// c_o: the cost of each unit ordered and not sold (holding, markdown, waste).
    public var overage: Double

    public init(underage: Double, overage: Double) {
        self.underage = underage
        self.overage = overage
    }

    /// τ* = c_u / (c_u + c_o).
    public var criticalFractile: Double { underage / (underage + overage) }

    /// The realised cost of ordering `order` when `demand` came.
    public func cost(order: Double, demand: Double) -> Double {
        demand >= order ? underage * (demand - order) : overage * (order - demand)
    }
}

/// The distribution of demand summed over consecutive forecast steps (a lead time).
///
/// Per-step quantiles do not define it: Q_τ(Σ D_h) ≠ Σ Q_τ(D_h) in general, because the sum's
/// spread depends on how the steps move together. Horizon samples joint paths from the
/// per-step quantile functions (`ItemForecast.quantile`, which interpolates between the
/// trained levels) under a Gaussian copula with one correlation ρ between every pair of
/// steps: z_h = √ρ·z₀ + √(1 − ρ)·ε_h, u_h = Φ(z_h), D_h = F_h⁻¹(u_h). Its two ends bound
/// the truth for positively dependent demand:
/// - ρ = 0, independent steps: the narrowest lead-time distribution;
/// - ρ = 1, comonotone steps: the sum of the per-step quantiles, computed exactly (the
///   widest; what adding up per-step quantiles silently assumes).
/// A model that can sample its own joint paths would replace the copula; none does yet.
public struct LeadTimeDemand: Sendable, Equatable {
    /// ρ in [0, 1].
    public var correlation: Double
    /// Sample paths per quantile.
    public var paths: Int

    public init(correlation: Double, paths: Int = 4000) {
        self.correlation = correlation
        self.paths = paths
    }

    /// The `level` quantile of Σ_{h ∈ steps} D_h for one series.
    public func quantile(_ level: Double, of item: ItemForecast, steps: Range<Int>, generator: inout SeededGenerator) -> Double {
        if steps.count == 1 { return item.quantile(level, step: steps.lowerBound) }
        if correlation >= 1 { return steps.reduce(0) { $0 + item.quantile(level, step: $1) } }
        var sums = sampleSums(of: item, steps: steps, generator: &generator)
        sums.sort()
        return SampleQuantile.type7(sorted: sums, level)
    }

    /// `paths` draws of the summed demand over `steps`.
    public func sampleSums(of item: ItemForecast, steps: Range<Int>, generator: inout SeededGenerator) -> [Double] {
        let shared = correlation.squareRoot(), own = (1 - correlation).squareRoot()
        // Uniforms this close to 0 or 1 would ask for an infinite tail quantile.
        let edge = 1e-9
        return (0..<paths).map { _ in
            let z0 = generator.normal()
            var sum = 0.0
            for h in steps {
                let u = NormalDistribution.cdf(shared * z0 + own * generator.normal())
                sum += item.quantile(min(max(u, edge), 1 - edge), step: h)
            }
            return sum
        }
    }
}
