import Foundation
import Testing
@testable import HorizonModels

/// The four-lane likelihood pass that AutoETS's search evaluates its points with.
@Suite struct ETSLanesTests {
    /// The four-lane pass gives each lane the scalar recursion's likelihood, for every shape.
    @Test func laneLikelihoodEqualsTheScalarRecursion() throws {
        // A positive monthly series with trend, season and some irregularity.
        let y = (0..<144).map { t in 100 + Double(t) + 20 * sin(2 * Double.pi * Double(t) / 12) + 7 * sin(Double(t * t % 17)) }
        let m = 12
        let season = (0..<m).map { 1 + 0.2 * sin(2 * Double.pi * Double($0) / 12) }
        for error in ETSComponents.Error.allCases {
            for trend in ETSComponents.Trend.allCases {
                for seasonality in ETSComponents.Season.allCases {
                    let c = ETSComponents(error, trend, seasonality)
                    var start = ETSLanes.Start()
                    var lanes = [SIMD4<Double>](repeating: SIMD4(), count: c.isSeasonal ? m : 1)
                    var expected = SIMD4<Double>()
                    for j in 0..<4 {
                        let alpha = 0.1 + 0.2 * Double(j), beta = trend == .none ? 0 : 0.01 * Double(j + 1)
                        let gamma = c.isSeasonal ? 0.05 : 0, phi = trend == .damped ? 0.9 : 1
                        let l0 = 110 + Double(j), b0 = trend == .none ? 0 : 1.5
                        var ring = c.season == .additive ? season.map { 100 * ($0 - 1) } : season
                        if !c.isSeasonal { ring = [0] }
                        for k in 0..<ring.count { lanes[k][j] = ring[k] }
                        start.alpha[j] = alpha; start.beta[j] = beta; start.gamma[j] = gamma; start.phi[j] = phi
                        start.level[j] = l0; start.slope[j] = b0
                        var level = l0, slope = b0
                        let pass = y.withUnsafeBufferPointer { yb in
                            ring.withUnsafeMutableBufferPointer {
                                ETSRecursion.run(yb, c, alpha: alpha, beta: beta, gamma: gamma, phi: phi, level: &level, slope: &slope, ring: $0, trackMSE: false)
                            }
                        }
                        expected[j] = ETSEstimation.likelihood(pass, n: Double(y.count), c)
                    }
                    let got = try #require(y.withUnsafeBufferPointer { yb in
                        lanes.withUnsafeMutableBufferPointer { ETSLanes.likelihood(yb, c, start, ring: $0) }
                    })
                    for j in 0..<4 { #expect(abs(got[j] - expected[j]) <= 1e-12 * abs(expected[j]), "\(c) lane \(j)") }
                }
            }
        }
    }

    /// A one-step forecast of exactly 0 has log|μ| = −∞: the block product cannot carry it, so
    /// the lane pass declines and the estimation falls back to per-observation logarithms.
    @Test func laneLikelihoodDeclinesAZeroForecast() {
        var start = ETSLanes.Start()
        start.alpha = SIMD4(repeating: 0.5)
        start.level = SIMD4(1, 1, 0, 1)
        var ring = [SIMD4<Double>(repeating: 0)]
        let y: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        let result = y.withUnsafeBufferPointer { yb in
            ring.withUnsafeMutableBufferPointer { ETSLanes.likelihood(yb, ETSComponents(.multiplicative, .none, .none), start, ring: $0) }
        }
        #expect(result == nil)
    }
}
