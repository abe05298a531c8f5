import Foundation
import HorizonData
import Testing
@testable import HorizonEvaluation
@testable import HorizonModels
import HorizonForecast

/// The forecast of a normal N(μ, σ²) given at `levels`, for one step.
func normalForecast(mean: Double, sd: Double, levels: [Double]) -> ItemForecast {
    ItemForecast(id: "n", firstTime: 0, point: [mean], levels: levels,
                 quantiles: levels.map { [mean + sd * NormalDistribution.quantile($0)] })
}

/// CRPS of N(μ, σ²) at y in closed form (Gneiting & Raftery 2007):
/// σ·[z(2Φ(z) − 1) + 2φ(z) − 1/√π], z = (y − μ)/σ.
func normalCRPS(_ y: Double, mean: Double, sd: Double) -> Double {
    let z = (y - mean) / sd
    let pdf = exp(-z * z / 2) / (2 * Double.pi).squareRoot()
    return sd * (z * (2 * NormalDistribution.cdf(z) - 1) + 2 * pdf - 1 / Double.pi.squareRoot())
}

@Suite struct CRPSTests {
    /// With 99 trained levels the quantile function is nearly exact, and the 200-point grid
    /// then reproduces the closed form within 0.1% at every actual.
    @Test(arguments: [-3.0, -1.2, 0.0, 0.4, 2.0, 4.5])
    func matchesTheNormalClosedForm(z: Double) {
        let mean = 50.0, sd = 8.0, y = mean + z * sd
        let exact = normalCRPS(y, mean: mean, sd: sd)
        let dense = normalForecast(mean: mean, sd: sd, levels: (1...99).map { Double($0) / 100 })
        let fromDense = Metrics.crps(y) { dense.quantile($0, step: 0) }
        #expect(abs(fromDense - exact) / exact < 0.001, "dense \(fromDense) vs \(exact)")
    }

    /// With only the levels every evaluation carries (p2.5 p10 p50 p90 p97.5) the quantile
    /// function is linear between five points: a single actual near the median is scored up
    /// to 16% high, but averaged over actuals from the forecast distribution itself (what a
    /// table's totals estimate) the CRPS is within 1% of the closed form. GluonTS's trapezoid
    /// weights over the same five levels come out 11% low, which is why Horizon integrates
    /// the quantile function densely instead.
    @Test func averagedOverActualsTheFiveLevelCRPSIsWithinOnePercent() {
        let mean = 50.0, sd = 8.0
        let levels = [0.025, 0.1, 0.5, 0.9, 0.975]
        let coarse = normalForecast(mean: mean, sd: sd, levels: levels)
        // Trapezoid (piecewise-linear) weights over the trained levels, the tails held flat.
        let weights = levels.indices.map { k -> Double in
            let left = k == 0 ? levels[0] : (levels[k] - levels[k - 1]) / 2
            let right = k == levels.count - 1 ? 1 - levels[k] : (levels[k + 1] - levels[k]) / 2
            return left + right
        }
        var exact = 0.0, dense = 0.0, trapezoid = 0.0
        let m = 400
        for j in 0..<m {
            let y = mean + sd * NormalDistribution.quantile((Double(j) + 0.5) / Double(m))
            exact += normalCRPS(y, mean: mean, sd: sd)
            dense += Metrics.crps(y) { coarse.quantile($0, step: 0) }
            trapezoid += 2 * zip(weights, levels).reduce(0) { $0 + $1.0 * Metrics.pinball(y, coarse.quantile($1.1, step: 0), level: $1.1) }
        }
        #expect(abs(dense - exact) / exact < 0.01, "dense grid \(dense / Double(m)) vs \(exact / Double(m))")
        #expect((trapezoid - exact) / exact < -0.1, "trapezoid \(trapezoid / Double(m)) vs \(exact / Double(m))")
    }

    /// A point forecast c has CRPS |y − c|, the absolute error, exactly.
    @Test func aPointForecastScoresItsAbsoluteError() {
        let crps = Metrics.crps(7) { _ in 3 }
        #expect(abs(crps - 4) < 1e-12)
    }

    /// The table's wCRPS is Σ CRPS / Σ|y| over every series and step, skipping missing actuals.
    @Test func weightedCRPSIsARatioOfTotals() {
        let levels = [0.025, 0.1, 0.5, 0.9, 0.975]
        let item = ItemForecast(id: "a", firstTime: 0, point: [10, 10], levels: levels,
                                quantiles: levels.map { [10 + 4 * NormalDistribution.quantile($0), 10 + 6 * NormalDistribution.quantile($0)] })
        let train = Panel(series: [Series(id: "a", values: [9, 11, 10, 12])], frequency: .steps, season: 1, hasTimestamps: false)
        let holdout = Holdout(train: train, actuals: [[13, .nan]])
        let scores = Evaluator.score(PanelForecast(model: "m", items: [item]), on: holdout, levels: [0.1, 0.5, 0.9])
        #expect(abs(scores.crps - Metrics.crps(13) { item.quantile($0, step: 0) } / 13) < 1e-12)
    }
}
