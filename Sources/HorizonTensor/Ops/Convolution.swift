/// Causal dilated 1-D convolution, the encoder of MQ-CNN and MQTransformer.
extension Tensor {
    /// y[b, t] = bias + Σ_k x[b, t − (K−1−k)·dilation] · W[k], with x of shape (B, T, Cin),
    /// W of shape (K, Cin, Cout) and bias (Cout); positions before the start count as zero,
    /// so y[b, t] sees only x[b, ≤ t] (no look-ahead).
    ///
    /// Computed as one sgemm over an im2col matrix of shape (B·T, K·Cin) — one large product
    /// runs near the BLAS peak where K small per-batch products would not — and the backward
    /// pass is two more sgemm calls plus a scatter of the column gradient.
    public func causalConv1D(weight: Tensor, bias: Tensor?, dilation: Int = 1) -> Tensor {
        precondition(rank == 3, "causal convolution needs input (batch, time, channels), got \(shape)")
        precondition(weight.rank == 3 && weight.shape[1] == shape[2],
                     "convolution weight \(weight.shape) does not fit input \(shape): expected (kernel, \(shape[2]), out)")
        precondition(dilation >= 1, "dilation must be at least 1, got \(dilation)")
        let x = self
        let batch = shape[0], steps = shape[1], cin = shape[2]
        let kernel = weight.shape[0], cout = weight.shape[2]
        if let bias { precondition(bias.shape == [cout], "bias \(bias.shape) does not fit \(cout) output channels") }
        let width = kernel * cin
        let rows = batch * steps
        let columns = Storage(uninitialized: rows * width)
        let col = columns.pointer, src = x.pointer
        for b in 0..<batch {
            for t in 0..<steps {
                let row = col + (b * steps + t) * width
                for k in 0..<kernel {
                    let s = t - (kernel - 1 - k) * dilation
                    if s >= 0 {
                        (row + k * cin).update(from: src + (b * steps + s) * cin, count: cin)
                    } else {
                        (row + k * cin).update(repeating: 0, count: cin)
                    }
                }
            }
        }
        let out = Storage(uninitialized: rows * cout)
        if let bias { for r in 0..<rows { (out.pointer + r * cout).update(from: bias.pointer, count: cout) } }
        BLAS.gemm(m: rows, n: cout, k: width, a: col, lda: width, b: weight.pointer, ldb: cout,
                  beta: bias == nil ? 0 : 1, c: out.pointer, ldc: cout)
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return Tensor(shape: [batch, steps, cout], storage: out, inputs: inputs) { node in
            let g = node.gradStorage!.pointer
            if weight.requiresGrad {
                let (gw, beta) = weight.gradTarget()
                BLAS.gemm(transposeA: true, m: width, n: cout, k: rows, a: columns.pointer, lda: width, b: g, ldb: cout,
                          beta: beta, c: gw, ldc: cout)
            }
            if let bias, bias.requiresGrad {
                let gb = bias.gradPointer()
                for r in 0..<rows { for j in 0..<cout { gb[j] += g[r * cout + j] } }
            }
            guard x.requiresGrad else { return }
            let dcol = Storage(uninitialized: rows * width)
            BLAS.gemm(transposeB: true, m: rows, n: width, k: cout, a: g, lda: cout, b: weight.pointer, ldb: cout,
                      beta: 0, c: dcol.pointer, ldc: width)
            let gx = x.gradPointer()
            for b in 0..<batch {
                for t in 0..<steps {
                    let row = dcol.pointer + (b * steps + t) * width
                    for k in 0..<kernel {
                        let s = t - (kernel - 1 - k) * dilation
                        guard s >= 0 else { continue }
                        let dst = gx + (b * steps + s) * cin, from = row + k * cin
                        for c in 0..<cin { dst[c] += from[c] }
                    }
                }
            }
        }
    }
}
