#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Scaled dot-product attention one query row at a time, with one sequence's keys and values
/// held in cache, for masks that limit each row to a prefix of the keys (none, causal, prefix).
///
/// Why: with narrow heads (MQTransformer's 8) the product path is bound by memory, not by
/// arithmetic. It writes the (Tq × Tk) probabilities, keeps them for the backward pass, and
/// reads or writes that matrix about ten times per step (scores, softmax, weighted values;
/// dP, the softmax rule, and three products reading dS or P): on M4 Hourly 12.4 million
/// floats per batch each time. Here a row's scores live in a buffer of Tk floats; only each
/// row's log-sum-exp is kept, and the backward pass recomputes the row's probabilities from it
/// (as FlashAttention does, Dao et al. 2022). Every product runs over 16 keys at a time
/// against keys and values laid out transposed (head width × Tk), so no horizontal sums are
/// needed and the per-sequence key and value gradients accumulate in cache.
struct AttentionInCache {
    typealias V = VectorMath.V
    let tq: Int, tk: Int, width: Int, headWidth: Int
    let scale: Float
    /// Keys a row may see, from the first.
    let visible: (Int) -> Int
    /// Tk rounded up to whole pairs of vectors; key columns beyond Tk are zero.
    let paddedKeys: Int
    /// The head width rounded up to whole vectors; value and key rows are zero beyond it.
    let paddedWidth: Int

    init(tq: Int, tk: Int, width: Int, headWidth: Int, scale: Float, visible: @escaping (Int) -> Int) {
        self.tq = tq
        self.tk = tk
        self.width = width
        self.headWidth = headWidth
        self.scale = scale
        self.visible = visible
        paddedKeys = (tk + 2 * VectorMath.width - 1) / (2 * VectorMath.width) * (2 * VectorMath.width)
        paddedWidth = (headWidth + VectorMath.width - 1) / VectorMath.width * VectorMath.width
    }

    /// One sequence's head in the layouts the row loops read: keys scaled by 1/√d both
    /// transposed (d × Tk, for scores) and as rows (Tk × d, for the query gradient), values
    /// as rows (for outputs) and, in the backward pass, transposed (for dP).
    final class Scratch {
        let keysT, keyRows, valueRows, valuesT, scores, gradientsOfP, keyGradT, valueGradT: UnsafeMutablePointer<Float>
        /// Four rows of outputs or query gradients, and a row of zeros for blocks past the last row.
        let rowIn, rowOut, zero: UnsafeMutablePointer<Float>
        /// The block's four query rows times 1/√d, the factor of the key gradient.
        let scaledQueries: UnsafeMutablePointer<Float>
        private let all: [UnsafeMutablePointer<Float>]

        init(_ a: AttentionInCache) {
            let transposed = a.headWidth * a.paddedKeys, rows = a.paddedKeys * a.paddedWidth
            func make(_ n: Int) -> UnsafeMutablePointer<Float> {
                // Cache-line aligned: rows are whole vectors of 16, so no load straddles two lines.
                let bytes = Swift.max(n, 1) * MemoryLayout<Float>.stride
                let p = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64).bindMemory(to: Float.self, capacity: Swift.max(n, 1))
                p.initialize(repeating: 0, count: Swift.max(n, 1))
                return p
            }
            keysT = make(transposed); valuesT = make(transposed); keyGradT = make(transposed); valueGradT = make(transposed)
            keyRows = make(rows); valueRows = make(rows)
            scores = make(4 * a.paddedKeys); gradientsOfP = make(4 * a.paddedKeys)
            rowIn = make(4 * a.paddedWidth); rowOut = make(4 * a.paddedWidth); zero = make(a.paddedWidth)
            scaledQueries = make(4 * a.paddedWidth)
            all = [keysT, valuesT, keyGradT, valueGradT, keyRows, valueRows, scores, gradientsOfP, rowIn, rowOut, zero, scaledQueries]
        }

