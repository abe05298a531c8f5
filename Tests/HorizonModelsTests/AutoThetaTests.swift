import Foundation
import HorizonCore
import HorizonData
import HorizonForecast
import Testing
@testable import HorizonModels

@Suite struct AutoThetaTests {
    /// A random walk with drift, seeded.
    static func walk(_ n: Int, drift: Double, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        var level = 100.0
        return (0..<n).map { _ in
            level += drift + generator.normal()
            return level
        }
    }

    /// The standard model's forecasts rise by exactly half the whole sample's least-squares
    /// slope per step, whatever α and ℓ₀: with θ = 2 the recursion is SES with drift B/2
    /// (Hyndman & Billah 2003), worked through by hand in the recursion's terms.
    @Test func theStandardModelDriftsByHalfTheSlope() throws {
        let x = Self.walk(40, drift: 0.8, seed: 3)
        let slope = RMath.lineFit(x).slope
        for alpha in [0.1, 0.45, 0.99] {
            let fit = AutoTheta.Fit(variant: .standard, initialLevel: x[0] / 2, alpha: alpha, theta: 2, criterion: 0, sigma: 1)
            let path = AutoTheta.path(x, fit, horizon: 6)
            for (a, b) in zip(path, path.dropFirst()) { #expect(abs(b - a - slope / 2) < 1e-9) }
        }
    }

    /// With θ = 1 the trend term vanishes: every variant is simple exponential smoothing, whose
    /// forecast is the last level, flat.
    @Test func thetaOneIsSimpleExponentialSmoothing() throws {
        let x = Self.walk(30, drift: 0.5, seed: 4)
        var level = 0.3 * x[0] + 0.7 * 50
        for y in x.dropFirst() { level = 0.3 * y + 0.7 * level }
        for variant in [AutoTheta.Variant.optimised, .dynamicOptimised] {
            let fit = AutoTheta.Fit(variant: variant, initialLevel: 50, alpha: 0.3, theta: 1, criterion: 0, sigma: 1)
            #expect(AutoTheta.path(x, fit, horizon: 4).allSatisfy { abs($0 - level) < 1e-9 })
        }
    }

    /// The dynamic models' running update of the line is least squares on the data so far: after
    /// the whole series it is the line fitted to all of it, so no step of the fit used data
    /// after it and the last step agrees with the standard models' line.
    @Test func theDynamicLineIsLeastSquaresOnTheDataSoFar() throws {
        let x = Self.walk(25, drift: -0.3, seed: 5)
        for end in [5, 12, 25] {
            let prefix = Array(x.prefix(end))
            var state = AutoTheta.start(prefix, .dynamicStandard, level: 0, alpha: 0.5)
            for i in 1..<prefix.count { state.update(prefix[i], i, alpha: 0.5, dynamic: true) }
            let line = RMath.lineFit(prefix)
            #expect(abs(state.b - line.slope) < 1e-9 && abs(state.a - line.intercept) < 1e-9)
        }
    }

    /// On trending series the chosen model follows the trend: its MASE over the next six steps
    /// is below the naive forecast's on a panel of drifting walks, and the variant chosen per
    /// series is one that fits a trend.
    @Test func itFollowsATrendWhereNaiveCannot() throws {
        var theta = 0.0, naive = 0.0
        for seed in 1...20 as ClosedRange<UInt64> {
            let y = Self.walk(46, drift: 2, seed: seed)
            let (train, test) = (Array(y.prefix(40)), Array(y.suffix(6)))
            let forecast = try #require(AutoTheta().forecast(train, horizon: 6, season: 1))
            theta += zip(forecast.point, test).reduce(0) { $0 + abs($1.0 - $1.1) }
            naive += test.reduce(0) { $0 + abs($1 - train.last!) }
            #expect(forecast.sd.allSatisfy { $0 > 0 } && zip(forecast.sd, forecast.sd.dropFirst()).allSatisfy { $0 <= $1 })
        }
        #expect(theta < 0.6 * naive, "AutoTheta's absolute error \(theta) against naive's \(naive)")
    }

    /// The fit picks the variant with the smallest criterion, and the optimised variants never
    /// lose to their standard ones by much: θ = 2 is their start.
    @Test func theSelectionTakesTheBestFit() throws {
        let x = Self.walk(60, drift: 1, seed: 9)
        let fits = AutoTheta.Variant.allCases.compactMap { AutoTheta.fit(x, $0) }
        #expect(fits.count == 4)
        let chosen = try #require(AutoTheta().select(x))
        #expect(chosen.criterion == fits.map(\.criterion).min())
        let value = Dictionary(uniqueKeysWithValues: fits.map { ($0.variant, $0.criterion) })
        #expect(value[.optimised]! <= value[.standard]! * 1.001 && value[.dynamicOptimised]! <= value[.dynamicStandard]! * 1.001)
        #expect(AutoTheta().select([1, 2, 3, 4]) == nil)
    }

    /// `report autotheta ITEM` names the variant chosen and its parameters, and says when a
    /// series is too short for any.
    @Test func theReportNamesTheChosenVariant() throws {
        let x = Self.walk(30, drift: 1, seed: 2)
        let panel = Panel(series: [Series(id: "a", values: x), Series(id: "b", values: [1, 2, 3])], frequency: .steps, season: 1,
                          hasTimestamps: false)
        let estimator = GaussianLocalEstimator(name: "autotheta", method: AutoTheta())
        let predictor = try estimator.fit(panel, settings: FitSettings(horizon: 4))
        let report = try #require(predictor as? any ReportsItem).itemReport(panel.series[0], in: panel)
        let chosen = try #require(AutoTheta().select(x))
        #expect(report[0].hasPrefix(chosen.variant.rawValue) && report[1].contains("θ \(NumberFormat.fixed(chosen.theta, 3))"))
        #expect(estimator.itemReport(panel.series[1], in: panel)[0].hasPrefix("too short"))
    }
}
