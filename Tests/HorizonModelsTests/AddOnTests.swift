import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import Testing
@testable import HorizonModels
import HorizonForecast

@Suite struct AddOnTests {
    static let shape: [Double] = (0..<12).map { 1 + 0.5 * sin(2 * .pi * Double($0) / 12) }

    /// Ten long items of one category share a seasonal shape; a new item has only 8 points.
    /// With +seasonality its naive-based forecast follows the category's shape; without, it is flat.
    @Test func pooledSeasonalityGivesAShortItemTheCategoryShape() throws {
        var rng = SeededGenerator(seed: 1)
        var series = (0..<10).map { i in
            Series(id: "old\(i)", values: (0..<60).map { 100 * Self.shape[$0 % 12] * (1 + 0.05 * rng.normal()) },
                   statics: ["category": "toys"])
        }
        series.append(Series(id: "new", start: 52, values: (52..<60).map { 50 * Self.shape[$0 % 12] }, statics: ["category": "toys"]))
        let panel = Panel(series: series, frequency: .steps, season: 12, hasTimestamps: false, staticNames: ["category"])
        let settings = FitSettings(horizon: 12)
        let plain = try LocalEstimator(name: "naive", method: Naive()).fit(panel, settings: settings)
        let pooled = try PooledSeasonality(inner: LocalEstimator(name: "naive", method: Naive())).fit(panel, settings: settings)
        let flat = try plain.predict(panel, horizon: 12, levels: [0.5]).item("new")!.point
        let shaped = try pooled.predict(panel, horizon: 12, levels: [0.5]).item("new")!.point
        #expect(Set(flat).count == 1)
        // The forecast's ratios between steps are the category's seasonal ratios (positions 60…71 ≡ 0…11),
        // within 8% (the prior of two pseudo-observations flattens the 40 per position by about 5%).
        for h in 1..<12 {
            let expected = Self.shape[h] / Self.shape[0]
            #expect(abs(shaped[h] / shaped[0] - expected) < 0.08 * expected, "step \(h)")
        }
        // And its level is the new item's deseasonalised level (50), not the category's (100).
        #expect(abs(shaped[0] / Self.shape[0] - 50) < 5)
    }

    /// Demand simulated with a known elasticity −2 (and a promotion lift ×1.3 at independent
    /// times) is recovered within 0.25, and the forecast responds to a 20% price cut by 0.8^ε.
    @Test func elasticityRecoversAKnownElasticity() throws {
        var rng = SeededGenerator(seed: 2)
        var series: [Series] = []
        for i in 0..<40 {
            let reference = 10 + Double(i % 5)
            var prices: [Double] = [], promo: [Double] = [], sales: [Double] = []
            for _ in 0..<150 {
                let p = reference * (rng.uniform() < 0.3 ? 1 - 0.3 * rng.uniform() : 1)
                let d: Double = rng.uniform() < 0.1 ? 1 : 0
                let mean = 200 * pow(p / reference, -2) * (d == 1 ? 1.3 : 1)
                prices.append(p); promo.append(d)
                sales.append(Double(rng.poisson(mean: mean)))
            }
            series.append(Series(id: "i\(i)", values: sales, dynamic: ["price": prices, "promo": promo], statics: ["category": "c\(i % 2)"]))
        }
        let panel = Panel(series: series, frequency: .steps, season: 1, hasTimestamps: false,
                          dynamicNames: ["price", "promo"], staticNames: ["category"])
        let predictor = try PriceElasticity(inner: LocalEstimator(name: "mean", method: Mean()), groupKey: "category")
            .fit(panel, settings: FitSettings(horizon: 4)) as! ElasticityPredictor
        for (group, r) in predictor.responses {
            #expect(abs(r.elasticity + 2) < 0.25, "\(group): \(r.elasticity)")
            #expect(abs(exp(r.promo) - 1.3) < 0.1, "\(group): promo ×\(exp(r.promo))")
        }
        var future = FutureCovariates.carriedForward(panel, horizon: 4)
        for i in future.dynamic.indices { future.dynamic[i]["price"] = [Double](repeating: PriceEffects.referencePrice(series[i])!, count: 4); future.dynamic[i]["promo"] = [0, 0, 0, 0] }
        let atReference = try predictor.predict(panel, future: future, horizon: 4, levels: [0.5])
        for i in future.dynamic.indices { future.dynamic[i]["price"] = future.dynamic[i]["price"]!.map { $0 * 0.8 } }
        let cut = try predictor.predict(panel, future: future, horizon: 4, levels: [0.5])
        let e = predictor.responses["c0"]!.elasticity
        #expect(abs(cut.items[0].point[0] / atReference.items[0].point[0] - pow(0.8, e)) < 1e-9)
    }

