/// How one operand of a broadcasting op maps onto the output (NumPy rules: shapes align on
/// the right and a dimension of 1 stretches).
///
/// The common cases get their own loops — a bias added over the last axis is `tile`, a
/// per-row scale is `repeatEach` — and only the rest pays for an index map.
enum BroadcastPlan {
    case same
    case scalar
    /// The operand is a trailing block of the output, repeated: out[k] ← in[k % period].
    case tile(period: Int)
    /// Each operand element covers a run of the output: out[k] ← in[k / run].
    case repeatEach(run: Int)
    /// The operand's blocks of `block` elements each repeated `repeats` times in a row — one
    /// run of broadcast dimensions between kept ones, (A, 1, C) over (A, K, C): a per-forecast
    /// context added to every horizon, without an index map the size of the output.
    case repeatBlocks(block: Int, repeats: Int)
    /// Anything else: out[k] ← in[map[k]].
    case general(map: [Int32])

    /// The broadcast shape of `a` and `b`; a precondition failure names both shapes.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        return (0..<rank).map { i in
            precondition(pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1, "shapes \(a) and \(b) do not broadcast")
            return max(pa[i], pb[i])
        }
    }

    init(input: [Int], output: [Int]) {
        let padded = [Int](repeating: 1, count: output.count - input.count) + input
        let n = output.reduce(1, *)
        if padded == output { self = .same; return }
        if input.reduce(1, *) == 1 { self = .scalar; return }
        // Leading ones then the output's own trailing dimensions: a tile.
        if let first = padded.firstIndex(where: { $0 != 1 }),
           Array(padded[first...]) == Array(output[first...]) {
            self = .tile(period: output[first...].reduce(1, *))
            return
        }
        // The output's leading dimensions then ones: each element repeated.
        if let last = padded.lastIndex(where: { $0 != 1 }),
           Array(padded[...last]) == Array(output[...last]) {
            self = .repeatEach(run: output[(last + 1)...].reduce(1, *))
            return
        }
        // Broadcast dimensions in one run, kept ones around it: blocks repeated.
        let stretched = output.indices.filter { padded[$0] == 1 && output[$0] != 1 }
        if let first = stretched.first, let last = stretched.last, stretched.count == last - first + 1,
           output.indices.allSatisfy({ (first...last).contains($0) || padded[$0] == output[$0] }) {
            self = .repeatBlocks(block: output[(last + 1)...].reduce(1, *), repeats: output[first...last].reduce(1, *))
            return
        }
        var strides = [Int](repeating: 0, count: output.count)
        var s = 1
        for d in stride(from: output.count - 1, through: 0, by: -1) {
            strides[d] = padded[d] == 1 ? 0 : s
            s *= padded[d]
        }
        var map = [Int32](repeating: 0, count: n)
        var counter = [Int](repeating: 0, count: output.count)
        var offset = 0
        for k in 0..<n {
            map[k] = Int32(offset)
            var d = output.count - 1
            while d >= 0 {
                counter[d] += 1
                offset += strides[d]
                if counter[d] < output[d] { break }
                offset -= strides[d] * counter[d]
                counter[d] = 0
                d -= 1
            }
        }
        self = .general(map: map)
    }

    /// The operand's element for output index k (the slow path, for the general case).
    @inline(__always) func index(_ k: Int) -> Int {
        switch self {
        case .same: return k
        case .scalar: return 0
        case .tile(let p): return k % p
        case .repeatEach(let r): return k / r
        case .repeatBlocks(let block, let repeats): return (k / (block * repeats)) * block + k % block
        case .general(let map): return Int(map[k])
        }
    }

    /// Adds an output-shaped gradient `g` (n elements) into the operand's gradient `dst`,
    /// summing over the broadcast dimensions.
    func reduce(_ g: UnsafePointer<Float>, count n: Int, into dst: UnsafeMutablePointer<Float>) {
        switch self {
        case .same:
            for k in 0..<n { dst[k] += g[k] }
        case .scalar:
            var s: Float = 0
            for k in 0..<n { s += g[k] }
            dst[0] += s
        case .tile(let p):
            var o = 0
            while o < n {
                for i in 0..<p { dst[i] += g[o + i] }
                o += p
            }
        case .repeatEach(let r):
            for j in 0..<(n / r) {
                var s: Float = 0
                for i in 0..<r { s += g[j * r + i] }
                dst[j] += s
            }
        case .repeatBlocks(let block, let repeats):
            for o in 0..<(n / (block * repeats)) {
                let d = dst + o * block
                for r in 0..<repeats { VectorMath.axpy(block, 1, g + (o * repeats + r) * block, d) }
            }
        case .general(let map):
            for k in 0..<n { dst[Int(map[k])] += g[k] }
        }
    }
}
