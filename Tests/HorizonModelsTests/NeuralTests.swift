import Foundation
import HorizonCore
import HorizonData
import HorizonTensor
import Testing
@testable import HorizonModels
import HorizonForecast

/// A small configuration, so tests train in seconds even in debug builds.
func tinyConfiguration(_ architecture: NeuralConfiguration.Architecture, context: Int = 12, horizon: Int = 3,
                       epochs: Int = 3, seed: UInt64 = 1) throws -> NeuralConfiguration {
    var options: [String: String] = ["hidden": "8", "epochs": "\(epochs)", "batches": "10", "batch": "16", "context": "\(context)"]
    if architecture == .mqtransformer { options["width"] = "4"; options["feedback"] = "2" }
    return try NeuralConfiguration.resolve(architecture, options: ModelOptions(options),
                                           settings: FitSettings(horizon: horizon, levels: [0.1, 0.5, 0.9], seed: seed),
                                           frequency: .weekly)
}

/// Weekly series with a yearly cycle, a price that sometimes drops (demand responds with
/// elasticity −2), a promo flag, and a category.
func pricedPanel(series: Int = 12, length: Int = 120, seed: UInt64 = 3) -> Panel {
    var rng = SeededGenerator(seed: seed)
    let start = Timestamp.seconds(year: 2020, month: 1, day: 6)
    return Panel(series: (0..<series).map { i in
        let base = 20 + 10 * Double(i % 4)
        var values: [Double] = [], price: [Double] = [], promo: [Double] = []
        for t in 0..<length {
            let p = rng.uniform() < 0.2 ? 7.0 : 10.0
            let flag: Double = rng.uniform() < 0.1 ? 1 : 0
            let season = 1 + 0.4 * sin(2 * Double.pi * Double(t) / 52)
            let mean = base * season * pow(p / 10, -2) * (1 + 0.5 * flag)
            values.append((mean + rng.normal() * 0.1 * mean).rounded())
            price.append(p)
            promo.append(flag)
        }
        return Series(id: "item\(i)", start: start, values: values, dynamic: ["price": price, "promo": promo],
                      statics: ["category": i % 2 == 0 ? "a" : "b"])
    }, frequency: .weekly, season: 52, hasTimestamps: true, dynamicNames: ["price", "promo"], staticNames: ["category"])
}

@Suite struct ForkingLayoutTests {
    let panel: Panel = {
        var values = (1...20).map(Double.init)
        values[12] = .nan
        return Panel(series: [Series(id: "a", values: values)], frequency: .steps, season: 4, hasTimestamps: false)
    }()

    func window(_ panel: Panel, end: Int, limit: Int) throws -> (WindowBatch, FeatureLayout) {
        let layout = try FeatureLayout.learn(from: panel, pastNames: [])
        let builder = WindowBuilder(layout: layout, context: 8, forks: 4, horizon: 3)
        let inputs = SeriesInputs(series: panel.series[0], panel: panel, layout: layout, horizon: 3, padding: 8, targetLimit: limit, codeMaps: [])
        var batch = WindowBatch(size: 1, layout: layout, context: 8, forks: 4, horizon: 3)
        builder.fill(&batch, slot: 0, series: inputs, end: end)
        return (batch, layout)
    }