    /// Weekly demand for three categories with known elasticities (−0.3 staples, −1.2, −2.5),
    /// where every promotion is also a price cut of 10–30% (lift ×1.3 beyond the cut) and the
    /// regular price changes now and then: price and promotion move together, as in stores.
    static func pricedPanel(cutsOnlyWithPromotions fixedCut: Double? = nil) -> Panel {
        var rng = SeededGenerator(seed: 21)
        var series: [Series] = []
        for (category, elasticity) in [("staples", -0.3), ("mid", -1.2), ("elastic", -2.5)] {
            for i in 0..<30 {
                let level = 50 + 150 * rng.uniform(), reference = 5 + 10 * rng.uniform(), peak = Double(rng.int(below: 52))
                var regular = reference
                var prices: [Double] = [], promo: [Double] = [], sales: [Double] = []
                for w in 0..<156 {
                    if fixedCut == nil, rng.uniform() < 0.04 { regular = reference * (0.85 + 0.3 * rng.uniform()) }
                    let onPromotion = rng.uniform() < 0.1
                    let price = onPromotion ? regular * (1 - (fixedCut ?? (0.1 + 0.2 * rng.uniform()))) : regular
                    let season = 1 + 0.3 * cos(2 * .pi * (Double(w) - peak) / 52)
                    let mean = level * season * pow(price / reference, elasticity) * (onPromotion ? 1.3 : 1)
                    prices.append(price); promo.append(onPromotion ? 1 : 0)
                    sales.append(Double(rng.poisson(mean: mean)))
                }
                series.append(Series(id: "\(category)\(i)", values: sales, dynamic: ["price": prices, "promo": promo],
                                     statics: ["category": category]))
            }
        }
        return Panel(series: series, frequency: .steps, season: 52, hasTimestamps: false,
                     dynamicNames: ["price", "promo"], staticNames: ["category"])
    }

    static func fitElasticity(_ panel: Panel) throws -> ElasticityPredictor {
        try PriceElasticity(inner: LocalEstimator(name: "mean", method: Mean()), groupKey: "category")
            .fit(panel, settings: FitSettings(horizon: 4)) as! ElasticityPredictor
    }

    /// Each category's elasticity is recovered within ±0.3 although promotions and price cuts
    /// coincide, and each is reported with its interval and item count.
    @Test func elasticityPerCategorySeparatesPriceFromPromotion() throws {
        let predictor = try Self.fitElasticity(Self.pricedPanel())
        for (category, truth) in [("staples", -0.3), ("mid", -1.2), ("elastic", -2.5)] {
            let r = try #require(predictor.responses[category])
            #expect(abs(r.elasticity - truth) <= 0.3, "\(category): \(r.elasticity), truth \(truth)")
            #expect(r.identified && r.interval.contains(r.elasticity) && r.items == 30, "\(category): \(r)")
            #expect(abs(exp(r.promo) - 1.3) < 0.15, "\(category): promotion ×\(exp(r.promo))")
            #expect(predictor.fitSummary.contains { $0.hasPrefix("  \(category): ") && $0.contains("95%") && $0.contains("30 items") })
        }
    }

