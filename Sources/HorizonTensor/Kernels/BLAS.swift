import Foundation
import HorizonCore

/// Single-precision matrix products through OpenBLAS, loaded when first used.
///
/// OpenBLAS picks its kernels by CPU model when it loads, and a release older than the CPU
/// does not know the model: Debian 12's 0.3.21 reads a Sapphire Rapids Xeon as a Pentium 4
/// ("Prescott", SSE3) and runs sgemm 4–5× below what the machine does with its AVX-512 kernels
/// (24 against 120 GFLOP/s here, `horizon-bench engine`). `OPENBLAS_CORETYPE` overrides the
/// choice, but only if it is set before the library's constructor runs — at program start for
/// a linked library — so the library is opened here with `dlopen`, after the core type is
/// chosen from the CPU's features (which a newer release also falls back to). A core type the
/// user set is left alone.
///
/// OpenBLAS runs on one thread: measured faster here than two on a shared 2-core machine, and
/// it keeps every result bit-identical from run to run. Parallelism belongs at a coarser grain
/// (see `shared/notes/swift-engineering.md`).
enum BLAS {
    typealias Sgemm = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                      UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias CoreName = @convention(c) () -> UnsafePointer<CChar>?

    /// CBLAS's row-major and transpose codes (cblas.h).
    static let rowMajor: Int32 = 101, noTranspose: Int32 = 111, transpose: Int32 = 112

    struct Library {
        let sgemm: Sgemm
        let coreName: CoreName?
    }

    /// Opened once, thread-safely (a static's initialiser runs exactly once). A machine without
    /// OpenBLAS still runs everything but the networks: the failure is kept, and
    /// `requireOpenBLAS` throws it for the command that needs the library (the session goes on).
    static let library: Result<Library, HorizonError> = {
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil, let core = coreType(cpuFlags: cpuFlags()) {
            setenv("OPENBLAS_CORETYPE", core, 0)
        }
        return open(["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"])
    }()

    /// The first of `names` that loads and has `cblas_sgemm`, set to one thread.
    static func open(_ names: [String]) -> Result<Library, HorizonError> {
        guard let handle = names.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_GLOBAL) }).first else {
            return .failure(HorizonError("cannot load OpenBLAS (\(names.joined(separator: ", "))), which the networks need",
                                         suggestion: "install it: apt-get install libopenblas0"))
        }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: type) }
        }
        guard let sgemm = symbol("cblas_sgemm", as: Sgemm.self) else {
            return .failure(HorizonError("the OpenBLAS loaded has no cblas_sgemm", suggestion: "reinstall it: apt-get install --reinstall libopenblas0"))
        }
        symbol("openblas_set_num_threads", as: SetThreads.self)?(1)
        return .success(Library(sgemm: sgemm, coreName: symbol("openblas_get_corename", as: CoreName.self)))
    }

    /// The kernels for a CPU with these `/proc/cpuinfo` flags: SkylakeX's with AVX-512 (F, DQ,
    /// BW, VL), Haswell's with AVX2 and FMA, and OpenBLAS's own choice otherwise (nil).
    static func coreType(cpuFlags flags: Set<String>) -> String? {
        if flags.isSuperset(of: ["avx512f", "avx512dq", "avx512bw", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The CPU's feature flags as the kernel reports them (only features the kernel enabled),
    /// empty where there is no `/proc/cpuinfo`.
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// The kernel family OpenBLAS runs (e.g. "SkylakeX"), for benchmark tables.
    static var coreName: String {
        (try? library.get())?.coreName?().map { String(cString: $0) } ?? "unknown"
    }

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
        // Every path into the engine's products starts at a network's fit or forecast, which
        // checks the library first (`requireOpenBLAS`); reaching here without it is a bug.
        guard case .success(let library) = library else { preconditionFailure("OpenBLAS used without requireOpenBLAS()") }
        library.sgemm(rowMajor, transposeA ? transpose : noTranspose, transposeB ? transpose : noTranspose,
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

/// Throws a clear error where OpenBLAS cannot be loaded. Models built on the tensor engine call
/// it before they compute, so a machine without the library fails the one command, not the
/// session (the library is loaded at first use, not at start, to choose its kernels first).
public func requireOpenBLAS() throws { _ = try BLAS.library.get() }

/// The OpenBLAS kernel family in use, for benchmark tables.
public var blasCoreName: String { BLAS.coreName }
