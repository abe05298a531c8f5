import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import Testing
@testable import HorizonModels
import HorizonForecast

@Suite struct ClassicalModelTests {
    /// ETS(A,N,N) with α = 0.5, ℓ₀ = 10 on y = 12, 11, 14, by hand:
    /// e₁ = 12 − 10 = 2, ℓ₁ = 10 + 0.5·2 = 11; e₂ = 0, ℓ₂ = 11; e₃ = 3, ℓ₃ = 12.5.
    /// Σe² = 13, so −2 log L = 3·log 13 and every forecast is 12.5.
    /// `report` describes the fit on the series it is given: the one made at `train` for the
    /// training part, a new one (as the forecast makes) for the whole series.
    @Test func anItemReportDescribesTheFitOnTheSeriesGiven() throws {
        var rng = SeededGenerator(seed: 3)
        let values = (0..<60).map { 100 + Double($0) + 5 * rng.normal() }
        let whole = Series(id: "a", values: values), train = Series(id: "a", values: Array(values.prefix(52)))
        let panel = Panel(series: [train], frequency: .steps, season: 1, hasTimestamps: false)
        for model in ["ets", "arima"] {
            let predictor = try #require(try ModelCatalog.spec(named: model)!.make(ModelOptions()).fit(panel, settings: FitSettings(horizon: 4)) as? any ReportsItem)
            let trained = predictor.itemReport(train, in: panel), refitted = predictor.itemReport(whole, in: panel)
            #expect(trained != refitted, "\(model)")
            if model == "ets" { #expect(trained[0].hasSuffix("on 52 points") && refitted[0].hasSuffix("on 60 points"), "\(trained[0]) / \(refitted[0])") }
        }
    }

    /// A constant series fits perfectly: its AICc is the likelihood's floor, said as such.
    @Test func aPerfectFitIsNotReportedAsANumber() throws {
        let series = Series(id: "c", values: [Double](repeating: 5, count: 12))
        let panel = Panel(series: [series], frequency: .steps, season: 1, hasTimestamps: false)
        let predictor = try #require(try ModelCatalog.spec(named: "ets")!.make(ModelOptions()).fit(panel, settings: FitSettings(horizon: 2)) as? any ReportsItem)
        #expect(predictor.itemReport(series, in: panel).first?.contains("AICc (−∞: a perfect fit, floored as R does)") == true)
    }

    @Test func etsRecursionMatchesAHandComputation() {
        let y: [Double] = [12, 11, 14]
        var level = 10.0, slope = 0.0
        var ring = [0.0]
        let pass = y.withUnsafeBufferPointer { yb in
            ring.withUnsafeMutableBufferPointer { rb in
                ETSRecursion.run(yb, ETSComponents(.additive, .none, .none), alpha: 0.5, beta: 0, gamma: 0, phi: 1,
                                 level: &level, slope: &slope, ring: rb, trackMSE: true)
            }
        }
        #expect(pass.sse == 13)
        #expect(abs(pass.mse - 13.0 / 3) < 1e-12)
        #expect(level == 12.5)
        #expect(abs(ETSEstimation.likelihood(pass, n: 3, ETSComponents(.additive, .none, .none)) - 3 * log(13.0)) < 1e-12)
    }

    /// ETS(A,N,A), m = 2, α = 0.5, γ = 0.5, ℓ₀ = 10, s = (+1, −1) on y = 12, 8, by hand:
    /// t=1: μ = 10 + 1 = 11, e = 1, ℓ = 10 + 0.5·(12 − 1 − 10) = 10.5, s₁ ← 1 + 0.5·(12 − 10 − 1) = 1.5;
    /// t=2: μ = 10.5 − 1 = 9.5, e = −1.5, ℓ = 10.5 + 0.5·(8 + 1 − 10.5) = 9.75, s₂ ← −1 + 0.5·(8 − 10.5 + 1) = −1.75.
    /// Forecasts: 9.75 + 1.5 = 11.25, then 9.75 − 1.75 = 8.
    @Test func seasonalRecursionMatchesAHandComputation() {
        let fit = ETSFit(components: ETSComponents(.additive, .none, .additive), alpha: 0.5, beta: 0, gamma: 0.5, phi: 1,
                         initialLevel: 10, initialSlope: 0, initialSeason: [1, -1], level: 0, slope: 0, season: [],
                         n: 2, sigma2: 1, likelihood: 0, parameterCount: 4, converged: true)
        var level = fit.initialLevel, slope = 0.0
        var ring = fit.initialSeason
        let y: [Double] = [12, 8]
        let pass = y.withUnsafeBufferPointer { yb in
            ring.withUnsafeMutableBufferPointer { rb in
                ETSRecursion.run(yb, fit.components, alpha: 0.5, beta: 0, gamma: 0.5, phi: 1, level: &level, slope: &slope, ring: rb, trackMSE: false)
            }
        }
        #expect(pass.sse == 1 + 2.25)
        #expect(level == 9.75)
        #expect(ring == [1.5, -1.75])
        var after = fit
        after.level = level
        after.season = ring
        #expect(after.forecast(horizon: 3) == [11.25, 8, 11.25])
    }

    /// The general c_j variance equals the spec's closed forms for ANN, AAN, ANA and AAA.
    @Test func analyticVariancesMatchTheClosedForms() {
        let (a, b, g, m, s2) = (0.3, 0.1, 0.2, 4, 2.0)
        func fit(_ c: ETSComponents) -> ETSFit {
            ETSFit(components: c, alpha: a, beta: b, gamma: g, phi: 1, initialLevel: 0, initialSlope: 0, initialSeason: [],
                   level: 0, slope: 0, season: c.isSeasonal ? [Double](repeating: 0, count: m) : [], n: 100, sigma2: s2,
                   likelihood: 0, parameterCount: 1, converged: true)
        }
        for h in 1...12 {
            let hd = Double(h), k = Double((h - 1) / m)
            let ann = s2 * (1 + a * a * (hd - 1))
            let aan = s2 * (1 + (hd - 1) * (a * a + a * b * hd + b * b * hd * (2 * hd - 1) / 6))
            let ana = s2 * (1 + a * a * (hd - 1) + g * k * (2 * a + g))
            let aaa = s2 * (1 + (hd - 1) * (a * a + a * b * hd + b * b * hd * (2 * hd - 1) / 6) + g * k * (2 * a + g + b * Double(m) * (k + 1)))
            #expect(abs(fit(ETSComponents(.additive, .none, .none)).analyticVariance(horizon: 12)![h - 1] - ann) < 1e-9)
            #expect(abs(fit(ETSComponents(.additive, .additive, .none)).analyticVariance(horizon: 12)![h - 1] - aan) < 1e-9)
            #expect(abs(fit(ETSComponents(.additive, .none, .additive)).analyticVariance(horizon: 12)![h - 1] - ana) < 1e-9)
            #expect(abs(fit(ETSComponents(.additive, .additive, .additive)).analyticVariance(horizon: 12)![h - 1] - aaa) < 1e-9)
        }
    }

    /// A series simulated from ETS(A,N,A) with α = 0.3, γ = 0.2, m = 4: the automatic fit must
    /// pick an additive seasonal model without trend and recover the parameters, and its
    /// likelihood at the optimum must be no worse than at the true parameters.
    @Test func autoETSRecoversASimulatedSeasonalModel() {
        var rng = SeededGenerator(seed: 3)
        var level = 50.0
        var season: [Double] = [4, -2, 3, -5]
        var y: [Double] = []
        for t in 0..<600 {
            let e = rng.normal()
            let s = season[t % 4]
            y.append(level + s + e)
            level += 0.3 * e
            season[t % 4] = s + 0.2 * e
        }
        guard case .fitted(let fit) = AutoETS(errors: [.additive]).select(y, season: 4) else { Issue.record("no fit"); return }
        #expect(fit.components == ETSComponents(.additive, .none, .additive))
        #expect(abs(fit.alpha - 0.3) < 0.08)
        #expect(abs(fit.gamma - 0.2) < 0.1)
        #expect(abs(fit.sigma2 - 1) < 0.2)
    }

    /// Each textbook model beats the naive forecast where it should: smoothing models on a
    /// noisy level, ETS and ARIMA on a seasonal series, Theta and Damped on a trend.
    @Test func textbookModelsBeatNaiveWhereTheyShould() throws {
        var rng = SeededGenerator(seed: 11)
        func panel(_ make: (Int, inout SeededGenerator) -> [Double]) -> Holdout {
            let series = (0..<20).map { i in Series(id: "s\(i)", values: make(i, &rng)) }
            return Holdout(splitting: Panel(series: series, frequency: .steps, season: 12, hasTimestamps: false),
                           counts: Array(repeating: 12, count: 20), steps: 12)
        }
        let level = panel { _, r in (0..<120).map { _ in 100 + 10 * r.normal() } }
        let seasonal = panel { i, r in (0..<144).map { t in 100 + 30 * sin(2 * .pi * Double(t) / 12 + Double(i)) + 3 * r.normal() } }
        let trend = panel { _, r in (0..<120).map { t in 50 + 2 * Double(t) + 4 * r.normal() } }
        func mase(_ model: String, _ holdout: Holdout) throws -> Double {
            let predictor = try ModelCatalog.spec(named: model)!.make(ModelOptions()).fit(holdout.train, settings: FitSettings(horizon: 12))
            return Evaluator.score(try predictor.predict(holdout.train, horizon: 12, levels: [0.1, 0.5, 0.9]), on: holdout, levels: [0.5]).mase
        }
        for (models, data) in [(["ses", "theta", "comb", "ets", "arima"], level), (["ets", "arima"], seasonal), (["theta", "damped", "holt", "arima"], trend)] {
            let naive = try mase("naive", data)
            for model in models { let v = try mase(model, data); #expect(v < 0.9 * naive, "\(model): \(v) vs naive \(naive)") }
        }
    }

    /// An AR(1) with φ = 0.7 around a mean: ARIMA finds d = 0 and an AR coefficient near 0.7.
    @Test func arimaRecoversAnAutoregression() throws {
        var rng = SeededGenerator(seed: 5)
        var y: [Double] = [], x = 0.0
        for _ in 0..<500 { x = 0.7 * x + rng.normal(); y.append(20 + x) }
        let fit = try #require(AutoARIMA.select(y, season: 1))
        #expect(fit.order.d == 0 && fit.order.D == 0)
        #expect(fit.order.constant)
        #expect(abs(fit.ar.first! - 0.7) < 0.1 || fit.order.q > 0)
        let (point, sd) = fit.forecast(horizon: 50)
        #expect(abs(point[49] - 20) < 1)               // reverts to the mean
        #expect(abs(sd[49] - 1 / (1 - 0.49).squareRoot()) < 0.2)  // the stationary standard deviation
    }
}
