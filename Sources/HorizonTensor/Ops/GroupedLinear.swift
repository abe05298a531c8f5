extension Tensor {
    /// (…, G, in) · (G, in, out) → (…, G, out): group g of every row through its own matrix.
    ///
    /// Why: MQTransformer projects the positional encoding at t + k by horizon k's own matrix.
    /// As a batched product that needs the groups first — a permuted copy of the input, and of
    /// the output back — forward and backward, on M4 Hourly 73,728 rows each. Here each group
    /// is one sgemm reading and writing the rows in place, with strides.
    public func groupedLinear(_ weight: Tensor) -> Tensor {
        precondition(rank >= 2 && weight.rank == 3 && shape[rank - 2] == weight.shape[0] && shape[rank - 1] == weight.shape[1],
                     "grouped linear needs (…, G, in) and (G, in, out), got \(shape) and \(weight.shape)")
        let x = self
        let groups = weight.shape[0], k = weight.shape[1], n = weight.shape[2]
        let m = count / Swift.max(groups * k, 1)
        let out = Storage(uninitialized: m * groups * n)
        for g in 0..<groups {
            BLAS.gemm(m: m, n: n, k: k, a: x.pointer + g * k, lda: groups * k, b: weight.pointer + g * k * n, ldb: n,
                      beta: 0, c: out.pointer + g * n, ldc: groups * n)
        }
        return Tensor(shape: Array(shape.dropLast()) + [n], storage: out, inputs: [x, weight]) { node in
            let dy = node.gradStorage!.pointer
            // Each group writes its own columns and its own matrix, so a fresh gradient is
            // written rather than added.
            let gx = x.requiresGrad ? x.gradTarget() : nil, gw = weight.requiresGrad ? weight.gradTarget() : nil
            for g in 0..<groups {
                if let gx {
                    BLAS.gemm(transposeB: true, m: m, n: k, k: n, a: dy + g * n, lda: groups * n, b: weight.pointer + g * k * n, ldb: n,
                              beta: gx.beta, c: gx.pointer + g * k, ldc: groups * k)
                }
                if let gw {
                    BLAS.gemm(transposeA: true, m: k, n: n, k: m, a: x.pointer + g * k, lda: groups * k, b: dy + g * n, ldb: groups * n,
                              beta: gw.beta, c: gw.pointer + g * k * n, ldc: n)
                }
            }
        }
    }
}