    /// Window positions 0…7 are series positions 8…15; forks are positions 12…15 (series
    /// 12…15); the standardisation comes from positions 8…12, where 12 is missing: values
    /// 9, 10, 11, 12 → mean 10.5, standard deviation √1.25 (above the floor of 5 % of 10.5).
    @Test func shapesTargetsMasksAndScaleByHand() throws {
        let (batch, layout) = try window(panel, end: 15, limit: 17)
        #expect(layout.pastWidth == 3 && layout.lagWidth == 2 && layout.calendarCount == 1)
        #expect(batch.past.count == 8 * 3 && batch.future.count == 11 * 1 && batch.targets.count == 4 * 3 && batch.lags.count == 4 * 3 * 2)
        let s = Float(1.25).squareRoot()
        #expect(batch.location == [10.5] && abs(batch.scale[0] - s) < 1e-6)
        func near(_ a: Float, _ b: Float) -> Bool { abs(a - b) < 1e-5 }
        // Encoder: (y − mean)/s and the observed flag; position 4 of the window is the missing value.
        #expect(near(batch.past[0], (9 - 10.5) / s) && batch.past[1] == 1)
        #expect(batch.past[4 * 3] == 0 && batch.past[4 * 3 + 1] == 0)
        // Fork 0 (series position 12) forecasts 13, 14, 15 → values 14, 15, 16.
        #expect(Array(batch.targets[0..<3]) == [14, 15, 16] && Array(batch.mask[0..<3]) == [1, 1, 1])
        // Fork 3 (position 15): 16 is inside the limit (value 17), 17 and 18 are not.
        #expect(Array(batch.targets[9..<12]) == [17, 0, 0] && Array(batch.mask[9..<12]) == [1, 0, 0])
        // Seasonal naive (m = 4) for fork 0: positions 9, 10, 11 → values 10, 11, 12.
        #expect(near(batch.lags[0], (10 - 10.5) / s) && near(batch.lags[2], (11 - 10.5) / s) && near(batch.lags[4], (12 - 10.5) / s))
        // For fork 1 (position 13), k = 3 would be position 12 — missing, so flagged unobserved.
        #expect(batch.lags[((1 * 3) + 2) * 2 + 1] == 0)
    }

    /// Hourly data gets a second lag, a week back (weekly and monthly data none: their season
    /// is the year), read from before the window when the window is shorter than a week. With
    /// y = position, the fork at position p forecasting p + k sees p + k − 24·⌈k/24⌉ and
    /// p + k − 168, standardised like the target.
    @Test func hourlyDataAlsoSeesLastWeeksHour() throws {
        let hourly = Panel(series: [Series(id: "h", values: (0..<400).map(Double.init))], frequency: .hourly, season: 24, hasTimestamps: false)
        let layout = try FeatureLayout.learn(from: hourly, pastNames: [])
        #expect(layout.lagPeriods == [24, 168] && layout.lagWidth == 4)
        #expect(FeatureLayout.longSeason(.weekly, season: 52) == nil && FeatureLayout.longSeason(.daily, season: 7) == 364
                && FeatureLayout.longSeason(.hourly, season: 1) == nil)
        let (T, F, K) = (48, 4, 30)
        let builder = WindowBuilder(layout: layout, context: T, forks: F, horizon: K)
        let inputs = SeriesInputs(series: hourly.series[0], panel: hourly, layout: layout, horizon: K, padding: T, targetLimit: 400, codeMaps: [])
        var batch = WindowBatch(size: 1, layout: layout, context: T, forks: F, horizon: K)
        builder.fill(&batch, slot: 0, series: inputs, end: 300)
        let (location, scale) = (batch.location[0], batch.scale[0])
        for f in 0..<F {
            let p = 300 - F + 1 + f
            for k in [1, 24, 25, 30] {
                let slot = (f * K + k - 1) * 4
                let season = Float(p + k - 24 * ((k + 23) / 24)), week = Float(p + k - 168)
                #expect(abs(batch.lags[slot] * scale + location - season) < 1e-3 && batch.lags[slot + 1] == 1)
                #expect(abs(batch.lags[slot + 2] * scale + location - week) < 1e-3 && batch.lags[slot + 3] == 1)
            }
        }
        // A forecast time less than a week into the series has no week-old value: flagged unobserved.
        var early = WindowBatch(size: 1, layout: layout, context: T, forks: F, horizon: K)
        builder.fill(&early, slot: 0, series: inputs, end: 100)
        #expect(early.lags[3] == 0 && early.lags[1] == 1)
    }

    /// Everything a window's inputs hold is known at its forecast times: changing the target
    /// after the last forecast time changes the targets only.
    @Test func inputsNeverReadPastTheLastForecastTime() throws {
        let (a, _) = try window(panel, end: 15, limit: 20)
        var changed = panel
        for t in 16..<20 { changed.series[0].values[t] *= 3 }
        let (b, _) = try window(changed, end: 15, limit: 20)
        #expect(a.past == b.past && a.future == b.future && a.lags == b.lags && a.scale == b.scale)
        #expect(a.targets != b.targets)
    }

    /// Short series are left-padded: positions before the start are unobserved zeros.
    @Test func shortHistoriesArePadded() throws {
        let (batch, _) = try window(panel, end: 3, limit: 17)
        // Window positions 0…3 are series −4…−1.
        #expect(batch.past[0..<12].allSatisfy { $0 == 0 })
        #expect(batch.past[4 * 3 + 1] == 1)  // series position 0 is observed
    }
}

