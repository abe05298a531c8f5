import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import Testing
@testable import HorizonModels
import HorizonForecast

/// `ets combine=akaike`: every candidate's forecast averaged with its Akaike weight.
@Suite struct ETSAveragingTests {
    /// An ETS(A,N,N) fit with a final level, a variance and −2 log L; one parameter on 100
    /// points, so its AICc is `likelihood` + 2 + 4/98.
    static func fit(level: Double, sigma2: Double = 1, likelihood: Double) -> ETSFit {
        ETSFit(components: ETSComponents(.additive, .none, .none), alpha: 0.5, beta: 0, gamma: 0, phi: 1, initialLevel: level,
               initialSlope: 0, initialSeason: [], level: level, slope: 0, season: [], n: 100, sigma2: sigma2,
               likelihood: likelihood, parameterCount: 1, converged: true)
    }

    /// −2 log L of 0, 1, 4 and 20 at the same parameter count and length, so ΔAICc = 0, 1, 4,
    /// 20 (given in reverse, to see them sorted): raw weights 1, e^−½ = 0.606531,
    /// e^−2 = 0.135335, e^−10 = 0.0000454; normalised the last is 0.000026, under 0.001, so it
    /// is dropped and the rest share 1.741866: 0.574097, 0.348207, 0.077696.
    @Test func akaikeWeightsByHand() {
        let fits = [0.0, 1, 4, 20].map { Self.fit(level: $0, likelihood: $0) }
        let weighted = ETSChoice.akaikeWeights(fits.reversed())
        #expect(weighted.map(\.fit.level) == [0, 1, 4])
        for (w, expected) in zip(weighted.map(\.weight), [0.574097, 0.348207, 0.077696]) { #expect(abs(w - expected) < 1e-6) }
        #expect(abs(weighted.map(\.weight).reduce(0, +) - 1) < 1e-12)
    }

    /// The forecast is the weighted mean of the candidates' points and of their quantiles at
    /// each level: two flat forecasts, 10 (sd 1) and 20 (sd 2), weighted ¾ and ¼.
    @Test func pointsAndQuantilesAreAveragedLevelByLevel() throws {
        let panel = Panel(series: [Series(id: "a", values: [10, 11, 9, 10])], frequency: .steps, season: 1, hasTimestamps: false)
        let (a, b) = (Self.fit(level: 10, likelihood: 0), Self.fit(level: 20, sigma2: 4, likelihood: 2 * log(3)))
        let blend = [ETSChoice.Weighted(fit: a, weight: 0.75), ETSChoice.Weighted(fit: b, weight: 0.25)]
        let predictor = ETSPredictor(auto: AutoETS(), paths: 10, seed: 1, averaging: true,
                                     fits: try SelectedFits(panel) { _ in .fitted(ETSChoice(best: a, blend: blend)) })
        let item = try predictor.predict(panel, horizon: 2, levels: [0.1, 0.5, 0.9]).items[0]
        let z = NormalDistribution.quantile(0.9)
        #expect(item.point.allSatisfy { abs($0 - 12.5) < 1e-12 })
        // h = 1: sd 1 and 2; h = 2: ×√(1 + α²) = √1.25.
        for (h, grow) in [(0, 1.0), (1, 1.25.squareRoot())] {
            #expect(abs(item.quantiles[2][h] - (0.75 * (10 + z * grow) + 0.25 * (20 + 2 * z * grow))) < 1e-9)
            #expect(abs(item.quantiles[0][h] - (0.75 * (10 - z * grow) + 0.25 * (20 - 2 * z * grow))) < 1e-9)
        }
        // The weights derived from the AICc agree: Δ = 2 log 3 gives e^−log 3 = ⅓ against 1, so ¾ and ¼.
        let derived = ETSChoice.akaikeWeights([a, b]).map(\.weight)
        #expect(abs(derived[0] - 0.75) < 1e-12 && abs(derived[1] - 0.25) < 1e-12)
    }

    /// Where AICc cannot tell the forms apart — short series of a level with a slope too small
    /// to see in 24 points —, the choice flips between a trend and none from series to series
    /// and the average, which hedges, errs less six steps ahead (measured: MASE 1.329 against
    /// 1.361, mean wQL 0.0214 against 0.0223).
    @Test func averagingBeatsChoosingWhereTheFormsAreCloseCalls() throws {
        var rng = SeededGenerator(seed: 3)
        let series = (0..<300).map { i -> Series in
            var level = 100.0
            let slope = 0.3 * rng.normal()
            return Series(id: "s\(i)", values: (0..<30).map { _ in level += slope + 1.5 * rng.normal(); return level + 2 * rng.normal() })
        }
        let panel = Panel(series: series, frequency: .steps, season: 1, hasTimestamps: false)
        let holdout = try #require(Holdout.trainable(panel, counts: Array(repeating: 6, count: 300), steps: 6).holdout)
        let settings = FitSettings(horizon: 6, levels: [0.1, 0.5, 0.9], seed: 1)
        func score(_ averaging: Bool) throws -> ModelScores {
            let predictor = try ETSEstimator(averaging: averaging).fit(holdout.train, settings: settings)
            let forecast = try predictor.predict(holdout.train, future: holdout.future, horizon: 6, levels: [0.1, 0.5, 0.9])
            return Evaluator.score(forecast, on: holdout, levels: [0.1, 0.5, 0.9])
        }
        let (chosen, averaged) = (try score(false), try score(true))
        #expect(averaged.mase < 0.99 * chosen.mase, "MASE averaged \(averaged.mase), chosen \(chosen.mase)")
        #expect(averaged.meanWQL < 0.99 * chosen.meanWQL, "wQL averaged \(averaged.meanWQL), chosen \(chosen.meanWQL)")
    }
}