    /// A staple's 20% price cut moves its forecast by about what its true elasticity implies
    /// (0.8^−0.3 = +6.9%), not by the +130% a pooled estimate gave.
    @Test func aStaplesPriceCutMovesDemandByItsOwnElasticity() throws {
        let panel = Self.pricedPanel()
        let predictor = try Self.fitElasticity(panel)
        var future = FutureCovariates.carriedForward(panel, horizon: 4)
        let staple = panel.series.firstIndex { $0.id == "staples0" }!
        future.dynamic[staple]["promo"] = [0, 0, 0, 0]
        let base = try predictor.predict(panel, future: future, horizon: 4, levels: [0.5]).items[staple].point[0]
        future.dynamic[staple]["price"] = future.dynamic[staple]["price"]!.map { $0 * 0.8 }
        let cut = try predictor.predict(panel, future: future, horizon: 4, levels: [0.5]).items[staple].point[0]
        #expect(abs(cut / base - pow(0.8, -0.3)) < 0.05, "a 20% cut moved the staple by ×\(cut / base)")
    }

    /// When the price only ever drops with a promotion, by the same 20%, the data cannot tell
    /// price from promotion: the add-on says so and forecasts no price response, while the
    /// promotion weeks' lift stays in the promotion effect.
    @Test func elasticityThatCannotBeSeparatedIsSaidAndNotInvented() throws {
        let predictor = try Self.fitElasticity(Self.pricedPanel(cutsOnlyWithPromotions: 0.2))
        for category in ["staples", "mid", "elastic"] {
            let r = try #require(predictor.responses[category])
            #expect(!r.identified && abs(r.elasticity) < 0.1, "\(category): \(r)")
            #expect(predictor.fitSummary.contains { $0.hasPrefix("  \(category): ") && $0.contains("not identified") })
        }
        #expect(predictor.fitSummary.contains { $0.contains("prices rarely moved apart from promotions") })
    }