@Suite struct NeuralNetworkTests {
    static let architectures: [NeuralConfiguration.Architecture] = [.mlp, .mqrnn, .mqcnn, .mqtransformer, .nbeats]

    func batch(_ c: NeuralConfiguration, _ layout: FeatureLayout, _ panel: Panel, ends: [Int]) -> WindowBatch {
        let builder = WindowBuilder(layout: layout, context: c.context, forks: c.forks, horizon: c.horizon)
        var batch = WindowBatch(size: ends.count, layout: layout, context: c.context, forks: c.forks, horizon: c.horizon)
        for (slot, end) in ends.enumerated() {
            let s = panel.series[slot % panel.count]
            let inputs = SeriesInputs(series: s, panel: panel, layout: layout, horizon: c.horizon, padding: c.context, targetLimit: s.count,
                                      codeMaps: [])
            builder.fill(&batch, slot: slot, series: inputs, end: end)
        }
        return batch
    }

    /// An untrained network on four windows of a priced panel: its configuration and layout,
    /// the batch of those windows, and the network as a function of a batch (no gradients).
    func untrained(_ architecture: NeuralConfiguration.Architecture) throws
        -> (NeuralConfiguration, FeatureLayout, WindowBatch, (WindowBatch) -> [Float]) {
        let data = pricedPanel(series: 4, length: 60)
        let c = try tinyConfiguration(architecture)
        let layout = try FeatureLayout.learn(from: data, pastNames: [])
        var rng = SeededGenerator(seed: 5)
        let network = NetworkFactory.make(c, layout: layout, generator: &rng)
        return (c, layout, batch(c, layout, data, ends: [40, 50, 30, 45]), { b in
            var unused = SeededGenerator(seed: 0)
            return Autograd.withoutGradients { network(b, training: false, generator: &unused) }.scalars
        })
    }

    /// The encoder is causal, the decoder reads the state at its own forecast time, and the
    /// MQTransformer's attentions look only at earlier steps and earlier forecasts: the
    /// output at fork f is unchanged when the target at window positions after f changes.
    @Test(arguments: [NeuralConfiguration.Architecture.mqrnn, .mqcnn, .mqtransformer])
    func forecastsDoNotSeeLaterTargets(_ architecture: NeuralConfiguration.Architecture) throws {
        let (c, layout, original, run) = try untrained(architecture)
        let before = run(original)
        let cut = 2  // keep forks 0…2; change the target at window positions after fork 2
        var altered = original
        for b in 0..<altered.size {
            for q in (c.context - c.forks + cut + 1)..<c.context {
                altered.past[(b * c.context + q) * layout.pastWidth] += 5
            }
        }
        let after = run(altered)
        let Q = c.levels.count, K = c.horizon, F = c.forks
        var unchanged = true, changedLater = false
        for b in 0..<original.size {
            for f in 0..<F {
                for i in 0..<(K * Q) {
                    let index = (b * F + f) * K * Q + i
                    if f <= cut { unchanged = unchanged && before[index] == after[index] } else if before[index] != after[index] { changedLater = true }
                }
            }
        }
        #expect(unchanged, "a forecast changed when only later targets did")
        #expect(changedLater, "later forecasts should see the changed targets (else the test proves nothing)")
    }

