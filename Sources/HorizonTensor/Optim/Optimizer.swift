/// Updates parameters from their gradients. Every optimizer reads `Tensor.gradient` storage
/// directly, updates in place, and leaves the gradients for `zeroGradients()` to clear.
public protocol Optimizer {
    var learningRate: Float { get set }
    /// One update of every parameter that has a gradient.
    mutating func step()
}

/// Stochastic gradient descent with optional (heavy-ball) momentum.
public struct SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    private let parameters: [Tensor]
    private var velocity: [[Float]]

    public init(_ parameters: [Tensor], learningRate: Float, momentum: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        velocity = parameters.map { [Float](repeating: 0, count: $0.count) }
    }

    public mutating func step() {
        for (k, p) in parameters.enumerated() {
            guard let g = p.gradStorage?.pointer else { continue }
            let w = p.pointer, lr = learningRate, mu = momentum
            velocity[k].withUnsafeMutableBufferPointer { v in
                for i in 0..<p.count {
                    v[i] = mu * v[i] + g[i]
                    w[i] -= lr * v[i]
                }
            }
        }
    }
}

/// Adam (Kingma & Ba 2015) with bias correction; `decoupledWeightDecay` > 0 makes it AdamW
/// (Loshchilov & Hutter 2019): the decay shrinks the weights directly instead of entering the
/// gradient, so it is not rescaled by the adaptive step.
public struct Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float, beta2: Float, epsilon: Float
    public var decoupledWeightDecay: Float
    private let parameters: [Tensor]
    private var m: [[Float]], v: [[Float]]
    private var t = 0

    public init(_ parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, decoupledWeightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.decoupledWeightDecay = decoupledWeightDecay
        m = parameters.map { [Float](repeating: 0, count: $0.count) }
        v = m
    }

    public mutating func step() {
        t += 1
        let c1 = 1 - pow(beta1, Float(t)), c2 = 1 - pow(beta2, Float(t))
        let lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon, decay = decoupledWeightDecay * learningRate
        for (k, p) in parameters.enumerated() {
            guard let g = p.gradStorage?.pointer else { continue }
            let w = p.pointer
            m[k].withUnsafeMutableBufferPointer { m in
                v[k].withUnsafeMutableBufferPointer { v in
                    for i in 0..<p.count {
                        m[i] = b1 * m[i] + (1 - b1) * g[i]
                        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                        let update = (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
                        w[i] -= lr * update + decay * w[i]
                    }
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
