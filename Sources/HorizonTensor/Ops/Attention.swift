#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Which key positions each query may attend to.
public enum AttentionMask: Sendable {
    case none
    /// Query i (of Tq) sees keys j ≤ i + (Tk − Tq): the queries are the last Tq positions of
    /// the keys' sequence, so self-attention (Tq = Tk) sees j ≤ i.
    case causal
    /// An explicit (Tq × Tk) pattern shared by the batch, true where attending is allowed.
    case allowed([Bool])
    /// A pattern per batch element, (B × Tq × Tk).
    case allowedPerBatch([Bool])
    /// Query i sees keys j < visible[i] (Tq entries, shared by the batch): a causal limit
    /// that need not follow the row order — MQTransformer's (forecast time, horizon) queries
    /// each see the window up to their forecast time. Unlike a pattern, the softmax and its
    /// gradient skip what is hidden.
    case prefix([Int32])
}

extension Tensor {
    /// Multi-head scaled dot-product attention over already projected queries (B, Tq, D),
    /// keys (B, Tk, D) and values (B, Tk, D), with D split into `heads` heads:
    /// softmax(Q_h K_hᵀ / √(D/heads), masked) · V_h per head, concatenated back to (B, Tq, D).
    ///
    /// Why fused: the score matrix never becomes a graph node. Masks that limit each row to a
    /// prefix of the keys (none, causal, prefix) go through `AttentionInCache`, which keeps
    /// only each row's log-sum-exp and recomputes the rest (MQTransformer's shape on M4 Hourly,
    /// `horizon-bench engine`: 27 ms a step against 52 through sgemm). Patterns go through sgemm, each head read in
    /// place through the leading dimensions, the backward pass four products per head plus the
    /// softmax row rule. Query rows with every key masked produce zeros.
    public static func attention(query q: Tensor, key k: Tensor, value v: Tensor, heads: Int, mask: AttentionMask = .none) -> Tensor {
        precondition(q.rank == 3 && k.rank == 3 && v.rank == 3 && k.shape == v.shape && q.shape[0] == k.shape[0] && q.shape[2] == k.shape[2],
                     "attention needs query (B, Tq, D) and key/value (B, Tk, D), got \(q.shape), \(k.shape), \(v.shape)")
        let batch = q.shape[0], tq = q.shape[1], tk = k.shape[1], width = q.shape[2]
        precondition(heads >= 1 && width % heads == 0, "model width \(width) does not split into \(heads) heads")
        let dh = width / heads
        let scale = 1 / Float(dh).squareRoot()
        switch mask {
        case .allowed(let m): precondition(m.count == tq * tk, "attention mask has \(m.count) entries, expected \(tq)×\(tk)")
        case .allowedPerBatch(let m): precondition(m.count == batch * tq * tk, "attention mask has \(m.count) entries, expected \(batch)×\(tq)×\(tk)")
        case .prefix(let v): precondition(v.count == tq, "attention prefix mask has \(v.count) entries, expected \(tq)")
        case .none, .causal: break
        }
        // The mask as a causal prefix length or a pointer into a pattern, per query row.
        let pattern: [Bool]
        switch mask {
        case .allowed(let m), .allowedPerBatch(let m): pattern = m
        case .none, .causal, .prefix: pattern = []
        }
        /// How many keys, from the first, row i may see at most (the softmax is zero beyond).
        func visible(_ i: Int) -> Int {
            switch mask {
            case .causal: return Swift.min(Swift.max(i + (tk - tq) + 1, 0), tk)
            case .prefix(let v): return Swift.min(Swift.max(Int(v[i]), 0), tk)
            case .none, .allowed, .allowedPerBatch: return tk
            }
        }
        switch mask {
        case .none, .causal, .prefix:
            return inCache(query: q, key: k, value: v, heads: heads, visible: visible)
        case .allowed, .allowedPerBatch:
            break
        }
        func maskedSoftmax(_ p: UnsafeMutablePointer<Float>, batch b: Int, row i: Int) {
            switch mask {
            case .none: softmaxRow(p, p, tk)
            case .causal, .prefix: softmaxRow(p, p, tk, prefix: visible(i))
            case .allowed:
                pattern.withUnsafeBufferPointer { softmaxRow(p, p, tk, allowed: $0.baseAddress! + i * tk) }
            case .allowedPerBatch:
                pattern.withUnsafeBufferPointer { softmaxRow(p, p, tk, allowed: $0.baseAddress! + (b * tq + i) * tk) }
            }
        }
        let probabilities = Storage(uninitialized: batch * heads * tq * tk)
        let out = Storage(uninitialized: batch * tq * width)
        for b in 0..<batch {
            for h in 0..<heads {
                let qh = q.pointer + b * tq * width + h * dh, kh = k.pointer + b * tk * width + h * dh
                let vh = v.pointer + b * tk * width + h * dh
                let p = probabilities.pointer + (b * heads + h) * tq * tk
                BLAS.gemm(transposeB: true, m: tq, n: tk, k: dh, alpha: scale, a: qh, lda: width, b: kh, ldb: width, beta: 0, c: p, ldc: tk)
                for i in 0..<tq { maskedSoftmax(p + i * tk, batch: b, row: i) }
                BLAS.gemm(m: tq, n: dh, k: tk, a: p, lda: tk, b: vh, ldb: width, beta: 0, c: out.pointer + b * tq * width + h * dh, ldc: width)
            }
        }
        return Tensor(shape: [batch, tq, width], storage: out, inputs: [q, k, v]) { node in
            let g = node.gradStorage!.pointer
            let dp = Storage(uninitialized: tq * tk)
            let gq = q.requiresGrad ? q.gradPointer() : nil, gk = k.requiresGrad ? k.gradPointer() : nil
            let gv = v.requiresGrad ? v.gradPointer() : nil
            for b in 0..<batch {
                for h in 0..<heads {
                    let offset = h * dh
                    let qh = q.pointer + b * tq * width + offset, kh = k.pointer + b * tk * width + offset
                    let vh = v.pointer + b * tk * width + offset, gh = g + b * tq * width + offset
                    let p = probabilities.pointer + (b * heads + h) * tq * tk
                    if let gv {
                        BLAS.gemm(transposeA: true, m: tk, n: dh, k: tq, a: p, lda: tk, b: gh, ldb: width, beta: 1,
                                  c: gv + b * tk * width + offset, ldc: width)
                    }
                    guard gq != nil || gk != nil else { continue }
                    // dP = dO·Vᵀ, then the softmax rule row by row gives dS (scaled back by 1/√dh).
                    BLAS.gemm(transposeB: true, m: tq, n: tk, k: dh, a: gh, lda: width, b: vh, ldb: width, beta: 0, c: dp.pointer, ldc: tk)
                    for i in 0..<tq {
                        let pr = p + i * tk, dr = dp.pointer + i * tk, limit = visible(i)
                        let dot = VectorMath.dot(limit, dr, pr)
                        VectorMath.map2(limit, pr, dr, dr) { scale * $0 * ($1 - dot) }
                        (dr + limit).update(repeating: 0, count: tk - limit)
                    }
                    if let gq {
                        BLAS.gemm(m: tq, n: dh, k: tk, a: dp.pointer, lda: tk, b: kh, ldb: width, beta: 1, c: gq + b * tq * width + offset, ldc: width)
                    }
                    if let gk {
                        BLAS.gemm(transposeA: true, m: tk, n: dh, k: tq, a: dp.pointer, lda: tk, b: qh, ldb: width, beta: 1,
                                  c: gk + b * tk * width + offset, ldc: width)
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// `attention` for masks that limit each row to a prefix of the keys, through
    /// `AttentionInCache`: only each row's log-sum-exp is kept for the backward pass.
    private static func inCache(query q: Tensor, key k: Tensor, value v: Tensor, heads: Int,
                                visible: @escaping (Int) -> Int) -> Tensor {
        let batch = q.shape[0], tq = q.shape[1], tk = k.shape[1], width = q.shape[2], dh = width / heads
        let kernel = AttentionInCache(tq: tq, tk: tk, width: width, headWidth: dh, scale: 1 / Float(dh).squareRoot(), visible: visible)
        let logSumExp = Storage(uninitialized: batch * heads * tq)
        let out = Storage(uninitialized: batch * tq * width)
        let scratch = AttentionInCache.Scratch(kernel)
        for b in 0..<batch {
            for h in 0..<heads {
                let offset = h * dh
                kernel.forward(query: q.pointer + b * tq * width + offset, keys: k.pointer + b * tk * width + offset,
                               values: v.pointer + b * tk * width + offset, out: out.pointer + b * tq * width + offset,
                               logSumExp: logSumExp.pointer + (b * heads + h) * tq, scratch)
            }
        }
        return Tensor(shape: [batch, tq, width], storage: out, inputs: [q, k, v]) { node in
            let g = node.gradStorage!.pointer
            let gq = q.requiresGrad ? q.gradPointer() : nil, gk = k.requiresGrad ? k.gradPointer() : nil
            let gv = v.requiresGrad ? v.gradPointer() : nil
            let scratch = AttentionInCache.Scratch(kernel)
            for b in 0..<batch {
                for h in 0..<heads {
                    let offset = h * dh, rows = b * tq * width + offset, keys = b * tk * width + offset
                    kernel.backward(query: q.pointer + rows, keys: k.pointer + keys, values: v.pointer + keys, outputGradient: g + rows,
                                    logSumExp: logSumExp.pointer + (b * heads + h) * tq,
                                    gq: gq.map { $0 + rows }, gk: gk.map { $0 + keys }, gv: gv.map { $0 + keys }, scratch)
                }
            }
        }
    }
}

extension Tensor {
    /// Attention in which every row reads its own short list of other rows: `projections`
    /// (B, N, 3D) holds each row's query, key and value side by side (columns 0..<D, D..<2D,
    /// 2D..<3D), and `memory` (N × J, shared by the batch) names for row n the rows whose keys
    /// and values it may attend to, −1 for none. softmax(q·k/√D) over the listed rows, then
    /// their values weighted, (B, N, D); a row with none listed gives zeros.
    ///
    /// Why fused: MQTransformer's decoder self-attention reads, for each forecast, the J
    /// earlier forecasts of the same target period — a few scattered rows. Gathering them as
    /// copies made (B, N, J, D) tensors five times over, a third of the network's epoch; here
    /// only the (B, N, J) weights are kept. The three projections come from one product and
    /// are read in place, without slicing them apart.
    public static func listAttention(_ projections: Tensor, memory: [Int32], perQuery J: Int) -> Tensor {
        precondition(projections.rank == 3 && projections.shape[2] % 3 == 0,
                     "list attention needs projections (B, N, 3D), got \(projections.shape)")
        let batch = projections.shape[0], n = projections.shape[1], d = projections.shape[2] / 3, stride = 3 * d
        precondition(J >= 1 && memory.count == n * J, "list attention memory has \(memory.count) entries, expected \(n)×\(J)")
        precondition(memory.allSatisfy { $0 >= -1 && Int($0) < n }, "list attention memory names a row outside 0..<\(n)")
        let scale = 1 / Float(d).squareRoot()
        let x = projections.pointer
        /// Row r's query, key or value (part 0, 1, 2) in window b.
        func row(_ b: Int, _ r: Int, _ part: Int) -> Int { (b * n + r) * stride + part * d }
        let weights = Storage(uninitialized: batch * n * J)
        let out = Storage(uninitialized: batch * n * d)
        memory.withUnsafeBufferPointer { rows in
            for b in 0..<batch {
                for i in 0..<n {
                    let qi = x + row(b, i, 0), oi = out.pointer + (b * n + i) * d
                    let p = weights.pointer + (b * n + i) * J
                    var maximum = -Float.infinity
                    for j in 0..<J {
                        let r = Int(rows[i * J + j])
                        guard r >= 0 else { p[j] = -.infinity; continue }
                        p[j] = VectorMath.dot(d, qi, x + row(b, r, 1)) * scale
                        maximum = Swift.max(maximum, p[j])
                    }
                    oi.update(repeating: 0, count: d)
                    guard maximum > -.infinity else { p.update(repeating: 0, count: J); continue }
                    var total: Float = 0
                    for j in 0..<J {
                        p[j] = p[j] == -.infinity ? 0 : expf(p[j] - maximum)
                        total += p[j]
                    }
                    for j in 0..<J where p[j] > 0 {
                        p[j] /= total
                        VectorMath.axpy(d, p[j], x + row(b, Int(rows[i * J + j]), 2), oi)
                    }
                }
            }
        }
        return Tensor(shape: [batch, n, d], storage: out, inputs: [projections]) { node in
            let g = node.gradStorage!.pointer, gx = projections.gradPointer()
            var dp = [Float](repeating: 0, count: J)
            memory.withUnsafeBufferPointer { rows in
                for b in 0..<batch {
                    for i in 0..<n {
                        let gi = g + (b * n + i) * d, qi = x + row(b, i, 0)
                        let p = weights.pointer + (b * n + i) * J
                        // dP_j = g·v_j; dS_j = P_j (dP_j − Σ P dP), scaled back by 1/√D.
                        var dot: Float = 0
                        for j in 0..<J where p[j] > 0 {
                            let r = Int(rows[i * J + j])
                            let s = VectorMath.dot(d, gi, x + row(b, r, 2))
                            dp[j] = s
                            dot += p[j] * s
                            VectorMath.axpy(d, p[j], gi, gx + row(b, r, 2))
                        }
                        for j in 0..<J where p[j] > 0 {
                            let r = Int(rows[i * J + j])
                            let ds = scale * p[j] * (dp[j] - dot)
                            VectorMath.axpy(d, ds, x + row(b, r, 1), gx + row(b, i, 0))
                            VectorMath.axpy(d, ds, qi, gx + row(b, r, 1))
                        }
                    }
                }
            }
        }
    }
}
