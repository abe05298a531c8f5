import HorizonCore
import HorizonData
import Testing
@testable import HorizonEvaluation
@testable import HorizonModels
import HorizonForecast

/// A global-style test model: its predictor forecasts, at every step and level, the number of
/// points it was fitted on, so a test can see which fit produced each window.
struct FitLengthEstimator: Estimator {
    final class Counter: @unchecked Sendable { var fits = 0 }
    let counter = Counter()

    func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        counter.fits += 1
        return FitLengthPredictor(length: Double(panel.series[0].count))
    }
}

struct FitLengthPredictor: Predictor {
    var length: Double
    func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        PanelForecast(model: "fit", items: history.series.map { s in
            ItemForecast(id: s.id, firstTime: Int64(s.count), point: [Double](repeating: length, count: horizon), levels: levels,
                         quantiles: levels.map { _ in [Double](repeating: length, count: horizon) })
        })
    }
}

/// Two series 0, 1, 2, … of lengths 30 and 28 (the second ends two steps earlier).
let counting = Panel(series: [Series(id: "a", values: (0..<30).map(Double.init)), Series(id: "b", values: (0..<28).map(Double.init))],
                     frequency: .steps, season: 1, hasTimestamps: false)

@Suite struct BacktestTests {
    @Test func cutsMoveBackOneStepPerWindow() {
        let plan = BacktestPlan(windows: 3, step: 4, horizon: 8)
        #expect(plan.cuts(base: [8, 10]) == [[16, 18], [12, 14], [8, 10]])
    }

    /// Holdout 5, three windows 5 apart, horizon 5: series a trains on 0..<15, 0..<20, 0..<25
    /// and is scored on 15…19, 20…24, 25…29; naive forecasts the last training value.
    @Test func splitsByHand() throws {
        let plan = BacktestPlan(windows: 3, step: 5, horizon: 5)
        let result = try Backtest.run(plan, panel: counting, base: [5, 5], model: "naive",
                                      estimator: LocalEstimator(name: "naive", method: Naive()),
                                      settings: FitSettings(horizon: 5, levels: [0.5]), levels: Evaluator.requiredLevels([0.5]), naive2: LocalPredictor.naive2)
        #expect(result.windows.map { $0.holdout.train.series[0].count } == [15, 20, 25])
        #expect(result.windows.map { $0.holdout.train.series[1].count } == [13, 18, 23])
        #expect(result.windows[0].holdout.actuals == [[15, 16, 17, 18, 19], [13, 14, 15, 16, 17]])
        #expect(result.windows[2].holdout.actuals[0] == [25, 26, 27, 28, 29])
        #expect(result.windows.map { $0.forecast.items[0].point[0] } == [14, 19, 24])
        #expect(result.windows.map(\.firstForecastTime) == [15, 20, 25])
        // The naive error of a line with slope 1 is h at step h: MASE (scale 1) = mean(1…5) = 3.
        #expect(result.windows.allSatisfy { abs($0.scores.mase - 3) < 1e-12 })
    }

    /// refit=yes fits at every origin; refit=no fits once, at the oldest, and reuses it.
    @Test func refitDecidesWhichFitForecastsEachWindow() throws {
        let plan = BacktestPlan(windows: 3, step: 5, horizon: 5, refit: true)
        let settings = FitSettings(horizon: 5, levels: [0.5])
        let refit = FitLengthEstimator()
        let withRefit = try Backtest.run(plan, panel: counting, base: [5, 5], model: "m", estimator: refit,
                                         settings: settings, levels: [0.025, 0.5, 0.975], naive2: LocalPredictor.naive2)
        #expect(refit.counter.fits == 3)
        #expect(withRefit.windows.map { $0.forecast.items[0].point[0] } == [15, 20, 25])
        var once = plan
        once.refit = false
        let single = FitLengthEstimator()
        let withoutRefit = try Backtest.run(once, panel: counting, base: [5, 5], model: "m", estimator: single,
                                            settings: settings, levels: [0.025, 0.5, 0.975], naive2: LocalPredictor.naive2)
        #expect(single.counter.fits == 1)
        #expect(withoutRefit.windows.map { $0.forecast.items[0].point[0] } == [15, 15, 15])
    }

    /// The newest window is the session's holdout, scored exactly as `evaluate` scores it.
    @Test func theLastWindowIsTheHoldout() throws {
        let levels = [0.1, 0.5, 0.9]
        let estimator = LocalEstimator(name: "snaive", method: SeasonalNaive())
        let result = try Backtest.run(BacktestPlan(windows: 2, step: 3, horizon: 4), panel: counting, base: [4, 4], model: "snaive",
                                      estimator: estimator, settings: FitSettings(horizon: 4, levels: levels),
                                      levels: Evaluator.requiredLevels(levels), naive2: LocalPredictor.naive2)
        let holdout = Holdout(splitting: counting, counts: [4, 4], steps: 4)
        let forecast = try estimator.fit(holdout.train, settings: FitSettings(horizon: 4, levels: levels))
            .predict(holdout.train, future: holdout.future, horizon: 4, levels: Evaluator.requiredLevels(levels))
        let direct = Evaluator.score(forecast, on: holdout, levels: levels)
        #expect(result.windows[1].scores.wql == direct.wql)
        #expect(result.windows[1].scores.crps == direct.crps)
        #expect(result.windows[1].scores.mase == direct.mase)
    }

    /// Pooled wQL is a ratio of totals over every window: Σ_k wQL_k·A_k / Σ_k A_k with A_k = Σ|y|.
    @Test func pooledScoresAreRatiosOfTotalsOverWindows() throws {
        let levels = [0.2, 0.5, 0.8]
        let result = try Backtest.run(BacktestPlan(windows: 3, step: 2, horizon: 3), panel: counting, base: [3, 3], model: "drift",
                                      estimator: LocalEstimator(name: "drift", method: Drift()), settings: FitSettings(horizon: 3, levels: levels),
                                      levels: Evaluator.requiredLevels(levels), naive2: LocalPredictor.naive2)
        let weights = result.windows.map { $0.holdout.actuals.joined().reduce(0) { $0 + abs($1) } }
        for l in levels.indices {
            let expected = zip(result.windows, weights).reduce(0) { $0 + $1.0.scores.wql[l] * $1.1 } / weights.reduce(0, +)
            #expect(abs(result.pooled.wql[l] - expected) < 1e-12)
        }
        #expect(result.pooled.series == 6)
    }

    @Test func anEmptyHoldoutIsRefusedBeforeAnyFit() {
        let estimator = FitLengthEstimator()
        #expect(throws: HorizonError.self) {
            try Backtest.run(BacktestPlan(windows: 2, step: 5, horizon: 5), panel: counting, base: [0, 0], model: "m",
                             estimator: estimator, settings: FitSettings(horizon: 5, levels: [0.5]), levels: [0.025, 0.5, 0.975], naive2: LocalPredictor.naive2)
        }
        #expect(estimator.counter.fits == 0)
    }

    @Test func windowsBeforeAllDataAreRefused() {
        #expect(throws: HorizonError.self) {
            try Backtest.run(BacktestPlan(windows: 8, step: 5, horizon: 5), panel: counting, base: [5, 5], model: "naive",
                             estimator: LocalEstimator(name: "naive", method: Naive()), settings: FitSettings(horizon: 5, levels: [0.5]),
                             levels: [0.025, 0.5, 0.975], naive2: LocalPredictor.naive2)
        }
    }
}