    /// 60 random walks with noise: the point model is naive; the engine's p10/p90 from backtest
    /// errors must cover about 10% / 90% of fresh actuals (and the conformal variant as well).
    @Test(arguments: [false, true])
    func distributionEngineIsCalibrated(conformal: Bool) throws {
        var rng = SeededGenerator(seed: 4)
        let series = (0..<60).map { i -> Series in
            var x = 100.0
            return Series(id: "s\(i)", values: (0..<120).map { _ in x += 2 * rng.normal(); return x + 3 * rng.normal() })
        }
        let full = Panel(series: series, frequency: .steps, season: 1, hasTimestamps: false)
        let holdout = Holdout(splitting: full, counts: Array(repeating: 6, count: 60), steps: 6)
        let engine = DistributionEngine(inner: LocalEstimator(name: "naive", method: Naive()), segment: .velocity,
                                        errors: .scaled, origins: 12, conformal: conformal)
        let forecast = try engine.fit(holdout.train, settings: FitSettings(horizon: 6)).predict(holdout.train, horizon: 6, levels: [0.1, 0.5, 0.9])
        let scores = Evaluator.score(forecast, on: holdout, levels: [0.1, 0.5, 0.9])
        #expect(abs(scores.coverage[0] - 0.1) < 0.06, "p10 coverage \(scores.coverage[0])")
        #expect(abs(scores.coverage[2] - 0.9) < 0.06, "p90 coverage \(scores.coverage[2])")
        for item in forecast.items { for h in 0..<6 { #expect(item.quantiles[0][h] <= item.quantiles[1][h] && item.quantiles[1][h] <= item.quantiles[2][h]) } }
    }

    /// Random walks drifting up 1.5 a step: naive's backtest errors sit above zero, so the
    /// engine's median (from the errors) moves above naive's forecast. With `median=model` the
    /// median is naive's own forecast, and every interval is exactly as wide as the errors make
    /// it (each quantile moved by the same Q_½·s), for scaled and ratio errors alike.
    @Test(arguments: [DistributionEngine.ErrorKind.scaled, .ratio])
    func distributionEngineCanKeepTheModelsMedian(errors: DistributionEngine.ErrorKind) throws {
        var rng = SeededGenerator(seed: 5)
        let series = (0..<40).map { i -> Series in
            var x = 200.0
            return Series(id: "d\(i)", values: (0..<80).map { _ in x += 1.5 + 2 * rng.normal(); return x })
        }
        let panel = Panel(series: series, frequency: .steps, season: 1, hasTimestamps: false)
        let levels = [0.1, 0.5, 0.9]
        func forecast(keepsMedian: Bool) throws -> PanelForecast {
            let engine = DistributionEngine(inner: LocalEstimator(name: "naive", method: Naive()), segment: .none, errors: errors,
                                            origins: 8, conformal: false, keepsMedian: keepsMedian)
            return try engine.fit(panel, settings: FitSettings(horizon: 4)).predict(panel, horizon: 4, levels: levels)
        }
        let fromErrors = try forecast(keepsMedian: false), kept = try forecast(keepsMedian: true)
        for (a, b) in zip(fromErrors.items, kept.items) {
            let last = series.first { $0.id == b.id }!.values.last!
            for h in 0..<4 {
                #expect(a.quantiles[1][h] > last + 0.5, "the errors' median is above naive's")
                #expect(abs(b.quantiles[1][h] - last) < 1e-9, "the model's median: \(b.quantiles[1][h]) vs \(last)")
                if errors == .scaled {
                    #expect(abs((a.quantiles[2][h] - a.quantiles[0][h]) - (b.quantiles[2][h] - b.quantiles[0][h])) < 1e-9)
                } else {
                    // Ratios scale about the median: (q_τ/Q_½)·ŷ, so the width is the errors' width divided by Q_½.
                    #expect(abs((a.quantiles[2][h] - a.quantiles[0][h]) / (a.quantiles[1][h] / last) - (b.quantiles[2][h] - b.quantiles[0][h])) < 1e-6)
                }
            }
        }
    }

    /// Multiplicative demand with a strong season (trough 0.4, peak 2.6 of the level): a
    /// seasonal-naive miss grows with the week's level, and the backtest origins (2 steps apart)
    /// put troughs and peaks at every step. Errors in units of max(ŷ, ½·level) make the p10–p90
    /// interval cover about 80% in the trough week and in the peak week alike; in units of the
    /// item's level alone the peak is covered far less often than the trough.
    @Test func distributionEngineWidensWithTheSeasonalLevel() throws {
        let profile = [0.4, 0.7, 1.3, 2.6]
        var rng = SeededGenerator(seed: 11)
        let series = (0..<120).map { i -> Series in
            let base = 50 + 150 * rng.uniform()
            return Series(id: "s\(i)", values: (0..<100).map { base * profile[$0 % 4] * exp(0.2 * rng.normal()) })
        }
        let full = Panel(series: series, frequency: .steps, season: 4, hasTimestamps: false)
        let holdout = Holdout(splitting: full, counts: Array(repeating: 4, count: 120), steps: 4)
        let engine = DistributionEngine(inner: LocalEstimator(name: "snaive", method: SeasonalNaive()), segment: .none,
                                        errors: .scaled, origins: 12, conformal: false)
        let forecast = try engine.fit(holdout.train, settings: FitSettings(horizon: 4)).predict(holdout.train, horizon: 4, levels: [0.1, 0.9])
        // The holdout starts at t = 96: step 0 is the trough, step 3 the peak.
        for (step, name) in [(0, "trough"), (3, "peak")] {
            let inside = forecast.items.indices.filter { i in
                let y = holdout.actuals[i][step]
                return forecast.items[i].quantiles[0][step] <= y && y <= forecast.items[i].quantiles[1][step]
            }.count
            let coverage = Double(inside) / Double(forecast.items.count)
            #expect(abs(coverage - 0.8) < 0.1, "\(name) coverage \(coverage)")
        }
    }

    /// Conformal levels take the ⌈(n+1)τ⌉-th order statistic: with n = 9 errors 1…9, τ = 0.9
    /// gives the 9th (9), τ = 0.1 the ⌊1⌋-st (1); type 7 gives 8.2 and 1.8.
    @Test func conformalQuantilesUseTheFiniteSampleRank() {
        let sorted = (1...9).map(Double.init)
        #expect(ErrorTable.quantile(sorted, 0.9, conformal: true) == 9)
        #expect(ErrorTable.quantile(sorted, 0.1, conformal: true) == 1)
        #expect(abs(ErrorTable.quantile(sorted, 0.9, conformal: false) - 8.2) < 1e-12)
        #expect(abs(ErrorTable.quantile(sorted, 0.1, conformal: false) - 1.8) < 1e-12)
    }
}
