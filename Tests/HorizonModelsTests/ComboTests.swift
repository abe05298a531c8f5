import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonForecast
import Testing
@testable import HorizonModels

/// A predictor that forecasts the same numbers for every series: point p, quantiles q[level].
struct FixedPredictor: Predictor {
    let point: Double, quantiles: [Double]
    func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        PanelForecast(model: "fixed", items: history.series.map { s in
            ItemForecast(id: s.id, firstTime: history.time(of: s, at: s.count), point: Array(repeating: point, count: horizon),
                         levels: levels, quantiles: quantiles.map { Array(repeating: $0, count: horizon) })
        })
    }
}

@Suite struct ComboTests {
    static let panel = Panel(series: [Series(id: "a", values: [1, 2, 3])], frequency: .steps, season: 1, hasTimestamps: false)

    /// `count` AR(1) series of 240 points, φ = ½, around means 100…109, noise sd 5 (seeded).
    static func autoregressive(_ count: Int) -> Panel {
        var rng = SeededGenerator(seed: 5)
        let series = (0..<count).map { i -> Series in
            let mu = 100 + Double(i % 10)
            var x = mu
            return Series(id: "s\(i)", values: (0..<240).map { _ in x = mu + 0.5 * (x - mu) + 5 * rng.normal(); return x })
        }
        return Panel(series: series, frequency: .steps, season: 1, hasTimestamps: false)
    }

