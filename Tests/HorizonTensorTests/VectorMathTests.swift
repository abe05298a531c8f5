import Foundation
import Testing
@testable import HorizonTensor

/// The SIMD approximations against libm over their working ranges.
@Suite struct VectorMathTests {
    /// Evaluates `f` on `xs` through the SIMD kernel (with a tail, since the count is not a multiple of 16).
    func simd(_ xs: [Float], _ f: (VectorMath.V) -> VectorMath.V) -> [Float] {
        var out = [Float](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            VectorMath.map(xs.count, src.baseAddress!, dst.baseAddress!, f)
        } }
        return out
    }

    let grid: [Float] = (0...20_001).map { -20 + 40 * Float($0) / 20_001 }

    @Test func expIsWithinTwoUlps() {
        let xs = (0...30_003).map { -87 + 175.37 * Float($0) / 30_003 }
        for (x, y) in zip(xs, simd(xs, VectorMath.exp)) {
            let truth = Float(Foundation.exp(Double(x)))
            #expect(abs(y - truth) <= 2 * truth.ulp, "exp(\(x)) = \(y), libm \(truth)")
        }
    }

    @Test func logIsWithinTwoUlpsOrTinyAbsolute() {
        let xs = (1...30_000).map { Float($0) * 1e-3 } + [1e-30, 3.4e38, 1.0000001, 0.9999999]
        for (x, y) in zip(xs, simd(xs, VectorMath.log)) {
            let truth = Float(Foundation.log(Double(x)))
            #expect(abs(y - truth) <= max(2 * truth.ulp, 1e-7), "log(\(x)) = \(y), libm \(truth)")
        }
    }

    @Test func tanhAndSigmoidAreWithin3e7() {
        for (x, y) in zip(grid, simd(grid, VectorMath.tanh)) {
            #expect(abs(y - Float(Foundation.tanh(Double(x)))) <= 3e-7, "tanh(\(x)) = \(y)")
        }
        for (x, y) in zip(grid, simd(grid, VectorMath.sigmoid)) {
            #expect(abs(y - Float(1 / (1 + Foundation.exp(-Double(x))))) <= 3e-7, "sigmoid(\(x)) = \(y)")
        }
        // Far tails saturate instead of producing NaN.
        #expect(simd([-100, 100], VectorMath.tanh) == [-1, 1])
        #expect(simd([-200, 200], VectorMath.sigmoid).map { $0.isFinite } == [true, true])
    }

    /// The lane reductions find the sum and the largest lane wherever it sits, with −∞ lanes
    /// (masked keys) and lengths that end mid-vector.
    @Test func laneSumAndMaximumAreExact() {
        for n in [1, 15, 16, 17, 40, 168] {
            for position in [0, n / 2, n - 1] {
                // Small integers: every order of adding them gives the same float.
                var xs = (0..<n).map { Float(($0 * 37) % 101 - 50) }
                xs[position] = 1000
                let total = xs.reduce(0, +)
                xs.withUnsafeBufferPointer { p in
                    #expect(VectorMath.sum(n, p.baseAddress!) == total)
                    #expect(VectorMath.maximum(n, p.baseAddress!) == 1000)
                }
            }
        }
        var lanes = VectorMath.V(repeating: -.infinity)
        lanes[11] = -3
        #expect(VectorMath.maximum(lanes) == -3)
        #expect(VectorMath.sum(VectorMath.V((0..<16).map(Float.init))) == 120)
    }
}