        deinit { for p in all { p.deallocate() } }
    }

    /// Lays out the keys and values of one sequence's head (pointers at its first element,
    /// rows `width` apart).
    func load(keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>, into s: Scratch, transposedValues: Bool) {
        for j in 0..<tk {
            for d in 0..<headWidth {
                let key = scale * k[j * width + d], value = v[j * width + d]
                s.keysT[d * paddedKeys + j] = key
                s.keyRows[j * paddedWidth + d] = key
                s.valueRows[j * paddedWidth + d] = value
                if transposedValues { s.valuesT[d * paddedKeys + j] = value }
            }
        }
    }

    /// Four query rows at a time: each load of a key, value or gradient vector feeds four
    /// FMAs, and the key and value gradients are read and written once per four rows. Rows
    /// past the last are read from `zero` and see no key.
    struct Rows {
        var first: Int, count: Int
        var limit: (Int, Int, Int, Int)
        /// Keys the block's rows see at most, rounded up to whole vectors of 16.
        var blocks: Int
    }

    @inline(__always) func rows(_ first: Int) -> Rows {
        let count = Swift.min(4, tq - first)
        func limit(_ k: Int) -> Int { k < count ? visible(first + k) : 0 }
        let l = (limit(0), limit(1), limit(2), limit(3))
        let most = Swift.max(Swift.max(l.0, l.1), Swift.max(l.2, l.3))
        return Rows(first: first, count: count, limit: l, blocks: (most + VectorMath.width - 1) / VectorMath.width)
    }

    /// The four rows' pointers into a (Tq, width) matrix, `zero` past the last row.
    @inline(__always) func pointers(_ base: UnsafePointer<Float>, _ r: Rows, zero: UnsafePointer<Float>)
        -> (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) {
        func at(_ k: Int) -> UnsafePointer<Float> { k < r.count ? base + (r.first + k) * width : zero }
        return (at(0), at(1), at(2), at(3))
    }

    /// Σ_d a_r[d]·M[d][block] for the four rows and every block of 16 keys, where M is d × Tk
    /// (keys or values transposed), into `out` (four rows of `paddedKeys`). Two blocks at a
    /// time: eight independent sums keep both FMA units busy, where four chains of 4-cycle
    /// FMAs left one idle (`paddedKeys` is a multiple of 32, so the second block always exists;
    /// past `blocks` it is computed and never read).
    @inline(__always) func products(_ a: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>),
                                    _ m: UnsafePointer<Float>, blocks: Int, into out: UnsafeMutablePointer<Float>) {
        for c in stride(from: 0, to: blocks, by: 2) {
            var s0 = V(repeating: 0), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0
            let column = m + c * VectorMath.width
            for d in 0..<headWidth {
                let k = VectorMath.load(column + d * paddedKeys), l = VectorMath.load(column + d * paddedKeys + VectorMath.width)
                let a0 = V(repeating: a.0[d]), a1 = V(repeating: a.1[d]), a2 = V(repeating: a.2[d]), a3 = V(repeating: a.3[d])
                s0 = s0.addingProduct(a0, k); t0 = t0.addingProduct(a0, l)
                s1 = s1.addingProduct(a1, k); t1 = t1.addingProduct(a1, l)
                s2 = s2.addingProduct(a2, k); t2 = t2.addingProduct(a2, l)
                s3 = s3.addingProduct(a3, k); t3 = t3.addingProduct(a3, l)
            }
            let at = out + c * VectorMath.width, next = at + VectorMath.width
            VectorMath.store(s0, at); VectorMath.store(t0, next)
            VectorMath.store(s1, at + paddedKeys); VectorMath.store(t1, next + paddedKeys)
            VectorMath.store(s2, at + 2 * paddedKeys); VectorMath.store(t2, next + 2 * paddedKeys)
            VectorMath.store(s3, at + 3 * paddedKeys); VectorMath.store(t3, next + 3 * paddedKeys)
        }
    }

    /// Σ_j w_r[j]·M[j] for the four rows (w: four rows of `paddedKeys`, zero past each row's
    /// limit), M Tk rows of `paddedWidth`: the rows' outputs or query gradients, into `out`
    /// (four rows of `paddedWidth`). Even and odd keys go to separate sums, eight chains.
    @inline(__always) func weightedRows(_ w: UnsafePointer<Float>, _ m: UnsafePointer<Float>, keys: Int, into out: UnsafeMutablePointer<Float>) {
        for c in 0..<(paddedWidth / VectorMath.width) {
            var o0 = V(repeating: 0), o1 = o0, o2 = o0, o3 = o0, e0 = o0, e1 = o0, e2 = o0, e3 = o0
            for j in stride(from: 0, to: keys, by: 2) {
                let row = VectorMath.load(m + j * paddedWidth + c * VectorMath.width)
                let next = VectorMath.load(m + (j + 1) * paddedWidth + c * VectorMath.width)
                o0 = o0.addingProduct(V(repeating: w[j]), row); e0 = e0.addingProduct(V(repeating: w[j + 1]), next)
                o1 = o1.addingProduct(V(repeating: w[paddedKeys + j]), row); e1 = e1.addingProduct(V(repeating: w[paddedKeys + j + 1]), next)
                o2 = o2.addingProduct(V(repeating: w[2 * paddedKeys + j]), row)
                e2 = e2.addingProduct(V(repeating: w[2 * paddedKeys + j + 1]), next)
                o3 = o3.addingProduct(V(repeating: w[3 * paddedKeys + j]), row)
                e3 = e3.addingProduct(V(repeating: w[3 * paddedKeys + j + 1]), next)
            }
            let at = out + c * VectorMath.width
            VectorMath.store(o0 + e0, at)
            VectorMath.store(o1 + e1, at + paddedWidth)
            VectorMath.store(o2 + e2, at + 2 * paddedWidth)
            VectorMath.store(o3 + e3, at + 3 * paddedWidth)
        }
    }

    @inline(__always) func limit(_ r: Rows, _ k: Int) -> Int {
        switch k { case 0: r.limit.0; case 1: r.limit.1; case 2: r.limit.2; default: r.limit.3 }
    }

    /// Forward: `out` rows (`width` apart) get this head's outputs, `logSumExp` (Tq) each row's
    /// log Σ exp(score), −∞ for a row that sees no key (its output is zero).
    func forward(query q: UnsafePointer<Float>, keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>,
                 out: UnsafeMutablePointer<Float>, logSumExp: UnsafeMutablePointer<Float>, _ s: Scratch) {
        load(keys: k, values: v, into: s, transposedValues: false)
        var inverses = SIMD4<Float>(repeating: 0)
        for first in stride(from: 0, to: tq, by: 4) {
            let r = rows(first)
            products(pointers(q, r, zero: s.zero), s.keysT, blocks: r.blocks, into: s.scores)
            for row in 0..<4 {
                let p = s.scores + row * paddedKeys, n = limit(r, row)
                guard n > 0 else {
                    p.update(repeating: 0, count: r.blocks * VectorMath.width)
                    inverses[row] = 0
                    if row < r.count { logSumExp[first + row] = -.infinity }
                    continue
                }
                let (lse, total) = exponentials(p, limit: n, blocks: r.blocks)
                inverses[row] = 1 / total
                if row < r.count { logSumExp[first + row] = lse }
            }
            weightedRows(s.scores, s.valueRows, keys: r.blocks * VectorMath.width, into: s.rowOut)
            for row in 0..<r.count {
                let target = out + (first + row) * width, source = s.rowOut + row * paddedWidth, inverse = inverses[row]
                for d in 0..<headWidth { target[d] = source[d] * inverse }
            }
        }
    }

    /// Turns a row of scores into exp(score − max) in place (zero past `limit`); returns the
    /// log-sum-exp and the sum. The probabilities are these over the sum: the caller divides
    /// the row's output (head-width floats) rather than every probability (Tk of them).
    @inline(__always) func exponentials(_ p: UnsafeMutablePointer<Float>, limit: Int, blocks: Int) -> (Float, Float) {
        let end = blocks * VectorMath.width
        (p + limit).update(repeating: -.infinity, count: end - limit)
        // Past `limit` is −∞, so whole vectors give the maximum without a scalar tail.
        let maximum = VectorMath.maximum(end, p)
        let shift = V(repeating: maximum)
        var lanes = V(repeating: 0)
        for c in 0..<blocks {
            let at = p + c * VectorMath.width, score = VectorMath.load(at)
            let e = VectorMath.exp(score - shift).replacing(with: 0, where: score .== -.infinity)
            VectorMath.store(e, at)
            lanes += e
        }
        let total = VectorMath.sum(lanes)
        return (maximum + logf(total), total)
    }

    /// Backward: adds this head's gradients into `gq`, `gk`, `gv` (any may be nil), from the
    /// output gradient `g` and the forward's `logSumExp`.
    func backward(query q: UnsafePointer<Float>, keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>,
                  outputGradient g: UnsafePointer<Float>, logSumExp: UnsafePointer<Float>,
                  gq: UnsafeMutablePointer<Float>?, gk: UnsafeMutablePointer<Float>?, gv: UnsafeMutablePointer<Float>?, _ s: Scratch) {
        load(keys: k, values: v, into: s, transposedValues: true)
        let transposed = headWidth * paddedKeys
        s.keyGradT.update(repeating: 0, count: transposed)
        s.valueGradT.update(repeating: 0, count: transposed)
        for first in stride(from: 0, to: tq, by: 4) {
            let r = rows(first)
            guard r.blocks > 0 else { continue }
            let qs = pointers(q, r, zero: s.zero), gs = pointers(g, r, zero: s.zero)
            // P from the kept log-sum-exp, dP = dO·Vᵀ, then dS = P ⊙ (dP − Σ P·dP) in dP's place.
            products(qs, s.keysT, blocks: r.blocks, into: s.scores)
            products(gs, s.valuesT, blocks: r.blocks, into: s.gradientsOfP)
            for row in 0..<4 {
                let p = s.scores + row * paddedKeys, dp = s.gradientsOfP + row * paddedKeys, n = limit(r, row)
                let lse = row < r.count ? logSumExp[first + row] : -.infinity
                guard n > 0, lse > -.infinity else {
                    p.update(repeating: 0, count: r.blocks * VectorMath.width)
                    dp.update(repeating: 0, count: r.blocks * VectorMath.width)
                    continue
                }
                (p + n).update(repeating: -.infinity, count: r.blocks * VectorMath.width - n)
                let shift = V(repeating: lse)
                var lanes = V(repeating: 0)
                for c in 0..<r.blocks {
                    let at = c * VectorMath.width
                    let e = VectorMath.exp(VectorMath.load(p + at) - shift).replacing(with: 0, where: VectorMath.load(p + at) .== -.infinity)
                    VectorMath.store(e, p + at)
                    lanes = lanes.addingProduct(e, VectorMath.load(dp + at))
                }
                let rowDot = V(repeating: VectorMath.sum(lanes))
                for c in 0..<r.blocks {
                    let at = c * VectorMath.width
                    VectorMath.store(VectorMath.load(p + at) * (VectorMath.load(dp + at) - rowDot), dp + at)
                }
            }
            // Key and value gradients, transposed: one read and write per four rows.
            let sq = s.scaledQueries
            for d in 0..<headWidth {
                sq[d] = scale * qs.0[d]; sq[paddedWidth + d] = scale * qs.1[d]
                sq[2 * paddedWidth + d] = scale * qs.2[d]; sq[3 * paddedWidth + d] = scale * qs.3[d]
            }
            for c in 0..<r.blocks {
                let at = c * VectorMath.width
                let d0 = VectorMath.load(s.gradientsOfP + at), d1 = VectorMath.load(s.gradientsOfP + paddedKeys + at)
                let d2 = VectorMath.load(s.gradientsOfP + 2 * paddedKeys + at), d3 = VectorMath.load(s.gradientsOfP + 3 * paddedKeys + at)
                let p0 = VectorMath.load(s.scores + at), p1 = VectorMath.load(s.scores + paddedKeys + at)
                let p2 = VectorMath.load(s.scores + 2 * paddedKeys + at), p3 = VectorMath.load(s.scores + 3 * paddedKeys + at)
                for d in 0..<headWidth {
                    let kc = s.keyGradT + d * paddedKeys + at, vc = s.valueGradT + d * paddedKeys + at
                    var key = VectorMath.load(kc)
                    key = key.addingProduct(d0, V(repeating: sq[d])).addingProduct(d1, V(repeating: sq[paddedWidth + d]))
                    key = key.addingProduct(d2, V(repeating: sq[2 * paddedWidth + d])).addingProduct(d3, V(repeating: sq[3 * paddedWidth + d]))
                    VectorMath.store(key, kc)
                    var value = VectorMath.load(vc)
                    value = value.addingProduct(p0, V(repeating: gs.0[d])).addingProduct(p1, V(repeating: gs.1[d]))
                    value = value.addingProduct(p2, V(repeating: gs.2[d])).addingProduct(p3, V(repeating: gs.3[d]))
                    VectorMath.store(value, vc)
                }
            }
            if let gq {
                weightedRows(s.gradientsOfP, s.keyRows, keys: r.blocks * VectorMath.width, into: s.rowIn)
                for row in 0..<r.count {
                    let target = gq + (first + row) * width, source = s.rowIn + row * paddedWidth
                    for d in 0..<headWidth { target[d] += source[d] }
                }
            }
        }
        for j in 0..<tk {
            for d in 0..<headWidth {
                gk?[j * width + d] += s.keyGradT[d * paddedKeys + j]
                gv?[j * width + d] += s.valueGradT[d * paddedKeys + j]
            }
        }
    }
}
