import Foundation
import HorizonCore
import Testing
@testable import HorizonTensor

/// Finite-difference checks of every op's backward pass.
///
/// Tolerance: the engine is Float32, so central differences use ε = 1e-2 on inputs of order 1.
/// Their error is about ε²·|f'''|/6 + (rounding ≈ 1e-6)/ε ≈ 1e-4, while a wrong derivative is
/// off by O(1); |numeric − analytic| ≤ 1e-2·max(1, |numeric|) separates the two.
struct GradientCheck {
    var rng = SeededGenerator(seed: 11)

    mutating func tensor(_ shape: [Int], in range: ClosedRange<Float> = -1...1) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, data: (0..<n).map { _ in range.lowerBound + Float(rng.uniform()) * (range.upperBound - range.lowerBound) },
                      requiresGrad: true)
    }

    /// Checks ∂L/∂input for every input, with L = Σ w·f(inputs) for fixed random weights w.
    mutating func check(_ inputs: [Tensor], _ f: ([Tensor]) -> Tensor, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let probe = f(inputs)
        let weights = Tensor(shape: probe.shape, data: (0..<probe.count).map { _ in Float(rng.uniform()) + 0.5 })
        func loss() -> Tensor { (f(inputs) * weights).sum() }
        for x in inputs { x.zeroGrad() }
        loss().backward()
        let eps: Float = 1e-2
        for (n, x) in inputs.enumerated() {
            let analytic = x.grad ?? [Float](repeating: 0, count: x.count)
            for k in 0..<x.count {
                let original = x.data[k]
                x.data[k] = original + eps
                let up = Autograd.withoutGradients { loss().scalar }
                x.data[k] = original - eps
                let down = Autograd.withoutGradients { loss().scalar }
                x.data[k] = original
                let numeric = (up - down) / (2 * eps)
                #expect(abs(numeric - analytic[k]) <= 1e-2 * max(1, abs(numeric)),
                        "input \(n) element \(k): numeric \(numeric), analytic \(analytic[k])", sourceLocation: sourceLocation)
            }
        }
    }
}

@Suite struct GradientCheckTests {
    @Test func broadcastingArithmetic() {
        var g = GradientCheck()
        g.check([g.tensor([2, 3]), g.tensor([3])]) { $0[0] + $0[1] }
        g.check([g.tensor([2, 1]), g.tensor([1, 3])]) { $0[0] - $0[1] }
        g.check([g.tensor([2, 3, 4]), g.tensor([3, 1])]) { $0[0] * $0[1] }
        g.check([g.tensor([2, 3]), g.tensor([2, 1], in: 0.5...2)]) { $0[0] / $0[1] }
        g.check([g.tensor([4]), g.tensor([])]) { $0[0] * $0[1] }  // a scalar broadcast
    }

    @Test func activations() {
        var g = GradientCheck()
        g.check([g.tensor([3, 4], in: 0.1...1)]) { $0[0].relu() }
        g.check([g.tensor([3, 4], in: -1...(-0.1))]) { $0[0].relu() }
        g.check([g.tensor([3, 4], in: -2...2)]) { $0[0].tanh() }
        g.check([g.tensor([3, 4], in: -3...3)]) { $0[0].sigmoid() }
        g.check([g.tensor([3, 4], in: -2...2)]) { $0[0].exp() }
        g.check([g.tensor([3, 4], in: 0.5...3)]) { $0[0].log() }
        g.check([g.tensor([3, 4], in: -4...4)]) { $0[0].softplus() }
    }

    @Test func reductions() {
        var g = GradientCheck()
        for axis in 0..<3 { g.check([g.tensor([2, 3, 4])]) { $0[0].sum(axis: axis) } }
        g.check([g.tensor([2, 3])]) { $0[0].sum() }
        g.check([g.tensor([2, 3])]) { $0[0].mean() }
    }

    @Test func matmulThroughBLAS() {
        var g = GradientCheck()
        g.check([g.tensor([3, 4]), g.tensor([4, 5])]) { $0[0].matmul($0[1]) }
        g.check([g.tensor([1, 6]), g.tensor([6, 1])]) { $0[0].matmul($0[1]) }
    }

    @Test func maskedPinballLoss() {
        var g = GradientCheck()
        // Predictions well away from the targets, so no point sits on the loss's kink.
        let target: [Float] = [3, -3, 3, -3, 3, 5]
        let mask: [Float] = [1, 1, 0, 1, 1, 0]
        g.check([g.tensor([3, 2, 3])]) { $0[0].pinballLoss(target: target, mask: mask, levels: [0.1, 0.5, 0.9]) }
    }

    @Test func pinballLossByHand() {
        let prediction = Tensor(shape: [2, 2], data: [1, 3, 0, 0])
        // y = 2: ρ_0.1(2, 1) = 0.1, ρ_0.9(2, 3) = 0.1; the second row is masked out.
        let loss = prediction.pinballLoss(target: [2, 100], mask: [1, 0], levels: [0.1, 0.9])
        #expect(abs(loss.scalar - 0.2) < 1e-6)
    }

    @Test func matmulValuesByHand() {
        let a = Tensor(shape: [2, 2], data: [1, 2, 3, 4]), b = Tensor(shape: [2, 1], data: [5, 6])
        #expect(a.matmul(b).data == [17, 39])
    }

    /// Inference on one thread must not stop another thread from recording its graph.
    @Test func noGradModeIsPerThread() {
        let started = DispatchSemaphore(value: 0), finish = DispatchSemaphore(value: 0)
        let other = Thread {
            Autograd.withoutGradients {
                started.signal()
                finish.wait()
            }
        }
        other.start()
        started.wait()
        let x = Tensor(shape: [2], data: [1, 2], requiresGrad: true)
        (x * x).sum().backward()
        finish.signal()
        #expect(x.grad == [2, 4])
    }

    @Test func gradientsAccumulateAndNoGradRecordsNothing() {
        let x = Tensor(shape: [2], data: [1, 2], requiresGrad: true)
        (x * x).sum().backward()
        (x * x).sum().backward()
        #expect(x.grad == [4, 8])
        let y = Autograd.withoutGradients { (x * x).sum() }
        #expect(!y.requiresGrad && y.inputs.isEmpty)
        #expect(Autograd.isEnabled)
    }
}
