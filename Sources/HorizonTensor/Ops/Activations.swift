/// Elementwise activations on the SIMD kernels of `VectorMath`.
extension Tensor {
    public func relu() -> Tensor {
        unary({ $0.replacing(with: 0, where: $0 .< 0) },
              derivative: { x, _ in V(repeating: 1).replacing(with: 0, where: x .<= 0) })
    }

    public func tanh() -> Tensor { unary(VectorMath.tanh, derivative: { _, y in 1 - y * y }) }

    public func sigmoid() -> Tensor { unary(VectorMath.sigmoid, derivative: { _, y in y * (1 - y) }) }

    public func exp() -> Tensor { unary(VectorMath.exp, derivative: { _, y in y }) }

    /// ln x (inputs must be positive).
    public func log() -> Tensor { unary(VectorMath.log, derivative: { x, _ in 1 / x }) }

    /// softplus(x) = ln(1 + eˣ), as max(x, 0) + ln(1 + e^−|x|) so large inputs do not overflow.
    /// Its derivative is the sigmoid.
    public func softplus() -> Tensor {
        unary({ x in
            let a = x.replacing(with: -x, where: x .< 0)
            return x.replacing(with: 0, where: x .< 0) + VectorMath.log(1 + VectorMath.exp(-a))
        }, derivative: { x, _ in VectorMath.sigmoid(x) })
    }

    /// GELU in its tanh form, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) — the form of the
    /// original BERT/GPT code; it differs from the erf form by < 1e-3.
    public func gelu() -> Tensor {
        unary({ x in
            let t: V = VectorMath.tanh(Self.geluArgument(x))
            return 0.5 * x * (1 + t)
        }, derivative: { x, _ in
            let t: V = VectorMath.tanh(Self.geluArgument(x))
            let x2: V = x * x
            let du: V = 0.797_884_560_8 * (1 + 0.134_145 * x2)  // d/dx of √(2/π)(x + 0.044715x³)
            let left: V = 0.5 * (1 + t)
            let right: V = 0.5 * x * (1 - t * t) * du
            return left + right
        })
    }

    /// √(2/π)·(x + 0.044715·x³).
    @inline(__always) private static func geluArgument(_ x: V) -> V {
        let x3: V = x * x * x
        return 0.797_884_560_8 * (x + 0.044_715 * x3)
    }

    /// x² (for variances and penalties).
    public func squared() -> Tensor { unary({ $0 * $0 }, derivative: { x, _ in 2 * x }) }

    /// √x (inputs must be positive).
    public func sqrt() -> Tensor { unary({ $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }
}
