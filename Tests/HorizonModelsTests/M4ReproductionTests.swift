import Foundation
import HorizonCore
@testable import HorizonData
import HorizonEvaluation
import Testing
@testable import HorizonModels
import HorizonForecast

/// The M4 data beside the repository (`../shared/datasets/m4`); tests that need it skip without it.
enum M4Files {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/datasets/m4").path
    static var available: Bool { FileManager.default.fileExists(atPath: root + "/Hourly-train.csv.xz") }

    /// Train and test of one frequency ("Hourly", "Weekly") as a holdout split.
    static func holdout(_ frequency: String) throws -> Holdout {
        let data = try PanelLoader.load(path: "\(root)/\(frequency)-train.csv.xz",
                                        options: LoadOptions(format: .rows, testPath: "\(root)/\(frequency)-test.csv.xz"),
                                        showProgress: false)
        return Holdout(splitting: data.panel, counts: data.testLengths!, steps: data.testLengths!.max()!)
    }

    /// The organisers' point forecasts of one benchmark ("SES", "Naive2", "sNaive") for the
    /// series whose ids start with `prefix`.
    static func official(_ method: String, prefix: String) throws -> [String: [Double]] {
        let reader = try CSVReader(path: "\(root)/benchmark_forecasts/submission-\(method).csv.xz")
        var record = CSVRecord()
        var out: [String: [Double]] = [:]
        _ = try reader.next(into: &record)  // header
        while try reader.next(into: &record) {
            let id = record.string(0)
            guard id.hasPrefix(prefix) else { continue }
            out[id] = (1..<record.count).compactMap { record.double($0) }.filter { !$0.isNaN }
        }
        return out
    }

    /// The largest relative difference |ours − official| / |official| over every series and step,
    /// with the series where it happens.
    static func maxRelativeDifference(_ ours: PanelForecast, _ official: [String: [Double]]) -> (value: Double, id: String) {
        var worst = (0.0, "")
        for item in ours.items {
            let reference = official[item.id]!
            precondition(reference.count == item.horizon, "\(item.id): \(reference.count) official steps, \(item.horizon) ours")
            for (a, b) in zip(item.point, reference) {
                let d = abs(a - b) / max(abs(b), 1e-12)
                if d > worst.0 { worst = (d, item.id) }
            }
        }
        return worst
    }
}

@Suite(.enabled(if: M4Files.available, "needs ../shared/datasets/m4"))
struct M4ReproductionTests {
    static let frequencies = [("Hourly", "H"), ("Weekly", "W")]

    func forecast(_ model: String, _ holdout: Holdout) throws -> PanelForecast {
        try ModelCatalog.spec(named: model)!.make(ModelOptions()).fit(holdout.train, settings: FitSettings(horizon: holdout.steps))
            .predict(holdout.train, horizon: holdout.steps, levels: [0.5])
    }

    /// Naive2 and seasonal naive have no optimiser: they must agree with the organisers' files
    /// to rounding (the files print 10 significant digits).
    @Test(arguments: frequencies)
    func naive2AndSeasonalNaiveReproduceTheOfficialForecasts(_ frequency: String, _ prefix: String) throws {
        let holdout = try M4Files.holdout(frequency)
        for (model, file) in [("naive2", "Naive2"), ("snaive", "sNaive")] {
            let worst = M4Files.maxRelativeDifference(try forecast(model, holdout), try M4Files.official(file, prefix: prefix))
            #expect(worst.value < 1e-6, "\(model) \(frequency): \(worst.value) at \(worst.id)")
        }
    }

    /// SES is R's `ets(y, "ANN", opt.crit = "mse")` on the adjusted series, fitted here by the
    /// same start values and the same Nelder–Mead. The differences, explained:
    /// - where the MSE optimum puts α on its upper bound 0.9999 (263 Hourly and 86 Weekly
    ///   series), the forecast does not depend on where the simplex stops, and ours agree with
    ///   the organisers' to 1e-6 (all but H397, whose optimum R found just inside the bound);
    /// - elsewhere the optimum is flat along a ridge of (α, ℓ₀), and Nelder–Mead stops, within
    ///   its tolerance of 1.5e-8 on the MSE, at a point that depends on every step of its path:
    ///   the organisers' run (R and forecast versions of 2018) stopped elsewhere on that ridge.
    ///   Changing our own tolerance from 1.5e-8 to 1e-8 moves W22's forecast from 3592.9 to
    ///   3595.3 (official 3595.2): differences of this size (at most 1e-3 relative) are the
    ///   optimiser's tolerance, not a different model. The scores show it: sMAPE and MASE agree
    ///   with the official SES to the third decimal.
    @Test(arguments: [("Hourly", "H", 18.094, 2.385), ("Weekly", "W", 9.012, 2.685)])
    func sesReproducesTheOfficialForecastsUpToTheOptimiserTolerance(_ frequency: String, _ prefix: String,
                                                                    smape: Double, mase: Double) throws {
        let holdout = try M4Files.holdout(frequency)
        let ours = try forecast("ses", holdout)
        let official = try M4Files.official("SES", prefix: prefix)
        var onBound = 0, interiorWorst = 0.0, boundMismatches: [String] = []
        for (item, series) in zip(ours.items, holdout.train.series) {
            let adjusted = SeasonalAdjustment.indices(series.values, season: holdout.train.season).map { idx in
                series.values.indices.map { series.values[$0] / idx[$0 % holdout.train.season] }
            } ?? series.values
            let fit = ETSEstimation().fit(adjusted, ETSComponents(.additive, .none, .none))!
            let difference = zip(item.point, official[item.id]!).map { abs($0 - $1) / abs($1) }.max()!
            if fit.alpha > 0.99989 {
                onBound += 1
                if difference >= 1e-6 { boundMismatches.append(item.id) }
            } else {
                interiorWorst = max(interiorWorst, difference)
            }
        }
        #expect(onBound > holdout.train.count / 10)
        // One Hourly series (H397) has our optimum on the bound and R's just inside it.
        #expect(boundMismatches.count * 100 <= onBound, "on the bound but different: \(boundMismatches)")
        #expect(interiorWorst < 1e-3)
        let scores = Evaluator.score(ours, on: holdout, levels: [0.5])
        #expect(abs(scores.smape - smape) < 0.005, "sMAPE \(scores.smape)")
        #expect(abs(scores.mase - mase) < 0.005, "MASE \(scores.mase)")
        print("SES \(frequency): α on the bound for \(onBound) series (over 1e-6: \(boundMismatches)), elsewhere at most \(interiorWorst); sMAPE \(scores.smape), MASE \(scores.mase)")
    }

    /// Theta and Damped have no official forecast files here, only the official scores: ours
    /// must land within 2% of the official sMAPE (Hourly 18.138 and 19.265, Weekly 9.093 and 8.866).
    @Test(arguments: [("Hourly", "theta", 18.138), ("Hourly", "damped", 19.265), ("Weekly", "theta", 9.093), ("Weekly", "damped", 8.866)])
    func thetaAndDampedLandWithinTwoPercentOfTheOfficialSMAPE(_ frequency: String, _ model: String, official: Double) throws {
        let holdout = try M4Files.holdout(frequency)
        let scores = Evaluator.score(try forecast(model, holdout), on: holdout, levels: [0.5])
        print("\(model) \(frequency): sMAPE \(scores.smape) (official \(official), \((scores.smape / official - 1) * 100)%), MASE \(scores.mase)")
        #expect(abs(scores.smape / official - 1) < 0.02)
    }
}
