import Foundation
import HorizonCore
import HorizonData
import HorizonTensor
import Testing
@testable import HorizonModels
import HorizonForecast

/// The design choices that make the networks hold up on real data (M4 Hourly), each with the
/// behaviour it exists for.
@Suite(.serialized) struct NeuralDesignTests {
    /// Hourly-like series: a fixed daily shape at a high level, with noise of 0.1 % of it.
    static func nearDeterministic(series: Int = 6, length: Int = 24 * 16, noise: Double = 1, seed: UInt64 = 5) -> Panel {
        var rng = SeededGenerator(seed: seed)
        return Panel(series: (0..<series).map { i in
            let level = 1000 + 200 * Double(i)
            let values = (0..<length).map { t in level + 0.2 * level * sin(2 * Double.pi * Double(t % 24) / 24 + Double(i)) + noise * rng.normal() }
            return Series(id: "s\(i)", values: values)
        }, frequency: .steps, season: 24, hasTimestamps: false)
    }

    static func fit(_ architecture: NeuralConfiguration.Architecture, _ panel: Panel, options: [String: String] = [:], horizon: Int,
                    seed: UInt64 = 3) throws -> NeuralPredictor {
        let base = ["hidden": "32", "epochs": "40", "batches": "20", "batch": "32", "context": "48"]
        return try NeuralEstimator(architecture, options: ModelOptions(base.merging(options) { $1 }))
            .fit(panel, settings: FitSettings(horizon: horizon, levels: [0.1, 0.5, 0.9], seed: seed)) as! NeuralPredictor
    }

    /// A series that barely moves around a high level is forecast within a few times its own
    /// noise (σ = 1 on a level of 1000 swinging ±200). Dividing by the level alone, with
    /// dropout in front of the quantile head, left errors of several noise widths on such
    /// series (M4 Hourly's third: MASE 2.84 against seasonal naive's 1.29).
    @Test(arguments: [NeuralConfiguration.Architecture.mlp, .mqcnn])
    func aNearDeterministicSeriesIsForecastWithinItsNoise(_ architecture: NeuralConfiguration.Architecture) throws {
        let full = Self.nearDeterministic()
        let horizon = 24
        let train = Panel(series: full.series.map { Series(id: $0.id, values: Array($0.values.dropLast(horizon))) },
                          frequency: .steps, season: 24, hasTimestamps: false)
        let predictor = try Self.fit(architecture, train, horizon: horizon)
        let forecast = try predictor.predict(train, horizon: horizon, levels: [0.5])
        var absolute = 0.0, count = 0.0
        for (k, item) in forecast.items.enumerated() {
            for h in 0..<horizon {
                absolute += abs(item.point[h] - full.series[k].values[train.series[k].count + h])
                count += 1
            }
        }
        let mae = absolute / count
        // Seasonal naive's error here is √2 ≈ 1.13 (mean |difference of two noises|); the swing is ±200.
        print("near-deterministic \(architecture): MAE \(mae)")
        #expect(mae < 6, "\(architecture): MAE \(mae) on noise of σ = 1")
    }

    /// With `baseline=seasonal` the network's output is a correction to the seasonal naive
    /// value: a network whose weights are all zero forecasts exactly that value as its median.
    @Test(arguments: [NeuralConfiguration.Architecture.mlp, .mqcnn, .mqtransformer])
    func aZeroNetworkForecastsTheSeasonalBaseline(_ architecture: NeuralConfiguration.Architecture) throws {
        let panel = Self.nearDeterministic(series: 3, length: 24 * 6, noise: 5)
        let horizon = 30  // past one season: the latest same-hour value is a day before the forecast
        let predictor = try Self.fit(architecture, panel, options: ["epochs": "1", "batches": "1", "baseline": "seasonal"], horizon: horizon)
        #expect(predictor.configuration.baseline == .seasonal)
        let store = predictor.network.parameters
        store.restore(store.snapshot().map { [Float](repeating: 0, count: $0.count) })
        let forecast = try predictor.predict(panel, horizon: horizon, levels: [0.5])
        for (i, item) in forecast.items.enumerated() {
            let y = panel.series[i].values, n = y.count
            for h in 0..<horizon {
                let lag = n + h - 24 * ((h + 24) / 24)  // the latest same-hour point before the forecast
                #expect(abs(item.point[h] - y[lag]) < 1e-3 * abs(y[lag]), "\(architecture) series \(i) step \(h + 1)")
            }
        }
    }

