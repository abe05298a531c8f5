import CBLAS

extension Tensor {
    /// (m × k) · (k × n) through OpenBLAS `cblas_sgemm`; the backward pass is two more
    /// sgemm calls (dA = dC·Bᵀ, dB = Aᵀ·dC).
    public func matmul(_ other: Tensor) -> Tensor {
        precondition(rank == 2 && other.rank == 2 && shape[1] == other.shape[0],
                     "matmul needs (m×k)·(k×n), got \(shape) and \(other.shape)")
        let a = self, b = other
        let m = shape[0], k = shape[1], n = other.shape[1]
        var out = [Float](repeating: 0, count: m * n)
        Self.gemm(a.data, transposeA: false, b.data, transposeB: false, into: &out, m: m, n: n, k: k)
        return Tensor(shape: [m, n], data: out, inputs: [a, b]) { node in
            let g = node.grad!
            if a.requiresGrad {
                var ga = [Float](repeating: 0, count: m * k)
                Self.gemm(g, transposeA: false, b.data, transposeB: true, into: &ga, m: m, n: k, k: n)
                a.accumulate(ga)
            }
            if b.requiresGrad {
                var gb = [Float](repeating: 0, count: k * n)
                Self.gemm(a.data, transposeA: true, g, transposeB: false, into: &gb, m: k, n: n, k: m)
                b.accumulate(gb)
            }
        }
    }

    /// C (m×n) = op(A) · op(B), row-major, op(X) of size m×k and k×n.
    static func gemm(_ a: [Float], transposeA: Bool, _ b: [Float], transposeB: Bool, into c: inout [Float], m: Int, n: Int, k: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        _ = BLAS.singleThreaded
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n), 0, &c, Int32(n))
    }
}

/// OpenBLAS runs on one thread: measured faster here than two on a shared machine, and it
/// keeps results bit-identical from run to run. Parallelism belongs at a coarser grain.
enum BLAS {
    /// Set once, thread-safely (a static's initialiser runs exactly once).
    static let singleThreaded: Void = openblas_set_num_threads(1)
}