    /// Level by level: the mean of the members' quantiles, or their median; never crossing.
    @Test func quantilesAreCombinedLevelByLevel() throws {
        let members: [(name: String, predictor: any Predictor)] = [
            ("x", FixedPredictor(point: 10, quantiles: [8, 10, 12])),
            ("y", FixedPredictor(point: 20, quantiles: [10, 20, 40])),
            ("z", FixedPredictor(point: 30, quantiles: [29, 30, 31])),
        ]
        let mean = try ComboPredictor(members: members, method: .mean).predict(Self.panel, horizon: 2, levels: [0.1, 0.5, 0.9]).items[0]
        #expect(zip(mean.point + mean.quantiles.map(\.[0]), [20, 20, 47.0 / 3, 20, 83.0 / 3]).allSatisfy { abs($0 - $1) < 1e-12 })
        let median = try ComboPredictor(members: members, method: .median).predict(Self.panel, horizon: 2, levels: [0.1, 0.5, 0.9]).items[0]
        #expect(median.point == [20, 20] && median.quantiles.map(\.[1]) == [10, 20, 31])
        for q in [mean, median] { #expect(zip(q.quantiles, q.quantiles.dropFirst()).allSatisfy { zip($0, $1).allSatisfy { $0 <= $1 } }) }
    }

    /// AR(1) series with φ = ½ around their means: naive over-reacts to the last value and the
    /// mean ignores it; two steps ahead their average is nearer the best forecast
    /// (μ + φʰ(y_T − μ)) than either, so the combination's wQL is below both members'.
    @Test func theCombinationBeatsItsMembersWhereTheyErrOppositeWays() throws {
        let full = Self.autoregressive(200)
        let series = full.series
        let holdout = Holdout(splitting: full, counts: Array(repeating: 2, count: series.count), steps: 2)
        let settings = FitSettings(horizon: 2)
        let levels = [0.1, 0.5, 0.9]
        func score(_ estimator: any Estimator) throws -> Double {
            Evaluator.score(try estimator.fit(holdout.train, settings: settings).predict(holdout.train, horizon: 2, levels: levels),
                            on: holdout, levels: levels).meanWQL
        }
        let naive = try score(LocalEstimator(name: "naive", method: Naive()))
        let mean = try score(LocalEstimator(name: "mean", method: Mean()))
        let combo = try score(try ComboEstimator.spec.make(ModelOptions(["members": "naive,mean"])))
        #expect(combo < naive && combo < mean, "combo \(combo), naive \(naive), mean \(mean)")
    }

    /// Random walks: naive is far better than the mean; weights from the training data's last
    /// horizons give naive most of the weight, and the weighted combination is far better than
    /// the equal one.
    @Test func weightsFollowTheMembersValidationErrors() throws {
        var rng = SeededGenerator(seed: 8)
        let series = (0..<100).map { i -> Series in
            var x = 100.0
            return Series(id: "w\(i)", values: (0..<120).map { _ in x += 3 * rng.normal(); return x })
        }
        let full = Panel(series: series, frequency: .steps, season: 1, hasTimestamps: false)
        let holdout = Holdout(splitting: full, counts: Array(repeating: 4, count: series.count), steps: 4)
        let settings = FitSettings(horizon: 4)
        func fitted(_ method: String) throws -> (ComboPredictor, Double) {
            let predictor = try ComboEstimator.spec.make(ModelOptions(["members": "naive,mean", "method": method])).fit(holdout.train, settings: settings)
            let score = Evaluator.score(try predictor.predict(holdout.train, horizon: 4, levels: [0.1, 0.5, 0.9]), on: holdout, levels: [0.1, 0.5, 0.9])
            return (predictor as! ComboPredictor, score.meanWQL)
        }
        let (weighted, weightedLoss) = try fitted("weighted"), (_, equalLoss) = try fitted("mean")
        #expect(weighted.weights[0] > 0.7 && abs(weighted.weights.reduce(0, +) - 1) < 1e-12, "\(weighted.weights)")
        #expect(weightedLoss < equalLoss, "weighted \(weightedLoss), equal \(equalLoss)")
        #expect(weighted.fitSummary[0].hasPrefix("members: naive 0.") && weighted.fitSummary[0].contains("weighted mean"))
        // Stacked weights lean on naive further still, and do no worse than inverse-loss ones.
        let (stacked, stackedLoss) = try fitted("stacked")
        #expect(stacked.weights[0] > weighted.weights[0] && abs(stacked.weights.reduce(0, +) - 1) < 1e-12, "\(stacked.weights)")
        #expect(stackedLoss <= weightedLoss * 1.01, "stacked \(stackedLoss), weighted \(weightedLoss)")
    }

    /// Inverse-loss weights by hand: losses 0.1 and 0.3 give ¾ and ¼; a member that made no
    /// error takes all the weight (it got none before); one with no finite loss gets none.
    @Test func inverseLossWeightsByHand() {
        let weights = ComboEstimator.inverseLossWeights([0.1, 0.3])
        #expect(abs(weights[0] - 0.75) < 1e-12 && abs(weights[1] - 0.25) < 1e-12, "\(weights)")
        #expect(ComboEstimator.inverseLossWeights([0, 0.3, 0]) == [0.5, 0, 0.5])
        #expect(ComboEstimator.inverseLossWeights([.infinity, 0.2]) == [0, 1])
        #expect(ComboEstimator.inverseLossWeights([.infinity, .infinity]) == [0.5, 0.5])
    }

    /// Stacking by hand. Every level of a member is one value, so the pooled loss is
    /// 1.5·Σ|combined error| (ρ summed over p10, p50, p90 is 1.5·|e| either side). On 40
    /// actuals, member A errs +1 on the first 20 and −1 on the last 20, member B −1 then +3.
    /// With weight w on A the combined errors are 2w − 1 and 3 − 4w: for ½ ≤ w ≤ ¾ the loss is
    /// 20·1.5·(2 − 2w), rising on either side, so the minimum is at w = ¾ — where inverse-loss
    /// weights (A's mean |error| 1, B's 2) would give ⅔.
    @Test func stackedWeightsMinimiseTheCombinedLoss() throws {
        let actuals = (1...40).map { Double($0) }
        let levels = [0.1, 0.5, 0.9]
        func member(_ name: String, _ errors: (Int) -> Double) -> PanelForecast {
            PanelForecast(model: name, items: actuals.indices.map { i in
                let q = actuals[i] + errors(i)
                return ItemForecast(id: "s\(i)", firstTime: 0, point: [q], levels: levels, quantiles: [[q], [q], [q]])
            })
        }
        let a = member("a") { $0 < 20 ? 1 : -1 }, b = member("b") { $0 < 20 ? -1 : 3 }
        let validation = ComboEstimator.Validation(forecasts: [a, b], actuals: actuals.map { [$0] }, levels: levels,
                                                   weights: [2.0 / 3, 1.0 / 3], lengths: Array(repeating: 10, count: actuals.count))
        let stacked = ComboEstimator.stackedWeights(validation)
        #expect(abs(stacked[0] - 0.75) < 0.01 && abs(stacked.reduce(0, +) - 1) < 1e-12, "\(stacked)")
    }

    /// The calibration factor by hand: a member with median 0, p10 −1 and p90 1, validated on
    /// ±0.1, ±0.2, …, ±2.0. Above the median r = y, and the type-7 0.9-quantile of the 40 sorted
    /// values is at position 0.9·39 = 35.1: 1.6 + 0.1·(1.7 − 1.6) = 1.61. Below it r = −y, the
    /// same values, so the p10 factor is 1.61 too; between calibrated levels it is interpolated.
    @Test func theCalibrationFactorIsTheQuantileOfTheScaledErrors() throws {
        let actuals = (1...20).flatMap { [Double($0) / 10, -Double($0) / 10] }
        let series = actuals.indices.map { Series(id: "v\($0)", values: [0]) }
        let forecast = PanelForecast(model: "m", items: series.map {
            ItemForecast(id: $0.id, firstTime: 0, point: [0], levels: [0.1, 0.5, 0.9], quantiles: [[-1], [0], [1]])
        })
        let validation = ComboEstimator.Validation(forecasts: [forecast], actuals: actuals.map { [$0] }, levels: [0.1, 0.5, 0.9], weights: [1],
                                                   lengths: Array(repeating: 10, count: actuals.count))
        let scales = ComboPredictor.calibration(validation, combine: { $0[0] })
        #expect(scales.count == 2 && scales.allSatisfy { abs($0.scale - 1.61) < 1e-12 }, "\(scales)")
        let predictor = ComboPredictor(members: [("m", FixedPredictor(point: 0, quantiles: [-1, 0, 1]))], method: .mean,
                                       scales: [(0.1, 2), (0.25, 1.5), (0.75, 1), (0.9, 3)])
        #expect(predictor.scale(at: 0.2) == 2 - 0.5 * (0.1 / 0.15) && predictor.scale(at: 0.95) == 3 && predictor.scale(at: 0.5) == 1)
    }

    /// AR(1) series forecast by naive and the mean: their quantiles averaged cover the p10–p90
    /// interval more often than 80% (the combined centre is better than either member's, the
    /// width is their average). Calibrated on the training data's last horizon, the interval
    /// covers within 0.05 of 80% and the wQL does not get worse.
    @Test func calibrationBringsCoverageToWhatTheLevelsSay() throws {
        let full = Self.autoregressive(300)
        let holdout = Holdout(splitting: full, counts: Array(repeating: 4, count: full.count), steps: 4)
        let levels = [0.1, 0.5, 0.9]
        func score(_ calibrate: String) throws -> ModelScores {
            let predictor = try ComboEstimator.spec.make(ModelOptions(["members": "naive,mean", "calibrate": calibrate]))
                .fit(holdout.train, settings: FitSettings(horizon: 4))
            return Evaluator.score(try predictor.predict(holdout.train, horizon: 4, levels: levels), on: holdout, levels: levels)
        }
        let plain = try score("no"), calibrated = try score("yes")
        let (before, after) = (plain.intervals.last!.coverage, calibrated.intervals.last!.coverage)
        #expect(abs(after - 0.8) <= 0.05 && abs(after - 0.8) < abs(before - 0.8), "coverage \(before) → \(after)")
        #expect(calibrated.meanWQL <= plain.meanWQL * 1.01, "wQL \(plain.meanWQL) → \(calibrated.meanWQL)")
    }

    /// The default members, and the net fitted as the combination declares it (trained longer
    /// and wider than alone), whatever other members are named with it.
    @Test func theDefaultMembersAndTheNetsOptions() throws {
        let combo = try #require(try ComboEstimator.spec.make(ModelOptions()) as? ComboEstimator)
        #expect(combo.members.map(\.name) == ["ets", "arima", "autotheta", "damped", "qrf", "mlp", "nbeats"] && combo.method == .mean && !combo.calibrates)
        let named = try #require(try ComboEstimator.spec.make(ModelOptions(["members": "naive,mlp"])) as? ComboEstimator)
        let net = try #require(named.members.last?.estimator as? NeuralEstimator)
        #expect(net.options.integer("epochs") == 100 && net.options.integer("hidden") == 128 && net.options.integer("layers") == 4)
        #expect(named.members.first?.name == "naive")
    }

    /// A member named twice is fitted with a seed of its own, in the fit and in the validation
    /// fit: two forests grown from different draws forecast differently, and the first of each
    /// name keeps the session's seed.
    @Test func aRepeatedMemberDrawsItsOwnSeed() throws {
        let combo = try #require(try ComboEstimator.spec.make(ModelOptions(["members": "qrf,naive,qrf"])) as? ComboEstimator)
        let settings = FitSettings(horizon: 2, seed: 7)
        #expect(combo.memberSettings(0, settings).seed == 7 && combo.memberSettings(1, settings).seed == 7)
        #expect(combo.memberSettings(2, settings).seed != 7)
        let panel = Self.autoregressive(20)
        let fitted = try #require(try combo.fit(panel, settings: settings) as? ComboPredictor)
        let forests = try [0, 2].map { try fitted.members[$0].predictor.predict(panel, horizon: 2, levels: [0.1, 0.5, 0.9]) }
        #expect(forests[0].items[0].quantiles != forests[1].items[0].quantiles)
        let validation = try combo.fitJudging(panel, settings: settings).validation
        #expect(validation.forecasts[0].items[0].quantiles != validation.forecasts[2].items[0].quantiles)
    }

    /// With `origins=2` the members are judged on the training data's last two horizons: each
    /// forecast made from the history before its stretch, lined up with that stretch's actuals.
    @Test func membersAreJudgedOnSeveralOrigins() throws {
        let panel = Panel(series: [Series(id: "a", values: (1...20).map(Double.init)), Series(id: "b", values: (1...9).map(Double.init))],
                          frequency: .steps, season: 1, hasTimestamps: false)
        let combo = try #require(try ComboEstimator.spec.make(ModelOptions(["members": "naive,mean", "calibrate": "yes", "origins": "2"])) as? ComboEstimator)
        let v = try combo.fitJudging(panel, settings: FitSettings(horizon: 2)).validation
        #expect(v.actuals == [[19, 20], [8, 9], [17, 18], [6, 7]] && v.lengths == [18, 7, 16, 5])
        let naive = v.forecasts[0].items
        #expect(naive.map(\.id) == ["a", "b", "a", "b"] && naive.map { $0.point[0] } == [18, 7, 16, 5])
        #expect(v.forecasts[1].items.map { $0.point[0] } == [9.5, 4, 8.5, 3])
    }

    @Test func membersAreModelsOtherThanCombo() throws {
        let unknown = #expect(throws: HorizonError.self) { try ComboEstimator.spec.make(ModelOptions(["members": "ets,thета"])) }
        #expect(unknown?.message.hasPrefix("combo: 'thета' is not a model to combine") == true)
        #expect(throws: HorizonError.self) { try ComboEstimator.spec.make(ModelOptions(["members": "combo,ets"])) }
        #expect(throws: HorizonError.self) { try ComboEstimator.spec.make(ModelOptions(["members": "ets"])) }
    }
}