    /// N-BEATS reads the window's target alone: its forecast moves when a past target does,
    /// and not when the covariates, the calendar, the events or the other encoder features do.
    @Test func nbeatsReadsTheTargetAlone() throws {
        let (c, layout, original, run) = try untrained(.nbeats)
        let before = run(original)
        var covariates = original
        for i in covariates.future.indices { covariates.future[i] += 3 }
        for i in covariates.past.indices where i % layout.pastWidth != 0 { covariates.past[i] += 3 }
        for e in covariates.events.indices { for i in covariates.events[e].indices { covariates.events[e][i] = 1 } }
        #expect(run(covariates) == before, "the forecast changed with the covariates")
        var target = original
        target.past[(2 * c.context + 4) * layout.pastWidth] += 2  // window 2, step 4
        let after = run(target)
        let perWindow = c.horizon * c.levels.count
        #expect(after[(2 * perWindow)..<(3 * perWindow)] != before[(2 * perWindow)..<(3 * perWindow)], "the forecast ignored a past target")
        #expect(after[0..<(2 * perWindow)] == before[0..<(2 * perWindow)], "a change in one window moved another's forecast")
    }

    /// The monotone head: quantiles come out sorted for any weights and inputs, including
    /// wildly scaled ones.
    @Test(arguments: architectures)
    func quantilesNeverCross(_ architecture: NeuralConfiguration.Architecture) throws {
        let data = pricedPanel(series: 4, length: 60)
        let c = try tinyConfiguration(architecture)
        let layout = try FeatureLayout.learn(from: data, pastNames: [])
        var rng = SeededGenerator(seed: 9)
        let network = NetworkFactory.make(c, layout: layout, generator: &rng)
        for p in network.parameters.parameters { for i in 0..<p.count { p.buffer[i] *= 30 } }
        var input = batch(c, layout, data, ends: [20, 59, 5, 33])
        for i in input.past.indices { input.past[i] *= Float(rng.normal() * 10) }
        var unused = SeededGenerator(seed: 0)
        let out = Autograd.withoutGradients { network(input, training: false, generator: &unused) }.scalars
        let Q = c.levels.count
        for row in stride(from: 0, to: out.count, by: Q) {
            for l in 1..<Q { #expect(out[row + l] >= out[row + l - 1], "crossing at row \(row / Q)") }
        }
    }
}

/// The mean over the forecast's levels of its wQL on what `full` holds after `history`.
func meanWQL(_ f: PanelForecast, full: Panel, history: Panel) -> Double {
    let actuals = full.series.indices.map { Array(full.series[$0].values[history.series[$0].count..<(history.series[$0].count + f.items[$0].horizon)]) }
    let levels = f.items[0].levels
    return levels.indices.map { l in
        Metrics.weightedQuantileLoss(actuals: actuals, quantiles: f.items.map { $0.quantiles[l] }, level: levels[l])
    }.reduce(0, +) / Double(levels.count)
}

@Suite struct NeuralTrainingTests {
    /// A strictly periodic panel the network can memorise: training loss falls to a small
    /// fraction of where it started.
    @Test(arguments: [NeuralConfiguration.Architecture.mlp, .mqcnn, .nbeats])
    func overfitsATinyPanel(_ architecture: NeuralConfiguration.Architecture) throws {
        let pattern: [Double] = [10, 30, 20, 50]
        let tiny = Panel(series: (0..<3).map { i in Series(id: "s\(i)", values: (0..<48).map { pattern[($0 + i) % 4] }) },
                         frequency: .steps, season: 4, hasTimestamps: false)
        let estimator = NeuralEstimator(architecture, options: ModelOptions(["hidden": "16", "epochs": "40", "batches": "20", "batch": "16",
                                                                             "context": "8", "dropout": "0", "patience": "40", "lr": "0.01"]))
        let predictor = try estimator.fit(tiny, settings: FitSettings(horizon: 4, levels: [0.1, 0.5, 0.9], seed: 2)) as! NeuralPredictor
        let curve = predictor.trainingCurve
        #expect(curve.last!.trainingLoss < 0.15 * curve.first!.trainingLoss, "loss \(curve.first!.trainingLoss) → \(curve.last!.trainingLoss)")
        let forecast = try predictor.predict(tiny, horizon: 4, levels: [0.5])
        for (i, item) in forecast.items.enumerated() {
            let truth = (0..<4).map { pattern[(48 + $0 + i) % 4] }
            for h in 0..<4 { #expect(abs(item.point[h] - truth[h]) < 0.2 * truth[h], "series \(i) step \(h): \(item.point[h]) vs \(truth[h])") }
        }
    }

    /// A level outside the trained ones (p0.1 beyond p2.5) is extrapolated along a normal
    /// tail; on demand that is never negative it is clipped at zero like the trained ones
    /// (an mlp once gave DETERGENT-01 a p1 of −48).
    @Test func levelsBeyondTheTrainedOnesStayAtOrAboveZeroOnDemand() throws {
        var rng = SeededGenerator(seed: 5)
        let panel = Panel(series: (0..<4).map { i in Series(id: "s\(i)", values: (0..<60).map { _ in max(0, (3 + 2 * rng.normal()).rounded()) }) },
                          frequency: .steps, season: 4, hasTimestamps: false)
        let estimator = NeuralEstimator(.mlp, options: ModelOptions(["hidden": "8", "epochs": "2", "batches": "5", "batch": "16", "context": "8"]))
        let predictor = try estimator.fit(panel, settings: FitSettings(horizon: 3, levels: [0.1, 0.5, 0.9], seed: 1))
        let forecast = try predictor.predict(panel, horizon: 3, levels: [0.001, 0.5, 0.999])
        #expect(forecast.items.allSatisfy { $0.quantiles.allSatisfy { $0.allSatisfy { $0 >= 0 } } })
        #expect(forecast.items.contains { $0.quantiles[0].contains(0) }, "the far tail reaches zero here, so the clip is exercised")
    }

    /// With prices, promotions and a yearly cycle that seasonal naive cannot see (the price
    /// and promo of next week are known), the networks beat seasonal naive on wQL.
    @Test(arguments: [NeuralConfiguration.Architecture.mlp, .mqcnn])
    func beatsSeasonalNaiveWhereCovariatesMatter(_ architecture: NeuralConfiguration.Architecture) throws {
        let full = pricedPanel(series: 12, length: 130)
        let history = full.droppingLast([Int](repeating: 6, count: full.count))
        let future = FutureCovariates.recorded(in: full, after: history, horizon: 6)
        let estimator = NeuralEstimator(architecture, options: ModelOptions(["hidden": "16", "epochs": "15", "batches": "30", "batch": "32",
                                                                             "context": "26"]))
        let predictor = try estimator.fit(history, settings: FitSettings(horizon: 6, levels: [0.1, 0.5, 0.9], seed: 4))
        let levels = [0.1, 0.5, 0.9]
        let neural = try predictor.predict(history, future: future, horizon: 6, levels: levels)
        let naive = try LocalPredictor(name: "snaive", method: SeasonalNaive()).predict(history, future: future, horizon: 6, levels: levels)
        func wql(_ f: PanelForecast) -> Double { meanWQL(f, full: full, history: history) }
        #expect(wql(neural) < 0.8 * wql(naive), "\(architecture): wQL \(wql(neural)) vs snaive \(wql(naive))")
    }

    /// Series with a trend of their own and a season of 4: seasonal naive repeats last
    /// season's level and falls a season's growth behind (its quantiles, from its pooled
    /// in-sample errors, make up part of that on average); N-BEATS, reading the target alone,
    /// learns to carry each series' trend on and beats it on wQL.
    @Test func nbeatsBeatsSeasonalNaiveOnTrendingSeries() throws {
        var rng = SeededGenerator(seed: 7)
        let full = Panel(series: (0..<16).map { i in
            let level = 50 + 10 * Double(i), slope = 1 + 0.5 * Double(i % 5)
            return Series(id: "s\(i)", values: (0..<60).map { t in
                (level + slope * Double(t)) * (1 + 0.2 * [0.0, 1, 0, -1][t % 4]) + rng.normal()
            })
        }, frequency: .steps, season: 4, hasTimestamps: false)
        let horizon = 8, levels = [0.1, 0.5, 0.9]
        let history = full.droppingLast([Int](repeating: horizon, count: full.count))
        let estimator = NeuralEstimator(.nbeats, options: ModelOptions(["hidden": "32", "epochs": "40", "batches": "30", "batch": "32",
                                                                        "context": "16", "dropout": "0"]))
        let neural = try estimator.fit(history, settings: FitSettings(horizon: horizon, levels: levels, seed: 3))
            .predict(history, horizon: horizon, levels: levels)
        let naive = try LocalPredictor(name: "snaive", method: SeasonalNaive()).predict(history, horizon: horizon, levels: levels)
        func wql(_ f: PanelForecast) -> Double { meanWQL(f, full: full, history: history) }
        #expect(wql(neural) < 0.8 * wql(naive), "nbeats wQL \(wql(neural)) vs snaive \(wql(naive))")
    }

    /// Judged on the data's last two stretches within its one fit (as a combination judges its
    /// members), the net forecasts each before it has read it: a forecast does not change when
    /// the values of its stretch or of a later one do, while the finished net, which went on to
    /// train on them, does. With `validate=yes` (early stopping) it is not judged this way.
    @Test func aNetJudgedOnTheLastStretchesHasNotSeenThem() throws {
        let full = pricedPanel(series: 6, length: 60)
        func changing(_ range: Range<Int>) -> Panel {
            Panel(series: full.series.map { s in
                var s = s
                for t in range { s.values[s.count - t - 1] *= 3 }
                return s
            }, frequency: full.frequency, season: full.season, hasTimestamps: true, dynamicNames: full.dynamicNames, staticNames: full.staticNames)
        }
        let settings = FitSettings(horizon: 4, levels: [0.1, 0.5, 0.9], seed: 5)
        let options = ["hidden": "8", "epochs": "5", "batches": "6", "batch": "8", "context": "12"]
        func judge(_ panel: Panel, _ extra: [String: String] = [:]) throws -> (forecast: PanelForecast, heldOut: [PanelForecast]?) {
            let stretches = [1, 2].map { k in
                let upTo = panel.droppingLast([Int](repeating: 4 * (k - 1), count: panel.count))
                let history = upTo.droppingLast([Int](repeating: 4, count: panel.count))
                return HeldOutStretch(history: history, future: FutureCovariates.recorded(in: upTo, after: history, horizon: 4),
                                      horizon: 4, levels: [0.1, 0.5, 0.9])
            }
            let fitted = try NeuralEstimator(.mlp, options: ModelOptions(options.merging(extra) { $1 })).fit(panel, settings: settings, forecasting: stretches)
            return (try fitted.predictor.predict(stretches[0].history, future: stretches[0].future, horizon: 4, levels: [0.1, 0.5, 0.9]), fitted.heldOut)
        }
        let plain = try judge(full), heldOut = try #require(plain.heldOut)
        #expect(heldOut.count == 2 && heldOut.allSatisfy { $0.items.count == 6 && $0.items.allSatisfy { $0.horizon == 4 && $0.quantiles.count == 3 } })
        let lastChanged = try judge(changing(0..<4)), earlierChanged = try judge(changing(4..<8))
        #expect(lastChanged.heldOut?.map(\.items) == heldOut.map(\.items))
        #expect(earlierChanged.heldOut?[1].items == heldOut[1].items && earlierChanged.heldOut?[0].items != heldOut[0].items)
        #expect(lastChanged.forecast.items != plain.forecast.items)
        #expect(try judge(full, ["validate": "yes"]).heldOut == nil)
    }

    @Test func theSameSeedGivesTheSameModelAndSaveLoadKeepsIt() throws {
        let data = pricedPanel(series: 6, length: 80)
        let options = ModelOptions(["hidden": "8", "epochs": "2", "batches": "5", "batch": "8", "context": "12", "width": "4"])
        let settings = FitSettings(horizon: 4, levels: [0.1, 0.5, 0.9], seed: 11)
        let a = try NeuralEstimator(.mqtransformer, options: options).fit(data, settings: settings) as! NeuralPredictor
        let b = try NeuralEstimator(.mqtransformer, options: options).fit(data, settings: settings) as! NeuralPredictor
        let fa = try a.predict(data, horizon: 4, levels: [0.1, 0.5, 0.9])
        let fb = try b.predict(data, horizon: 4, levels: [0.1, 0.5, 0.9])
        #expect(fa.items == fb.items)
        #expect(a.trainingCurve.map(\.trainingLoss) == b.trainingCurve.map(\.trainingLoss))

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mqt-\(UInt32.random(in: 0...UInt32.max)).hzm").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try a.save(to: path)
        let (loaded, _) = try NeuralPredictor.load(from: path)
        #expect(loaded.configuration == a.configuration && loaded.layout == a.layout && loaded.training == a.training)
        #expect(try loaded.predict(data, horizon: 4, levels: [0.1, 0.5, 0.9]).items == fa.items)
    }

    @Test func badOptionsAreRefusedWithTheirReason() throws {
        let data = pricedPanel(series: 2, length: 30)
        let settings = FitSettings(horizon: 3, levels: [0.5], seed: 1)
        #expect(throws: HorizonError.self) { try NeuralEstimator(.mlp, options: ModelOptions(["forks": "3"])).fit(data, settings: settings) }
        do {
            _ = try NeuralEstimator(.mqcnn, options: ModelOptions(["past": "prize"])).fit(data, settings: settings)
            Issue.record("an unknown past covariate was accepted")
        } catch let error as HorizonError {
            #expect(error.message.contains("no numeric covariate 'prize'") && error.suggestion == "did you mean 'price'?")
        }
    }
}

@Suite struct NeuralLossTests {
    /// Two windows of one forecast and one step, locations 1 and 0, scales 1 and 10, one level
    /// (the median): standardised predictions 2 and 3 → 3 and 30 in data units; targets 4 and 10
    /// (standardised: 3 and 1).
    /// volume: pinball 0.5·|4 − 3| = 0.5 and 0.5·|10 − 30| = 10 → 2·10.5/(4 + 10) = 1.5;
    /// series: 0.5·|3 − 2| = 0.5 and 0.5·|1 − 3| = 1, a mean over the 2 targets → 0.75.
    @Test func standardisedAndVolumeLossesByHand() throws {
        let layout = try FeatureLayout.learn(from: Panel(series: [Series(id: "a", values: [1, 2])], frequency: .steps, season: 1,
                                                         hasTimestamps: false), pastNames: [])
        var batch = WindowBatch(size: 2, layout: layout, context: 2, forks: 1, horizon: 1)
        batch.location = [1, 0]
        batch.scale = [1, 10]
        batch.targets = [4, 10]
        batch.mask = [1, 1]
        let predictions = Tensor(shape: [2, 1, 1, 1], data: [2, 3])
        for (weighting, expected) in [(NeuralConfiguration.Weighting.volume, Float(1.5)), (.series, Float(0.75))] {
            let total = NeuralTrainer.lossDenominator(batch, weighting)
            let loss = NeuralTrainer.loss(predictions, batch: batch, levels: [0.5], weighting: weighting, absoluteTotal: total)
            #expect(abs(loss.scalar - expected) < 1e-6, "\(weighting): \(loss.scalar) vs \(expected)")
        }
    }
}
