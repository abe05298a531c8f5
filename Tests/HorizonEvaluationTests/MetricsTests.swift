import Foundation
import HorizonData
import Testing
@testable import HorizonEvaluation
@testable import HorizonModels
import HorizonForecast

@Suite struct MetricsTests {
    @Test func pinballByHand() {
        #expect(Metrics.pinball(10, 8, level: 0.9) == 0.9 * 2)
        #expect(abs(Metrics.pinball(8, 10, level: 0.9) - 0.1 * 2) < 1e-15)
        #expect(Metrics.pinball(5, 5, level: 0.3) == 0)
    }

    /// Two series; wQL is a ratio of totals, not a mean of per-series ratios.
    @Test func weightedQuantileLossIsARatioOfTotals() {
        let actuals: [[Double]] = [[10, 20], [1, .nan]]
        let quantiles: [[Double]] = [[12, 15], [0, 7]]
        // p50 pinball: |10−12|/2 + |20−15|/2 + |1−0|/2 = 1 + 2.5 + 0.5 = 4; Σ|y| = 31 → wQL = 8/31
        #expect(abs(Metrics.weightedQuantileLoss(actuals: actuals, quantiles: quantiles, level: 0.5) - 8.0 / 31) < 1e-15)
        // p90: 0.1·2 + 0.9·5 + 0.9·1 = 5.6 → 11.2/31
        #expect(abs(Metrics.weightedQuantileLoss(actuals: actuals, quantiles: quantiles, level: 0.9) - 11.2 / 31) < 1e-12)
    }

    /// A holdout with nothing observed scores nothing: not a perfect 0 that `sort=` would rank first.
    @Test func nothingObservedIsNoScore() {
        #expect(Metrics.weightedQuantileLoss(actuals: [[.nan, .nan]], quantiles: [[1, 2]], level: 0.5).isNaN)
        // All actuals zero but observed: the loss itself, as before.
        #expect(Metrics.weightedQuantileLoss(actuals: [[0, 0]], quantiles: [[1, 2]], level: 0.5) == 3)
        #expect(Metrics.owa(smape: 0, mase: 0, naive2Smape: 0, naive2Mase: 0).isNaN)
        #expect(Metrics.owa(smape: 5, mase: 1, naive2Smape: 10, naive2Mase: 0).isNaN)
        #expect(Metrics.owa(smape: 5, mase: 1, naive2Smape: 10, naive2Mase: 2) == 0.5)
    }

    @Test func coverageIsNonStrictAndSkipsMissing() {
        #expect(Metrics.coverage(actuals: [[1, 2, 3, .nan]], quantiles: [[1, 1, 4, 0]]) == 2.0 / 3)
        #expect(Metrics.intervalCoverage(actuals: [[1, 5, 3]], lower: [[0, 0, 3]], upper: [[2, 4, 3]]) == 2.0 / 3)
    }

    @Test func maseUsesTheInSampleSeasonalScale() {
        let insample: [Double] = [1, 2, 3, 5, 4, 6]   // m = 2: |3−1|+|5−2|+|4−3|+|6−5| = 7 over 4 pairs
        let scale = Metrics.seasonalScale(insample, season: 2)
        #expect(scale == 1.75)
        #expect(Metrics.mase(actual: [7, 8], forecast: [6, 6], scale: scale) == 1.5 / 1.75)
        #expect(Metrics.mase(actual: [1], forecast: [1], scale: 0).isNaN)  // a constant history has no scale
    }

    @Test func smapeInPercentWithZeroOverZeroAsPerfect() {
        // (200/3)·(|10−8|/18 + 0 + |0−2|/2)
        let expected = 200.0 / 3 * (2.0 / 18 + 0 + 1)
        #expect(abs(Metrics.smape(actual: [10, 0, 0], forecast: [8, 0, 2]) - expected) < 1e-12)
    }

    @Test func msisByHand() {
        // α = 0.05: width 4 inside; below by 1 → 4 + 40·1; above by 2 → 4 + 40·2. Mean 176/3, scale 2.
        let value = Metrics.msis(actual: [5, 2, 10], lower: [3, 3, 4], upper: [7, 7, 8], scale: 2)
        #expect(abs(value - (4.0 + 44 + 84) / 3 / 2) < 1e-12)
    }

