/// Broadcasting arithmetic: + − × ÷ between tensors, and with plain numbers.
extension Tensor {
    typealias V = VectorMath.V

    /// dst[k] = f(a[ia(k)], b[ib(k)]) over the output, with SIMD loops for the common plans.
    @inline(__always)
    static func combine(_ n: Int, _ a: UnsafePointer<Float>, _ pa: BroadcastPlan, _ b: UnsafePointer<Float>, _ pb: BroadcastPlan,
                        into dst: UnsafeMutablePointer<Float>, _ f: (V, V) -> V) {
        switch (pa, pb) {
        case (.same, .same):
            VectorMath.map2(n, a, b, dst, f)
        case (.same, .scalar):
            let s = V(repeating: b[0])
            VectorMath.map(n, a, dst) { f($0, s) }
        case (.scalar, .same):
            let s = V(repeating: a[0])
            VectorMath.map(n, b, dst) { f(s, $0) }
        case (.same, .tile(let p)):
            var o = 0
            while o < n { VectorMath.map2(p, a + o, b, dst + o, f); o += p }
        case (.tile(let p), .same):
            var o = 0
            while o < n { VectorMath.map2(p, a, b + o, dst + o, f); o += p }
        case (.same, .repeatEach(let r)):
            for j in 0..<(n / r) {
                let s = V(repeating: b[j])
                VectorMath.map(r, a + j * r, dst + j * r) { f($0, s) }
            }
        case (.repeatEach(let r), .same):
            for j in 0..<(n / r) {
                let s = V(repeating: a[j])
                VectorMath.map(r, b + j * r, dst + j * r) { f(s, $0) }
            }
        case (.same, .repeatBlocks(let block, let repeats)):
            for o in 0..<(n / (block * repeats)) {
                for r in 0..<repeats { let k = (o * repeats + r) * block; VectorMath.map2(block, a + k, b + o * block, dst + k, f) }
            }
        case (.repeatBlocks(let block, let repeats), .same):
            for o in 0..<(n / (block * repeats)) {
                for r in 0..<repeats { let k = (o * repeats + r) * block; VectorMath.map2(block, a + o * block, b + k, dst + k, f) }
            }
        default:
            for k in 0..<n {
                dst[k] = f(V(repeating: a[pa.index(k)]), V(repeating: b[pb.index(k)]))[0]
            }
        }
    }

    /// A broadcasting binary op. `backward(g, a, b, out, ga, gb)` receives output-shaped
    /// scratch buffers `ga`/`gb` (nil when that operand needs no gradient) to fill with the
    /// output-shaped local gradients, which are then summed down to each operand's shape.
    private static func binary(_ a: Tensor, _ b: Tensor, _ f: @escaping (V, V) -> V,
                               backward: @escaping (_ n: Int, _ g: UnsafePointer<Float>, _ out: UnsafePointer<Float>,
                                                    _ ga: UnsafeMutablePointer<Float>?, _ gb: UnsafeMutablePointer<Float>?,
                                                    _ aPlan: BroadcastPlan, _ bPlan: BroadcastPlan) -> Void) -> Tensor {
        let shape = a.shape == b.shape ? a.shape : BroadcastPlan.shape(a.shape, b.shape)
        let pa = a.shape == shape ? BroadcastPlan.same : BroadcastPlan(input: a.shape, output: shape)
        let pb = b.shape == shape ? BroadcastPlan.same : BroadcastPlan(input: b.shape, output: shape)
        let n = elementCount(shape)
        let out = Storage(uninitialized: n)
        combine(n, a.pointer, pa, b.pointer, pb, into: out.pointer, f)
        return Tensor(shape: shape, storage: out, inputs: [a, b]) { node in
            let g = node.gradStorage!.pointer
            let ta = a.requiresGrad ? Storage(uninitialized: n) : nil
            let tb = b.requiresGrad ? Storage(uninitialized: n) : nil
            backward(n, g, node.pointer, ta?.pointer, tb?.pointer, pa, pb)
            if let ta { pa.reduce(ta.pointer, count: n, into: a.gradPointer()) }
            if let tb { pb.reduce(tb.pointer, count: n, into: b.gradPointer()) }
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        binary(a, b, +) { n, g, _, ga, gb, _, _ in
            if let ga { ga.update(from: g, count: n) }
            if let gb { gb.update(from: g, count: n) }
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        binary(a, b, -) { n, g, _, ga, gb, _, _ in
            if let ga { ga.update(from: g, count: n) }
            if let gb { VectorMath.map(n, g, gb) { -$0 } }
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        binary(a, b, *) { n, g, _, ga, gb, pa, pb in
            if let ga { combine(n, g, .same, b.pointer, pb, into: ga, *) }
            if let gb { combine(n, g, .same, a.pointer, pa, into: gb, *) }
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        binary(a, b, /) { n, g, out, ga, gb, _, pb in
            if let ga { combine(n, g, .same, b.pointer, pb, into: ga, /) }
            if let gb {
                // ∂(a/b)/∂b = −(a/b)/b = −out/b.
                combine(n, g, .same, b.pointer, pb, into: gb, /)
                VectorMath.map2(n, gb, out, gb) { -$0 * $1 }
            }
        }
    }

    /// An elementwise map with derivative `df(x, y)` in terms of the input x and output y.
    func unary(_ f: @escaping (V) -> V, derivative df: @escaping (_ x: V, _ y: V) -> V) -> Tensor {
        let input = self
        let out = Storage(uninitialized: count)
        VectorMath.map(count, pointer, out.pointer, f)
        return Tensor(shape: shape, storage: out, inputs: [input]) { node in
            let g = node.gradStorage!.pointer, x = input.pointer, y = node.pointer
            // A fresh gradient is written, not added to zeros.
            let (gi, beta) = input.gradTarget()
            var i = 0
            let n = input.count
            while i + VectorMath.width <= n {
                let d = df(VectorMath.load(x + i), VectorMath.load(y + i))
                let previous = beta == 0 ? VectorMath.V(repeating: 0) : VectorMath.load(gi + i)
                VectorMath.store(previous + VectorMath.load(g + i) * d, gi + i)
                i += VectorMath.width
            }
            while i < n {
                let local = g[i] * df(V(repeating: x[i]), V(repeating: y[i]))[0]
                gi[i] = beta == 0 ? local : gi[i] + local
                i += 1
            }
        }
    }

    public static func * (a: Tensor, s: Float) -> Tensor { a.unary({ $0 * s }, derivative: { _, _ in V(repeating: s) }) }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func + (a: Tensor, s: Float) -> Tensor { a.unary({ $0 + s }, derivative: { _, _ in V(repeating: 1) }) }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func - (s: Float, a: Tensor) -> Tensor { a.unary({ s - $0 }, derivative: { _, _ in V(repeating: -1) }) }
    public static prefix func - (a: Tensor) -> Tensor { a * -1 }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
}
