import HorizonCore
import HorizonData
import Testing
@testable import HorizonModels

/// Equal as features: the same value, or both absent.
private func same(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
}

@Suite struct FeatureBuilderTests {
    let panel = SimulatedDemand.panel(items: 4, weeks: 120)

    @Test func columnsNameEveryFeature() {
        let builder = FeatureBuilder(panel: panel)
        // Weekly data: 8 lags, windows 8 and 52, seasonal lags, week-of-year calendar, price
        // (with a ratio: it is fractional), promo (a flag, no ratio), the line, age, level.
        #expect(builder.names == ["step"] + (1...8).map { "lag \($0)" } + ["mean 8", "std 8", "mean 52", "std 52", "zero share 52",
                                 "seasonal lag", "seasonal lag 2", "day of month", "week of year", "price", "price ratio", "promo",
                                 "line", "age", "log level"])
        #expect(builder.columns.first { $0.name == "line" }?.kind == .categorical(levels: ["grocery", "toys"]))
    }

    /// Competition data knows its frequency but not its dates: the calendar is the position in
    /// the season, not a date made up from step numbers.
    @Test func dataWithoutTimestampsGetsThePositionInTheSeason() throws {
        let steps = Panel(series: [Series(id: "H1", values: (0..<100).map { Double($0 % 24) })],
                          frequency: .hourly, season: 24, hasTimestamps: false)
        let builder = FeatureBuilder(panel: steps)
        let column = try #require(builder.names.firstIndex(of: "position in season"))
        #expect(!builder.names.contains("hour of day"))
        let rows = builder.forecastRows(steps, future: .carriedForward(steps, horizon: 2), horizon: 2)
        // Steps 100 and 101 are positions 4 and 5 of 0…23, scaled to [−0.5, 0.5].
        #expect(abs(Double(rows.features[0, column]) - (4.0 / 23 - 0.5)) < 1e-6)
        #expect(abs(Double(rows.features[1, column]) - (5.0 / 23 - 0.5)) < 1e-6)
    }

    /// Features at an origin depend on nothing at or after it: rewriting the targets from
    /// week 80 on leaves every row with an origin ≤ 80 unchanged (their targets may change),
    /// while rows with later origins do change.
    @Test func noLookAhead() throws {
        let builder = FeatureBuilder(panel: panel)
        var changed = panel
        var rng = SeededGenerator(seed: 4)
        for t in 80..<120 { changed.series[0].values[t] = Double(rng.poisson(mean: 50)) }
        let before = try builder.trainingRows(panel, horizon: 6, maxRows: .max, seed: 1)
        let after = try builder.trainingRows(changed, horizon: 6, maxRows: .max, seed: 1)
        #expect(before.count == after.count && before.origins == after.origins && before.steps == after.steps)
        var early = 0, lateChanged = 0, targetsChanged = 0
        for r in 0..<before.count where before.series[r] == 0 {
            let equal = same(before.features.row(r), after.features.row(r))
            if before.origins[r] <= 80 {
                #expect(equal, "origin \(before.origins[r]) step \(before.steps[r])")
                early += 1
                if before.targets[r] != after.targets[r] { targetsChanged += 1 }
            } else if !equal {
                lateChanged += 1
            }
        }
        #expect(early > 400 && targetsChanged > 0 && lateChanged > 100)
    }

    /// A forecast from a history cut at week 100, with the covariates recorded after it,
    /// sees exactly what the training row (origin 100, step h) saw: the model is trained on
    /// the inputs it will be given.
    @Test func forecastRowsMatchTrainingRowsAtTheSameOrigin() throws {
        let builder = FeatureBuilder(panel: panel)
        let history = panel.droppingLast([Int](repeating: 20, count: panel.count))
        let future = FutureCovariates.recorded(in: panel, after: history, horizon: 6)
        let forecast = builder.forecastRows(history, future: future, horizon: 6)
        let training = try builder.trainingRows(panel, horizon: 6, maxRows: .max, seed: 1)
        for r in 0..<forecast.count {
            let match = (0..<training.count).first {
                training.series[$0] == forecast.series[r] && training.origins[$0] == 100 && training.steps[$0] == forecast.steps[r]
            }
            let t = try #require(match)
            #expect(same(forecast.features.row(r), training.features.row(t)))
            #expect(forecast.scales[r] == training.scales[t])
        }
    }

    /// Prices and promotions of the target period come from `FutureCovariates` when forecasting.
    @Test func forecastsReadTargetPeriodCovariatesFromFutureCovariates() {
        let builder = FeatureBuilder(panel: panel)
        let history = panel.droppingLast([Int](repeating: 20, count: panel.count))
        var future = FutureCovariates.recorded(in: panel, after: history, horizon: 3)
        future.dynamic[0]["price"]![1] = 123.5
        future.dynamic[0]["promo"]![1] = 1
        let rows = builder.forecastRows(history, future: future, horizon: 3)
        let price = builder.names.firstIndex(of: "price")!, ratio = builder.names.firstIndex(of: "price ratio")!
        let promo = builder.names.firstIndex(of: "promo")!
        #expect(rows.features[1, price] == 123.5 && rows.features[1, promo] == 1)
        let recent = history.series[0].dynamic["price"]!.suffix(52)
        let expectedRatio = 123.5 / (recent.reduce(0, +) / Double(recent.count))
        #expect(abs(Double(rows.features[1, ratio]) - expectedRatio) < 1e-4)
        // The other steps keep the recorded plan.
        #expect(Double(rows.features[0, price]) == Double(Float(panel.series[0].dynamic["price"]![100])))
    }

    /// A covariate declared past-only is read just before the origin, never at the target
    /// period, in training and in forecasts alike.
    @Test func pastOnlyCovariatesAreReadAtTheOrigin() throws {
        let builder = FeatureBuilder(panel: panel, pastOnly: ["promo"])
        let column = try #require(builder.names.firstIndex(of: "promo last"))
        #expect(!builder.names.contains("promo"))
        let rows = try builder.trainingRows(panel, horizon: 4, maxRows: .max, seed: 1)
        for r in 0..<rows.count {
            let promo = panel.series[rows.series[r]].dynamic["promo"]!
            #expect(Double(rows.features[r, column]) == promo[rows.origins[r] - 1])
        }
        let history = panel.droppingLast([Int](repeating: 20, count: panel.count))
        var future = FutureCovariates.recorded(in: panel, after: history, horizon: 4)
        future.dynamic[0]["promo"] = [7, 7, 7, 7]
        let forecast = builder.forecastRows(history, future: future, horizon: 4)
        for h in 0..<4 { #expect(Double(forecast.features[h, column]) == panel.series[0].dynamic["promo"]![99]) }
    }

    @Test func absentInputsAreMissingNotZero() throws {
        var data = panel
        data.series[3].statics["line"] = "garden"  // a level the builder never saw
        let builder = FeatureBuilder(panel: panel)
        let rows = try builder.trainingRows(data, horizon: 2, maxRows: .max, seed: 1)
        let name = { (n: String) in builder.names.firstIndex(of: n)! }
        for r in 0..<rows.count {
            let s = rows.series[r], row = rows.features.row(r).map { $0 }
            if s % 2 == 1 { #expect(row[name("price")].isNaN && row[name("price ratio")].isNaN) }  // the toys line has no price
            if rows.origins[r] == 1 {
                #expect(!row[name("lag 1")].isNaN && row[name("lag 2")].isNaN && row[name("std 8")].isNaN)
                #expect(row[name("seasonal lag")].isNaN)
            }
            #expect(row[name("line")].isNaN == (s == 3))
        }
    }

    @Test func trainingRowsAreAReproducibleSampleOfTheCap() throws {
        let builder = FeatureBuilder(panel: panel)
        let a = try builder.trainingRows(panel, horizon: 8, maxRows: 500, seed: 1)
        let b = try builder.trainingRows(panel, horizon: 8, maxRows: 500, seed: 1)
        let c = try builder.trainingRows(panel, horizon: 8, maxRows: 500, seed: 2)
        #expect(a.count == 500 && a.origins == b.origins && a.steps == b.steps && a.origins != c.origins)
        #expect(a.targets.allSatisfy(\.isFinite) && a.origins.allSatisfy { $0 >= 1 })
        // Origins are spread over the history, not bunched at its end.
        #expect(a.origins.min()! < 20 && a.origins.max()! > 100)
        let all = try builder.trainingRows(panel, horizon: 8, maxRows: .max, seed: 1)
        #expect(all.count == 4 * (0..<119).reduce(0) { $0 + min(8, 119 - $1) })
    }
}
