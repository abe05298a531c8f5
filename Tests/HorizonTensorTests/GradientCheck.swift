import HorizonCore
import Testing
@testable import HorizonTensor

/// Finite-difference checks of backward passes.
///
/// The engine computes in Float32, so a plain central difference is dominated by rounding:
/// with L = Σ wᵢ·fᵢ of order 10 and Float32 results good to ~1e-6 relative, a step ε = 1e-3
/// would carry ~1e-2 of rounding error. The check therefore
/// - sums L in Double from the Float32 outputs (removing the final summation's error),
/// - uses the step actually taken, (x + ε) − x in Float32, as the denominator,
/// - and uses Richardson extrapolation, (4·D(ε/2) − D(ε))/3 with ε = 0.04, whose truncation
///   error is O(ε⁴·|f⁽⁵⁾|) ≈ 3e-6 for smooth ops, so ε can be large and rounding error small
///   (≈ 1e-6·|L|/ε ≈ 3e-4 for |L| ≈ 10).
/// Measured on every op below, the largest error is ≈ 2e-5·(1 + |analytic|); the tolerance
/// |numeric − analytic| ≤ 5e-4·(1 + |analytic|) leaves a 25× margin for other machines and
/// seeds, while a wrong derivative is off by O(|analytic|): a 10% error in one LSTM gate's
/// derivative alone fails dozens of elements. Inputs of kinked ops (ReLU, pinball) are kept
/// more than ε away from the kinks.
struct GradientCheck {
    var rng = SeededGenerator(seed: 11)

    mutating func tensor(_ shape: [Int], in range: ClosedRange<Float> = -1...1) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, data: (0..<n).map { _ in range.lowerBound + Float(rng.uniform()) * (range.upperBound - range.lowerBound) },
                      requiresGrad: true)
    }

    /// Checks ∂L/∂x for every element of every input, with L = Σ wᵢ·f(inputs)ᵢ for fixed random
    /// weights w in [0.5, 1.5]. Returns the largest error seen, relative to the tolerance.
    @discardableResult
    mutating func check(_ inputs: [Tensor], sourceLocation: Testing.SourceLocation = #_sourceLocation,
                        _ f: ([Tensor]) -> Tensor) -> Float {
        let probe = Autograd.withoutGradients { f(inputs) }
        let weights = (0..<probe.count).map { _ in Float(rng.uniform()) + 0.5 }
        let weightTensor = Tensor(shape: probe.shape, data: weights)
        func loss() -> Double {
            let out = Autograd.withoutGradients { f(inputs) }
            var s = 0.0
            for (o, w) in zip(out.scalars, weights) { s += Double(o) * Double(w) }
            return s
        }
        for x in inputs { x.zeroGrad() }
        (f(inputs) * weightTensor).sum().backward()
        var worst: Float = 0
        for (n, x) in inputs.enumerated() where x.requiresGrad {
            let analytic = x.gradient ?? [Float](repeating: 0, count: x.count)
            for k in 0..<x.count {
                func difference(_ eps: Float) -> Double {
                    let original = x.buffer[k]
                    x.buffer[k] = original + eps
                    let hUp = Double(x.buffer[k]) - Double(original)
                    let up = loss()
                    x.buffer[k] = original - eps
                    let hDown = Double(original) - Double(x.buffer[k])
                    let down = loss()
                    x.buffer[k] = original
                    return (up - down) / (hUp + hDown)
                }
                let numeric = Float((4 * difference(0.02) - difference(0.04)) / 3)
                let tolerance = 5e-4 * (1 + abs(analytic[k]))
                let error = abs(numeric - analytic[k])
                worst = max(worst, error / tolerance)
                #expect(error <= tolerance, "input \(n) element \(k): numeric \(numeric), analytic \(analytic[k])",
                        sourceLocation: sourceLocation)
            }
        }
        return worst
    }
}
