import Foundation

extension Tensor {
    /// A broadcasting binary op: `f` computes values, `da`/`db` the local derivatives
    /// ∂f/∂a and ∂f/∂b at each output element.
    private static func binary(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float,
                               da: @escaping (Float, Float) -> Float, db: @escaping (Float, Float) -> Float) -> Tensor {
        let shape = a.shape == b.shape ? a.shape : Broadcast.shape(a.shape, b.shape)
        let n = shape.reduce(1, *)
        let ia = a.shape == shape ? nil : Broadcast.indices(of: a.shape, in: shape)
        let ib = b.shape == shape ? nil : Broadcast.indices(of: b.shape, in: shape)
        var out = [Float](repeating: 0, count: n)
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                for k in 0..<n { out[k] = f(pa[ia?[k] ?? k], pb[ib?[k] ?? k]) }
            }
        }
        return Tensor(shape: shape, data: out, inputs: [a, b]) { node in
            let g = node.grad!
            if a.requiresGrad {
                var ga = [Float](repeating: 0, count: n)
                for k in 0..<n { ga[k] = g[k] * da(a.data[ia?[k] ?? k], b.data[ib?[k] ?? k]) }
                a.accumulate(Broadcast.reduce(ga, map: ia, to: a.shape))
            }
            if b.requiresGrad {
                var gb = [Float](repeating: 0, count: n)
                for k in 0..<n { gb[k] = g[k] * db(a.data[ia?[k] ?? k], b.data[ib?[k] ?? k]) }
                b.accumulate(Broadcast.reduce(gb, map: ib, to: b.shape))
            }
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(a, b, +, da: { _, _ in 1 }, db: { _, _ in 1 }) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(a, b, -, da: { _, _ in 1 }, db: { _, _ in -1 }) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(a, b, *, da: { _, y in y }, db: { x, _ in x }) }
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        binary(a, b, /, da: { _, y in 1 / y }, db: { x, y in -x / (y * y) })
    }

    /// An elementwise unary op with derivative `df(x, y)` given input x and output y.
    private func unary(_ f: (Float) -> Float, _ df: @escaping (Float, Float) -> Float) -> Tensor {
        let input = self
        let out = data.map(f)
        return Tensor(shape: shape, data: out, inputs: [input]) { node in
            let g = node.grad!
            var gi = [Float](repeating: 0, count: g.count)
            for k in 0..<g.count { gi[k] = g[k] * df(input.data[k], node.data[k]) }
            input.accumulate(gi)
        }
    }

    public func relu() -> Tensor { unary({ max($0, 0) }, { x, _ in x > 0 ? 1 : 0 }) }
    public func tanh() -> Tensor { unary({ Foundation.tanh($0) }, { _, y in 1 - y * y }) }
    public func sigmoid() -> Tensor { unary({ 1 / (1 + Foundation.exp(-$0)) }, { _, y in y * (1 - y) }) }
    public func exp() -> Tensor { unary({ Foundation.exp($0) }, { _, y in y }) }
    public func log() -> Tensor { unary({ Foundation.log($0) }, { x, _ in 1 / x }) }
    /// softplus(x) = log(1 + eˣ), computed stably as max(x, 0) + log1p(e^−|x|).
    public func softplus() -> Tensor {
        unary({ max($0, 0) + Foundation.log1p(Foundation.exp(-abs($0))) }, { x, _ in 1 / (1 + Foundation.exp(-x)) })
    }
}