    /// ND (GluonTS's normalised deviation) by hand: series a errs by |10 − 12| + |20 − 15| = 7,
    /// series b by |5 − 4| = 1 (its missing step is skipped), over Σ|y| = 35. The median is
    /// used, not the point forecast (which differs here).
    @Test func ndIsTheMedianAbsoluteErrorOverTheTotal() throws {
        let levels = [0.1, 0.5, 0.9]
        func item(_ id: String, _ median: [Double]) -> ItemForecast {
            ItemForecast(id: id, firstTime: 0, point: median.map { $0 + 100 }, levels: levels,
                         quantiles: [median.map { $0 - 3 }, median, median.map { $0 + 3 }])
        }
        let train = Panel(series: [Series(id: "a", values: [1, 2, 3, 4]), Series(id: "b", values: [4, 5, 6, 5])],
                          frequency: .steps, season: 1, hasTimestamps: false)
        let holdout = Holdout(train: train, actuals: [[10, 20], [5, .nan]])
        let scores = Evaluator.score(PanelForecast(model: "m", items: [item("a", [12, 15]), item("b", [4, 100])]), on: holdout, levels: levels)
        let nd = try #require(MetricDeclaration.named("nd"))
        #expect(abs(scores[nd] - 8.0 / 35) < 1e-12)
        let table = Evaluator.table([ScoreRow(labels: ["m"], scores: scores)], title: "t")
        #expect(Array(table.headers.suffix(4)) == ["MASE", "sMAPE", "MSIS", "ND"])
        #expect(table.rows[0].last == "0.2286")
        #expect(table.notes.last?.hasPrefix("ND = Σ|y − median|/Σ|y|") == true)
    }

    /// A holdout whose actuals are all missing: every ratio of totals (ND, wCRPS) and wQL is
    /// undefined, not 0.
    @Test func aHoldoutWithNothingObservedHasNoScores() throws {
        let levels = [0.1, 0.5, 0.9]
        let train = Panel(series: [Series(id: "a", values: [1, 2, 3, 4])], frequency: .steps, season: 1, hasTimestamps: false)
        let item = ItemForecast(id: "a", firstTime: 0, point: [4, 4], levels: levels, quantiles: [[3, 3], [4, 4], [5, 5]])
        let scores = Evaluator.score(PanelForecast(model: "m", items: [item]), on: Holdout(train: train, actuals: [[.nan, .nan]]), levels: levels)
        #expect(scores.wql.allSatisfy(\.isNaN) && scores.meanWQL.isNaN)
        #expect(try scores[#require(MetricDeclaration.named("nd"))].isNaN)
        #expect(try scores[#require(MetricDeclaration.named("crps"))].isNaN)
        #expect(scores.series == 0)
    }

    /// The median ND scores is always forecast (a required level), so ND does not change with
    /// the levels shown.
    @Test func theMedianIsAlwaysARequiredLevel() {
        #expect(Evaluator.requiredLevels([0.1, 0.9]) == [0.025, 0.1, 0.5, 0.9, 0.975])
        #expect(Evaluator.requiredLevels([0.5, 0.975]) == [0.025, 0.5, 0.975])
    }

    @Test func owaIsTheMeanOfRelativeErrors() {
        #expect(Metrics.owa(smape: 10, mase: 1, naive2Smape: 20, naive2Mase: 2) == 0.5)
    }

    /// The official M4 Hourly seasonal naive scores: sMAPE 13.912, MASE 1.193, OWA 0.628
    /// (0.627 in the sheet, computed before rounding), and Naive2 18.383 / 2.395.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: m4Hourly.train), "needs ../shared/datasets/m4"))
    func reproducesTheOfficialM4HourlyBenchmarks() throws {
        let data = try PanelLoader.load(path: m4Hourly.train, options: LoadOptions(format: .rows, testPath: m4Hourly.test), showProgress: false)
        let holdout = Holdout(splitting: data.panel, counts: data.testLengths!, steps: 48)
        let levels = Evaluator.requiredLevels([0.1, 0.5, 0.9])
        let naive2 = Evaluator.score(try LocalPredictor(name: "naive2", method: Naive2()).predict(holdout.train, horizon: 48, levels: levels),
                                     on: holdout, levels: [0.5])
        #expect(String(format: "%.3f", naive2.smape) == "18.383")
        #expect(String(format: "%.3f", naive2.mase) == "2.395")
        let snaive = Evaluator.score(try LocalPredictor(name: "snaive", method: SeasonalNaive()).predict(holdout.train, horizon: 48, levels: levels),
                                     on: holdout, levels: [0.5], naive2: (naive2.smape, naive2.mase))
        #expect(String(format: "%.3f", snaive.smape) == "13.912")
        #expect(String(format: "%.3f", snaive.mase) == "1.193")
        #expect(abs(snaive.owa! - 0.6275) < 0.001)
    }
}

let m4Hourly: (train: String, test: String) = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/datasets/m4").path
    return (root + "/Hourly-train.csv.xz", root + "/Hourly-test.csv.xz")
}()
