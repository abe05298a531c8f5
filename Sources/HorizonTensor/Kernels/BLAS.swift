import CBLAS

/// Single-precision matrix products through OpenBLAS.
///
/// OpenBLAS runs on one thread: measured faster here than two on a shared 2-core machine, and
/// it keeps every result bit-identical from run to run. Parallelism belongs at a coarser grain
/// (see `shared/notes/swift-engineering.md`).
enum BLAS {
    /// Set once, thread-safely (a static's initialiser runs exactly once).
    static let singleThreaded: Void = openblas_set_num_threads(1)

    /// C (m×n) = alpha·op(A)·op(B) + beta·C, row-major; op(A) is m×k, op(B) is k×n, and the
    /// leading dimensions let a head of a wider matrix be used in place (attention heads).
    @inline(__always)
    static func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// A raw `cblas_sgemm` of contiguous row-major matrices, for benchmarks that compare the
    /// engine's matmul with the library it calls.
    public static func rawGemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, beta: 0, c: c, ldc: n)
    }
}

/// Benchmarks reach the raw sgemm through this, so they time exactly what the engine calls.
public func rawSgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
    BLAS.rawGemm(m: m, n: n, k: k, a: a, b: b, c: c)
}
