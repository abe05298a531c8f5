import Foundation
import HorizonCore
import HorizonData
import Testing
@testable import HorizonEvaluation
@testable import HorizonModels
import HorizonForecast

/// A one-series forecast of independent normal steps N(means[h], sds[h]²) at 99 levels.
func normalSteps(means: [Double], sds: [Double]) -> ItemForecast {
    let levels = (1...99).map { Double($0) / 100 }
    return ItemForecast(id: "x", firstTime: 0, point: means, levels: levels,
                        quantiles: levels.map { l in zip(means, sds).map { $0 + $1 * NormalDistribution.quantile(l) } })
}

@Suite struct NewsvendorTests {
    let newsvendor = Newsvendor(underage: 4, overage: 1)

    @Test func criticalFractileAndCostByHand() {
        #expect(newsvendor.criticalFractile == 0.8)
        #expect(newsvendor.cost(order: 10, demand: 13) == 12)  // 3 short × 4
        #expect(newsvendor.cost(order: 10, demand: 7) == 3)    // 3 left over × 1
        #expect(newsvendor.cost(order: 10, demand: 10) == 0)
    }

    /// Expected cost = (cu + co)·E[ρ_τ*(D, Q)] for every Q, checked on 200 000 normal demands;
    /// it is smallest at the τ* quantile, where it equals the closed form (cu + co)·σ·φ(z*).
    @Test func expectedCostIsScaledPinballAndTheCriticalFractileMinimisesIt() {
        var generator = SeededGenerator(seed: 11)
        let mu = 100.0, sigma = 20.0, tau = newsvendor.criticalFractile
        let demands = (0..<200_000).map { _ in mu + sigma * generator.normal() }
        let zStar = NormalDistribution.quantile(tau)
        let best = mu + sigma * zStar
        func expectedCost(_ q: Double) -> Double { demands.reduce(0) { $0 + newsvendor.cost(order: q, demand: $1) } / Double(demands.count) }
        for q in [best - 15, best - 5, best, best + 5, best + 15] {
            let pinball = demands.reduce(0) { $0 + Metrics.pinball($1, q, level: tau) } / Double(demands.count)
            #expect(abs(expectedCost(q) - 5 * pinball) < 1e-9 * expectedCost(q))
            if q != best { #expect(expectedCost(q) > expectedCost(best)) }
        }
        let closedForm = 5 * sigma * exp(-zStar * zStar / 2) / (2 * Double.pi).squareRoot()
        #expect(abs(expectedCost(best) - closedForm) / closedForm < 0.01)
    }

    /// The τ quantile of a sum of normal steps under the Gaussian copula is the normal
    /// quantile with variance Σσ² + ρ·Σ_{i≠j}σᵢσⱼ; ρ = 1 is the sum of per-step quantiles.
    @Test(arguments: [0.0, 0.5, 1.0])
    func leadTimeQuantileOfNormalStepsMatchesTheClosedForm(rho: Double) {
        let means = [40.0, 50, 60, 30], sds = [5.0, 8, 10, 4]
        let item = normalSteps(means: means, sds: sds)
        var variance = sds.reduce(0) { $0 + $1 * $1 }
        for i in sds.indices { for j in sds.indices where i != j { variance += rho * sds[i] * sds[j] } }
        let expected = means.reduce(0, +) + variance.squareRoot() * NormalDistribution.quantile(0.8)
        var generator = SeededGenerator(seed: 3)
        let q = LeadTimeDemand(correlation: rho, paths: 40_000).quantile(0.8, of: item, steps: 0..<4, generator: &generator)
        #expect(abs(q - expected) < 0.5, "ρ=\(rho): \(q) vs \(expected)")
        if rho == 1 {
            #expect(abs(q - (0..<4).reduce(0) { $0 + item.quantile(0.8, step: $1) }) < 1e-9)
        }
    }

    /// Independent exponential steps: the sampled lead-time quantile agrees with a direct
    /// simulation of the sum (a Gamma), and is well below the sum of per-step quantiles.
    @Test func leadTimeQuantileOfSkewedStepsAgreesWithSimulation() {
        let meanDemand = 10.0, steps = 3
        let levels = (1...99).map { Double($0) / 100 }
        let item = ItemForecast(id: "e", firstTime: 0, point: [Double](repeating: meanDemand, count: steps), levels: levels,
                                quantiles: levels.map { l in [Double](repeating: -meanDemand * log(1 - l), count: steps) })
        var simulation = SeededGenerator(seed: 99)
        var sums = (0..<200_000).map { _ in (0..<steps).reduce(0.0) { acc, _ in acc - meanDemand * log(1 - simulation.uniform()) } }
        sums.sort()
        let simulated = SampleQuantile.type7(sorted: sums, 0.9)
        var generator = SeededGenerator(seed: 5)
        let q = LeadTimeDemand(correlation: 0, paths: 40_000).quantile(0.9, of: item, steps: 0..<steps, generator: &generator)
        #expect(abs(q - simulated) / simulated < 0.02, "\(q) vs simulated \(simulated)")
        let naiveSum = Double(steps) * item.quantile(0.9, step: 0)
        #expect(q < 0.8 * naiveSum)
    }

    /// Blocks of the lead time, missing actuals skipped, leftover steps unscored, orders ≥ 0.
    @Test func decisionsByHand() throws {
        let levels = [0.5, 0.8]
        // Step quantiles: p50 = 10, p80 = 12 at every step; the second series goes negative.
        let a = ItemForecast(id: "a", firstTime: 0, point: [10, 10, 10, 10, 10], levels: levels,
                             quantiles: [[10, 10, 10, 10, 10], [12, 12, 12, 12, 12]])
        let b = ItemForecast(id: "b", firstTime: 0, point: [-3], levels: levels, quantiles: [[-3], [-2]])
        let forecast = PanelForecast(model: "m", items: [a, b])
        let outcome = try Decisions.decide(forecast, actuals: [[15, 9, .nan, 11, 30], [4]], newsvendor: newsvendor, leadTime: 1,
                                           demand: LeadTimeDemand(correlation: 0.5), seed: 1)
        // a: orders 12 against 15, 9, 11, 30 (the missing step skipped); b: order 0 against 4.
        #expect(outcome.orders.map(\.quantity) == [12, 12, 12, 12, 0])
        #expect(outcome.orders.map(\.cost) == [12, 3, 1, 72, 16])
        #expect(outcome.cost == 104)
        #expect(outcome.fillRate == (12 + 9 + 11 + 12 + 0) / 69.0)
        #expect(outcome.inStock == 2.0 / 5)

        // Lead time 2, comonotone: one order of 24 per block of two steps; block 2 has a
        // missing actual and step 5 is left over.
        let blocks = try Decisions.decide(forecast, actuals: [[15, 9, .nan, 11, 30], [4]], newsvendor: newsvendor, leadTime: 2,
                                          demand: LeadTimeDemand(correlation: 1), seed: 1)
        #expect(blocks.orders == [Order(item: "a", firstStep: 0, steps: 2, quantity: 24, demand: 24, cost: 0)])
    }

    /// With lead time 1 and τ* a trained level, the realised cost is exactly
    /// (cu + co)·Σρ_τ* = (cu + co)/2 · wQL[τ*] · Σ|y|: the cost table ranks as wQL does.
    @Test func realisedCostIsTheScaledWeightedQuantileLoss() throws {
        var generator = SeededGenerator(seed: 8)
        let levels = [0.1, 0.5, 0.8, 0.9]
        var items: [ItemForecast] = [], actuals: [[Double]] = []
        for i in 0..<20 {
            let level = 20 + Double(i)
            items.append(ItemForecast(id: "s\(i)", firstTime: 0, point: [Double](repeating: level, count: 6), levels: levels,
                                      quantiles: levels.map { l in (0..<6).map { h in level + 5 * NormalDistribution.quantile(l) + Double(h) } }))
            actuals.append((0..<6).map { _ in max(0, level + 7 * generator.normal()) })
        }
        let forecast = PanelForecast(model: "m", items: items)
        let cost = try Decisions.decide(forecast, actuals: actuals, newsvendor: newsvendor, leadTime: 1,
                                        demand: LeadTimeDemand(correlation: 0.5), seed: 1).cost
        let wql = Metrics.weightedQuantileLoss(actuals: actuals, quantiles: items.map { $0.quantile(0.8) }, level: 0.8)
        let total = actuals.joined().reduce(0) { $0 + abs($1) }
        #expect(abs(cost - 5.0 / 2 * wql * total) < 1e-9 * cost)
    }

    @Test func costTableShowsSavingsAgainstTheBaseline() {
        let order = { (q: Double, d: Double) in Order(item: "a", firstStep: 0, steps: 1, quantity: q, demand: d, cost: Newsvendor(underage: 4, overage: 1).cost(order: q, demand: d)) }
        let outcomes = [DecisionOutcome(model: "snaive", orders: [order(10, 15)]),   // cost 20
                        DecisionOutcome(model: "better", orders: [order(14, 15)])]   // cost 4
        let table = Decisions.costTable(outcomes, baseline: 0, title: "t")
        #expect(table.headers.contains("savings vs snaive"))
        #expect(table.rows[1][3] == "4.0" && table.rows[1][5] == "16.0" && table.rows[1][6] == "80.0%")
        #expect(table.rows[0][5] == "0.0")
    }
}
