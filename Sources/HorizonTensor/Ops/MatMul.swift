/// Matrix products on OpenBLAS sgemm: plain, batched, and the fused affine layer.
extension Tensor {
    /// (…, m, k) · (k, n) → (…, m, n): the leading dimensions fold into m, so a whole batch
    /// of sequences goes through one sgemm. (…, m, k) · (…, k, n) with equal leading
    /// dimensions is a batched product, one sgemm per matrix.
    /// Backward: dA = dC·Bᵀ and dB = Aᵀ·dC, accumulated in place (beta = 1).
    public func matmul(_ other: Tensor) -> Tensor {
        precondition(rank >= 2 && other.rank >= 2 && shape[rank - 1] == other.shape[other.rank - 2],
                     "matmul needs (…, m, k)·(…, k, n), got \(shape) and \(other.shape)")
        if other.rank == 2 { return linear(other) }  // the leading dimensions fold into m
        precondition(Array(shape.dropLast(2)) == Array(other.shape.dropLast(2)),
                     "batched matmul needs equal batch dimensions, got \(shape) and \(other.shape)")
        return batchedMatmul(other)
    }

    private func batchedMatmul(_ b: Tensor) -> Tensor {
        let a = self
        let m = shape[rank - 2], k = shape[rank - 1], n = b.shape[b.rank - 1]
        let batches = shape.dropLast(2).reduce(1, *)
        let out = Storage(uninitialized: batches * m * n)
        for i in 0..<batches {
            BLAS.gemm(m: m, n: n, k: k, a: a.pointer + i * m * k, lda: k, b: b.pointer + i * k * n, ldb: n,
                      beta: 0, c: out.pointer + i * m * n, ldc: n)
        }
        return Tensor(shape: Array(shape.dropLast()) + [n], storage: out, inputs: [a, b]) { node in
            let g = node.gradStorage!.pointer
            // Each product writes its own slice, so a fresh gradient is written rather than added.
            let ga = a.requiresGrad ? a.gradTarget() : nil, gb = b.requiresGrad ? b.gradTarget() : nil
            for i in 0..<batches {
                if let ga {
                    BLAS.gemm(transposeB: true, m: m, n: k, k: n, a: g + i * m * n, lda: n, b: b.pointer + i * k * n, ldb: n,
                              beta: ga.beta, c: ga.pointer + i * m * k, ldc: k)
                }
                if let gb {
                    BLAS.gemm(transposeA: true, m: k, n: n, k: m, a: a.pointer + i * m * k, lda: k, b: g + i * m * n, ldb: n,
                              beta: gb.beta, c: gb.pointer + i * k * n, ldc: n)
                }
            }
        }
    }

    /// x·W + b for x of shape (…, in), W (in, out) and b (out): one sgemm with the bias
    /// folded into its output, one node in the graph instead of two.
    public func linear(_ weight: Tensor, _ bias: Tensor? = nil) -> Tensor {
        precondition(weight.rank == 2 && shape.last == weight.shape[0],
                     "linear needs input (…, \(weight.shape.first ?? 0)) for weight \(weight.shape), got \(shape)")
        let x = self
        let k = weight.shape[0], n = weight.shape[1], m = count / Swift.max(k, 1)
        if let bias { precondition(bias.shape == [n], "bias \(bias.shape) does not fit weight \(weight.shape)") }
        let out = Storage(uninitialized: m * n)
        if let bias {
            for i in 0..<m { (out.pointer + i * n).update(from: bias.pointer, count: n) }
        }
        BLAS.gemm(m: m, n: n, k: k, a: x.pointer, lda: k, b: weight.pointer, ldb: n, beta: bias == nil ? 0 : 1, c: out.pointer, ldc: n)
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return Tensor(shape: Array(shape.dropLast()) + [n], storage: out, inputs: inputs) { node in
            let g = node.gradStorage!.pointer
            if x.requiresGrad {
                let (gx, beta) = x.gradTarget()
                BLAS.gemm(transposeB: true, m: m, n: k, k: n, a: g, lda: n, b: weight.pointer, ldb: n, beta: beta, c: gx, ldc: k)
            }
            if weight.requiresGrad {
                let (gw, beta) = weight.gradTarget()
                BLAS.gemm(transposeA: true, m: k, n: n, k: m, a: x.pointer, lda: k, b: g, ldb: n, beta: beta, c: gw, ldc: n)
            }
            if let bias, bias.requiresGrad { Self.addColumnSums(g, rows: m, columns: n, into: bias.gradPointer()) }
        }
    }
}
