import Foundation
import Testing
@testable import HorizonModels

/// statsforecast's box-constrained adaptive Nelder–Mead, searched four points per call.
@Suite struct BoxNelderMeadTests {
    /// Searching four points per call walks exactly the path of the one-point-at-a-time method
    /// it reorganises (written out plainly below), inside a box: on Rosenbrock's valley
    /// (reflections, expansions, both contractions), on a rugged bowl (a shrink toward a best
    /// vertex other than the first) and on a terraced rugged bowl (many shrinks, tied values).
    @Test func batchedSearchWalksTheSequentialPath() {
        func rosenbrock(_ x: [Double]) -> Double {
            var f = 0.0
            for i in 0..<(x.count - 1) { f += 100 * pow(x[i + 1] - x[i] * x[i], 2) + pow(1 - x[i], 2) }
            return f
        }
        func bowl(_ x: [Double]) -> Double {
            var f = 0.0
            for v in x { f += (v - 1) * (v - 1) }
            return f
        }
        func ripples(_ x: [Double]) -> Double {
            var f = 0.0
            for v in x { f += 0.2 * sin(40 * v) }
            return f
        }
        let functions: [([Double]) -> Double] = [
            rosenbrock,
            { bowl($0) + ripples($0) },
            { (4 * bowl($0)).rounded(.down) / 4 + ripples($0) },
        ]
        let start = [-1.2, 1.0, 0.5, -0.3, 2.0]
        let lower = [-2.0, -2, -2, -0.5, 0.8], upper = [2.0, 2, 2, 2, 2]
        let search = BoxNelderMead(tolerance: 1e-10, maxIterations: 400)
        for f in functions {
            let batched = search.minimize(start, lower: lower, upper: upper) { batch in
                var v = SIMD4<Double>()
                for j in 0..<4 { v[j] = f((0..<batch.dimension).map { batch[j, $0] }) }
                return v
            }
            let plain = Self.sequentialBoxNelderMead(start, lower: lower, upper: upper, tolerance: 1e-10, maxIterations: 400, f)
            #expect(batched.x == plain.x)
            #expect(batched.value == plain.value)
            #expect(batched.iterations == plain.iterations)
            for i in 0..<5 { #expect(batched.x[i] >= lower[i] && batched.x[i] <= upper[i]) }
        }
    }

    /// statsforecast's `nm::NelderMead` step by step, one evaluation at a time (adaptive
    /// coefficients, clamping, shrink of every vertex but the first), returning the best vertex.
    static func sequentialBoxNelderMead(_ x0: [Double], lower: [Double], upper: [Double], tolerance: Double,
                                        maxIterations: Int, _ f: ([Double]) -> Double) -> (x: [Double], value: Double, iterations: Int) {
        let n = x0.count, dn = Double(n)
        let gamma = 1 + 2 / dn, rho = 0.75 - 1 / (2 * dn), sigma = 1 - 1 / dn
        func clamp(_ x: [Double]) -> [Double] { (0..<n).map { min(max(x[$0], lower[$0]), upper[$0]) } }
        var simplex = [[Double]](repeating: clamp(x0), count: n + 1)
        for i in 0..<n { simplex[i][i] = simplex[i][i] == 0 ? 1e-4 : simplex[i][i] * 1.05; simplex[i] = clamp(simplex[i]) }
        var values = simplex.map(f)
        var iterations = 0
        while iterations < maxIterations {
            let mean = values.reduce(0, +) / Double(n + 1)
            if (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n + 1)).squareRoot() < tolerance { break }
            iterations += 1
            let order = (0...n).sorted { values[$0] < values[$1] }
            let best = order[0], worst = order[n], second = order[n - 1]
            var o = [Double](repeating: 0, count: n)
            for r in 0...n where r != worst { for i in 0..<n { o[i] += simplex[r][i] } }
            o = o.map { $0 / dn }
            let xr = clamp((0..<n).map { o[$0] + (o[$0] - simplex[worst][$0]) }), fr = f(xr)
            if values[best] <= fr && fr < values[second] { simplex[worst] = xr; values[worst] = fr; continue }
            if fr < values[best] {
                let xe = clamp((0..<n).map { o[$0] + gamma * (xr[$0] - o[$0]) }), fe = f(xe)
                if fe < fr { simplex[worst] = xe; values[worst] = fe } else { simplex[worst] = xr; values[worst] = fr }
                continue
            }
            if fr < values[worst] {
                let xc = clamp((0..<n).map { o[$0] + rho * (xr[$0] - o[$0]) }), fc = f(xc)
                if fc <= fr { simplex[worst] = xc; values[worst] = fc; continue }
            } else {
                let xc = clamp((0..<n).map { o[$0] - rho * (xr[$0] - o[$0]) }), fc = f(xc)
                if fc < values[worst] { simplex[worst] = xc; values[worst] = fc; continue }
            }
            for r in 1...n {
                simplex[r] = clamp((0..<n).map { simplex[best][$0] + sigma * (simplex[r][$0] - simplex[best][$0]) })
                values[r] = f(simplex[r])
            }
        }
        let best = (0...n).min { values[$0] < values[$1] }!
        return (simplex[best], values[best], iterations)
    }
}