    /// On series that are a level plus symmetric noise, the median sits at the level: as many
    /// actuals fall below it as above.
    @Test func theMedianIsUnbiasedOnSymmetricNoise() throws {
        var rng = SeededGenerator(seed: 8)
        let length = 200, horizon = 8
        let panel = Panel(series: (0..<8).map { i in
            Series(id: "n\(i)", values: (0..<(length + horizon)).map { _ in 100 * Double(i + 1) + 10 * Double(i + 1) * rng.normal() })
        }, frequency: .steps, season: 1, hasTimestamps: false)
        let train = Panel(series: panel.series.map { Series(id: $0.id, values: Array($0.values.dropLast(horizon))) },
                          frequency: .steps, season: 1, hasTimestamps: false)
        let predictor = try Self.fit(.mlp, train, horizon: horizon)
        let forecast = try predictor.predict(train, horizon: horizon, levels: [0.1, 0.5, 0.9])
        var below = 0.0, total = 0.0, bias = 0.0
        for (k, item) in forecast.items.enumerated() {
            let level = 100 * Double(k + 1)
            for h in 0..<horizon {
                if panel.series[k].values[length + h] < item.point[h] { below += 1 }
                total += 1
                bias += (item.point[h] - level) / level
            }
        }
        #expect(abs(bias / total) < 0.03, "median off the level by \(bias / total)")
        #expect(abs(below / total - 0.5) < 0.15, "\(below / total) of actuals below the median")
    }

    /// With `validate=yes` the validation period is the end of what `fit` is given — the
    /// training range — so values after it (the session's holdout) cannot change the model.
    @Test func validationNeverSeesDataAfterTheTrainingRange() throws {
        /// The first 72 points of every series: the training range, as a session's holdout cuts it.
        func trainingRange(_ panel: Panel) -> Panel {
            Panel(series: panel.series.map { s in
                var kept = s
                kept.values = Array(s.values.prefix(72))
                kept.dynamic = s.dynamic.mapValues { Array($0.prefix(72)) }
                return kept
            }, frequency: panel.frequency, season: panel.season, hasTimestamps: true, dynamicNames: panel.dynamicNames, staticNames: panel.staticNames)
        }
        let panel = pricedPanel(series: 6, length: 80)
        let options = ["validate": "yes", "epochs": "6", "patience": "3"]
        let a = try Self.fit(.mlp, trainingRange(panel), options: options, horizon: 4)
        // The same training range with different values after it (as another holdout would have).
        var changed = panel
        for i in changed.series.indices { for t in 72..<80 { changed.series[i].values[t] = 1e6 } }
        let b = try Self.fit(.mlp, trainingRange(changed), options: options, horizon: 4)
        #expect(a.training.epochs.map(\.trainingLoss) == b.training.epochs.map(\.trainingLoss))
        #expect(a.training.epochs.map(\.validationWQL) == b.training.epochs.map(\.validationWQL))
        #expect(a.training.epochs.allSatisfy { $0.validationWQL != nil })
        #expect(a.network.parameters.snapshot() == b.network.parameters.snapshot())
    }

    /// The same seed gives the same weights, with and without validation; by default every
    /// epoch runs and the last is kept.
    @Test(arguments: [["validate": "no"], ["validate": "yes", "patience": "2"]])
    func theSameSeedGivesTheSameWeights(_ options: [String: String]) throws {
        let panel = pricedPanel(series: 5, length: 60)
        let a = try Self.fit(.mqcnn, panel, options: options.merging(["epochs": "4", "hidden": "8"]) { $1 }, horizon: 3)
        let b = try Self.fit(.mqcnn, panel, options: options.merging(["epochs": "4", "hidden": "8"]) { $1 }, horizon: 3)
        #expect(a.network.parameters.snapshot() == b.network.parameters.snapshot())
        #expect(a.training.epochs.map(\.trainingLoss) == b.training.epochs.map(\.trainingLoss) && a.training.bestEpoch == b.training.bestEpoch)
        if options["validate"] == "no" {
            #expect(a.training.bestEpoch == 4 && a.training.epochs.allSatisfy { $0.validationWQL == nil })
        }
    }

    /// The learning rate follows a cosine from `lr` down to a tenth of it.
    @Test func theScheduleDecaysToATenth() {
        #expect(NeuralTrainer.learningRate(1e-3, step: 0, of: 100) == 1e-3)
        #expect(abs(NeuralTrainer.learningRate(1e-3, step: 99, of: 100) - 1e-4) < 1e-9)
        #expect(abs(NeuralTrainer.learningRate(1e-3, step: 49, of: 99) - 5.5e-4) < 1e-8)
    }

    /// The head is anchored at the median: its quantiles never cross, whatever its inputs.
    @Test func theHeadIsAnchoredAtTheMedianAndNeverCrosses() throws {
        let store = ParameterStore()
        var rng = SeededGenerator(seed: 2)
        let head = QuantileHead(store, "h", input: 3, levels: [0.025, 0.1, 0.5, 0.9, 0.975], generator: &rng)
        #expect(head.monotone.median == 2)
        let x = Tensor(shape: [50, 3], data: (0..<150).map { _ in Float(rng.normal() * 20) })
        let out = head(x).scalars
        for row in 0..<50 {
            for l in 1..<5 { #expect(out[row * 5 + l] >= out[row * 5 + l - 1]) }
        }
        // The median is the projection's own output for that level.
        let raw = head.projection(x).scalars
        for row in 0..<50 { #expect(out[row * 5 + 2] == raw[row * 5 + 2]) }
    }
}
