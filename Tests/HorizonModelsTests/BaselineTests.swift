import Foundation
import HorizonCore
import HorizonData
import Testing
@testable import HorizonModels
import HorizonForecast

func panel(_ series: [[Double]], season: Int = 1) -> Panel {
    Panel(series: series.enumerated().map { Series(id: "s\($0.offset)", values: $0.element) },
          frequency: .steps, season: season, hasTimestamps: false)
}

@Suite struct BaselineTests {
    @Test func pointForecastsMatchTheirDefinitions() {
        let y: ArraySlice<Double> = [1, 2, 3, 4, 5, 6, 7]
        #expect(Naive().forecast(y, horizon: 3, season: 1) == [7, 7, 7])
        #expect(SeasonalNaive().forecast(y, horizon: 5, season: 3) == [5, 6, 7, 5, 6])
        #expect(Drift().forecast(y, horizon: 2, season: 1) == [8, 9])
        #expect(Mean().forecast(y, horizon: 1, season: 1) == [4])
        #expect(Mean(window: 2).forecast(y, horizon: 1, season: 1) == [6.5])
        // Shorter than a season: seasonal naive falls back to naive.
        #expect(SeasonalNaive().forecast([1, 2], horizon: 2, season: 4) == [2, 2])
    }

    /// `train` counts a series as too short the way `predict` decides, on the history with
    /// gaps filled forward: [·, 5, ·] has two points for drift, [·, 5] one.
    @Test func shortSeriesAreCountedAsPredictDecides() throws {
        let estimator = LocalEstimator(name: "drift", method: Drift())
        let fitted = try estimator.fit(panel([[.nan, 5, .nan], [.nan, 5], [1, 2, 3]]), settings: FitSettings(horizon: 2))
        #expect((fitted as? SummarizesFit)?.fitSummary == ["1 series shorter than drift's 2 points: naive forecast instead"])
    }

    @Test func meanBacktestMatchesPlainForecasts() {
        let y: [Double] = [3, 1, 4, 1, 5, 9, 2, 6]
        for window in [nil, 3] as [Int?] {
            let method = Mean(window: window)
            let fast = method.backtest(y, origins: [1, 4, 8], horizon: 2, season: 1)
            let slow = [1, 4, 8].map { method.forecast(y[..<$0], horizon: 2, season: 1) }
            #expect(fast == slow)
        }
    }

    /// Hand-computed: naive one-step errors of [10, 12, 11, 15] from origins 1…3 are 2, −1, 4.
    /// With minErrors lowered to 3 the p50 is 10+... type-7 median of {−1, 2, 4} = 2.
    @Test func empiricalQuantilesComeFromOwnErrors() throws {
        var predictor = LocalPredictor(name: "naive", method: Naive())
        predictor.errors.minErrors = 3
        let forecast = try predictor.predict(panel([[10, 12, 11, 15]]), horizon: 1, levels: [0.1, 0.5, 0.9])
        let item = forecast.items[0]
        #expect(item.point == [15])
        // type 7 on sorted {−1, 2, 4}: p10 at position 0.2 → −1 + 0.2·3 = −0.4; p90 at 1.8 → 2 + 0.8·2 = 3.6
        #expect(abs(item.quantiles[0][0] - 14.6) < 1e-12)
        #expect(item.quantiles[1][0] == 17)
        #expect(abs(item.quantiles[2][0] - 18.6) < 1e-12)
    }

