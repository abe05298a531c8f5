import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import Testing
@testable import HorizonModels

@Suite struct SeasonalityTests {
    /// A strongly seasonal positive series of length 120 (m = 12).
    func seasonal(_ n: Int = 120, noise: Double = 0.02, seed: UInt64 = 1) -> [Double] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { t in 100 * (1 + 0.3 * sin(2 * Double.pi * Double(t) / 12)) * (1 + noise * rng.normal()) }
    }

    @Test func acfMatchesADirectComputation() {
        let y: [Double] = [1, 3, 2, 5, 4]
        // mean 3; deviations −2, 0, −1, 2, 1; c0 = 10; c1 = (0 + 0 − 2 + 2)/… = (−2·0 + 0·−1 + −1·2 + 2·1) = 0
        let r = SeasonalAdjustment.autocorrelations(y, maxLag: 2)
        #expect(r[0] == 1)
        #expect(r[1] == 0)
        #expect(abs(r[2] - (((-2) * (-1) + 0 * 2 + (-1) * 1) / 10.0)) < 1e-15)
    }

    @Test func theM4TestFindsSeasonalityAndRespectsRsLagMax() {
        #expect(SeasonalAdjustment.isSeasonal(seasonal(), season: 12))
        var rng = SeededGenerator(seed: 5)
        #expect(!SeasonalAdjustment.isSeasonal((0..<120).map { _ in 100 + rng.normal() }, season: 12))
        // n = 200, m = 52: R's acf stops at lag ⌊10·log10 200⌋ = 23, so M4 calls it non-seasonal.
        #expect(!SeasonalAdjustment.isSeasonal((0..<200).map { 100 + 30 * sin(2 * Double.pi * Double($0) / 52) }, season: 52))
        #expect(!SeasonalAdjustment.isSeasonal(seasonal(30), season: 12))  // shorter than 3 seasons
    }

    /// A series the test finds seasonal but with a zero or a negative value is not adjusted
    /// (the decomposition divides by it): the note says so rather than count it as adjusted.
    @Test func theNaive2NoteSaysWhichSeasonalSeriesAreLeftUnadjusted() {
        var zero = seasonal()
        zero[5] = 0
        let panel = Panel(series: [Series(id: "S", values: seasonal()), Series(id: "Z", values: zero)], frequency: .monthly, season: 12, hasTimestamps: false)
        #expect(SeasonalAdjustment.indices(zero, season: 12) == nil)
        #expect(SeasonalAdjustment.test(panel).description
            == "naive2: 2 of 2 series passed the seasonality test at lag 12 (1 of them not adjusted: M4's multiplicative decomposition needs values above zero); the others are forecast by naive")
    }

    @Test func multiplicativeFigureRecoversThePattern() {
        let pattern: [Double] = [0.8, 1.0, 1.2, 1.0]
        let y = (0..<40).map { 50 * pattern[$0 % 4] }
        let figure = SeasonalAdjustment.multiplicativeFigure(y, season: 4)
        for k in 0..<4 { #expect(abs(figure[k] - pattern[k]) < 1e-12) }
    }

    @Test func seasonalModelsBeatNaiveOnSeasonalData() throws {
        let series = (0..<30).map { seasonal(132, noise: 0.05, seed: UInt64($0)) }
        let full = Panel(series: series.enumerated().map { Series(id: "s\($0.offset)", values: $0.element) },
                         frequency: .monthly, season: 12, hasTimestamps: false)
        let holdout = Holdout(splitting: full, counts: Array(repeating: 12, count: 30), steps: 12)
        func wql(_ method: some PointMethod, _ name: String) throws -> Double {
            let f = try LocalPredictor(name: name, method: method).predict(holdout.train, horizon: 12, levels: [0.1, 0.5, 0.9])
            return Evaluator.score(f, on: holdout, levels: [0.1, 0.5, 0.9]).meanWQL
        }
        let naive = try wql(Naive(), "naive")
        #expect(try wql(SeasonalNaive(), "snaive") < 0.5 * naive)
        #expect(try wql(Naive2(), "naive2") < 0.5 * naive)
    }
}