    @Test func quantilesNeverCrossAndWidenWithTheHorizon() throws {
        var rng = SeededRandomWalk(seed: 3)
        let series = (0..<20).map { _ in rng.walk(200) }
        let forecast = try LocalPredictor(name: "naive", method: Naive()).predict(panel(series), horizon: 12, levels: [0.05, 0.25, 0.5, 0.75, 0.95])
        for item in forecast.items {
            for h in 0..<12 { for l in 1..<5 { #expect(item.quantiles[l][h] >= item.quantiles[l - 1][h]) } }
            #expect(item.quantiles[4][11] - item.quantiles[0][11] > item.quantiles[4][0] - item.quantiles[0][0])
        }
    }

    @Test func shortSeriesBorrowPooledErrors() throws {
        let long = (0..<100).map { 50 + 10 * sin(Double($0)) }
        let forecast = try LocalPredictor(name: "naive", method: Naive()).predict(panel([long, [5, 6]]), horizon: 2, levels: [0.1, 0.9])
        let short = forecast.items[1]
        #expect(short.quantiles[1][0] > short.quantiles[0][0])  // a real interval, not a point
    }

    /// A panel of one short series has too few errors to pool at any step: every step gets a
    /// real interval around the point that widens with the horizon (drift once gave p10 = p50
    /// = p90 = 0 three steps ahead, and a p90 below the point two steps ahead).
    @Test func aLonePanelOfOneShortSeriesStillGetsIntervalsAroundThePoint() throws {
        for predictor in [LocalPredictor(name: "drift", method: Drift()) as any Predictor, LocalPredictor(name: "naive", method: Naive())] {
            let forecast = try predictor.predict(panel([[3, 7, 4, 9, 5]]), horizon: 4, levels: [0.1, 0.5, 0.9])
            let item = forecast.items[0]
            let widths = (0..<4).map { item.quantiles[2][$0] - item.quantiles[0][$0] }
            #expect((0..<4).allSatisfy { item.quantiles[0][$0] <= item.point[$0] && item.point[$0] <= item.quantiles[2][$0] }, "\(item.quantiles)")
            #expect(widths.allSatisfy { $0 > 1 } && zip(widths, widths.dropFirst()).allSatisfy { $0 <= $1 }, "\(widths)")
        }
    }

    /// Pooled errors are rescaled by how much a series moves, not by its level: a short series
    /// at 10⁹ ± 5 gets an interval of units, not of 10⁸.
    @Test func pooledErrorsFollowTheSeriesMovesNotItsLevel() throws {
        let long = (0..<100).map { 50 + 10 * sin(Double($0)) }
        let forecast = try LocalPredictor(name: "naive", method: Naive()).predict(panel([long, [1e9, 1e9 + 5, 1e9 - 3]]), horizon: 1, levels: [0.1, 0.9])
        let width = forecast.items[1].quantiles[1][0] - forecast.items[1].quantiles[0][0]
        #expect(width > 1 && width < 100, "\(width)")
        #expect(EmpiricalErrors.movement([2, .nan, 4, 1]) == (2.5, 2, 7.0 / 3) && EmpiricalErrors.movement([3]) == (0, 0, 3))
        // A series that has not moved yet, or once, gets the change its level suggests (the long
        // series moves about a sixth of its level a step): a fresh series at 1000 has an interval
        // a few hundred wide, as when pooling was by level, and one unit more changes little.
        let fresh = try LocalPredictor(name: "naive", method: Naive()).predict(panel([long, [1000], [1000, 1000, 1000], [1000, 1001]]), horizon: 1, levels: [0.1, 0.9])
        let widths = fresh.items.dropFirst().map { $0.quantiles[1][0] - $0.quantiles[0][0] }
        #expect(widths[0] > 100 && widths[0] < 1000 && widths[0] == widths[1] && abs(widths[2] / widths[0] - 1) < 0.01, "\(widths)")
    }

    @Test func missingValuesAreCarriedForward() throws {
        let forecast = try LocalPredictor(name: "naive", method: Naive()).predict(panel([[.nan, 1, 2, .nan]]), horizon: 1, levels: [0.5])
        #expect(forecast.items[0].point == [2])
    }

    @Test func parallelPredictionIsDeterministic() throws {
        var rng = SeededRandomWalk(seed: 9)
        let data = panel((0..<300).map { _ in rng.walk(120) }, season: 12)
        let a = try LocalPredictor(name: "snaive", method: SeasonalNaive()).predict(data, horizon: 6, levels: [0.1, 0.9])
        let b = try LocalPredictor(name: "snaive", method: SeasonalNaive()).predict(data, horizon: 6, levels: [0.1, 0.9])
        #expect(a.items == b.items)
    }

    @Test func interpolatedAndTailQuantiles() {
        let item = ItemForecast(id: "x", firstTime: 0, point: [10], levels: [0.1, 0.5, 0.9], quantiles: [[8], [10], [12]])
        #expect(item.quantile(0.3, step: 0) == 9)
        #expect(item.quantile(0.5, step: 0) == 10)
        // Beyond p90 the p10–p90 slope continues in normal-score space: p97.5 ≈ 12 + 2·(1.96−1.2816)/1.2816.
        let expected = 12 + 4 / (2 * NormalDistribution.quantile(0.9)) * (NormalDistribution.quantile(0.975) - NormalDistribution.quantile(0.9))
        #expect(abs(item.quantile(0.975, step: 0) - expected) < 1e-12)
    }

    @Test func normalQuantileInvertsTheCDF() {
        for p in [1e-6, 0.01, 0.025, 0.3, 0.5, 0.9, 0.999] {
            #expect(abs(NormalDistribution.cdf(NormalDistribution.quantile(p)) - p) < 1e-12)
        }
        #expect(abs(NormalDistribution.quantile(0.975) - 1.959963984540054) < 1e-12)
    }
}

/// Random walks for tests, from the project's seeded generator.
struct SeededRandomWalk {
    var rng: SeededGenerator
    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }
    mutating func walk(_ n: Int) -> [Double] {
        var x = 100.0
        return (0..<n).map { _ in x += rng.normal(); return x }
    }
}
