/// Nelder–Mead simplex minimisation, step for step as R's `optim(method = "Nelder-Mead")`
/// (the `nmmin` routine from Nash, *Compact Numerical Methods*, 1990).
///
/// Why a faithful port rather than any simplex method: R's `forecast::ets` (and so the M4
/// benchmarks SES, Holt, Damped and Theta) fits through exactly this routine, and Nelder–Mead
/// stops at a point that depends on its path. Reproducing the organisers' forecasts to 1e-6
/// needs the same start simplex, the same moves and the same stopping rule:
/// - the start simplex steps every coordinate by 10% of the largest |x₀ᵢ| (0.1 if all are 0);
/// - reflection 1, contraction 0.5, expansion 2; a failed contraction shrinks toward the best;
/// - it stops when the spread of the simplex values is within `relativeTolerance·(|f(x₀)| + tol)`,
///   or after `maxEvaluations` evaluations (reported as not converged);
/// - a non-finite value counts as 1e35, so bounds are enforced by returning `.infinity`.
public struct NelderMead: Sendable {
    public var relativeTolerance = Double.ulpOfOne.squareRoot()
    public var maxEvaluations = 2000
    let reflection = 1.0, contraction = 0.5, expansion = 2.0
    let big = 1.0e35

    public init(relativeTolerance: Double = Double.ulpOfOne.squareRoot(), maxEvaluations: Int = 2000) {
        self.relativeTolerance = relativeTolerance
        self.maxEvaluations = maxEvaluations
    }

    public struct Result: Sendable {
        public var x: [Double]
        public var value: Double
        public var evaluations: Int
        /// False when the evaluation budget ran out, the simplex degenerated, or the start was not finite.
        public var converged: Bool
    }

    /// Minimises `f` from `start`. `f` reads its argument from a buffer that is reused
    /// between calls (so the objective allocates nothing).
    public func minimize(_ start: [Double], _ f: (UnsafeBufferPointer<Double>) -> Double) -> Result {
        let n = start.count
        var bvec = start
        func evaluate() -> Double { bvec.withUnsafeBufferPointer { f($0) } }
        let f0 = evaluate()
        guard f0.isFinite else { return Result(x: start, value: .infinity, evaluations: 1, converged: false) }
        guard n > 0 else { return Result(x: start, value: f0, evaluations: 1, converged: true) }
        // p[i][j]: coordinate i (row n holds the value) of vertex j; column n + 1 is the centroid.
        let rows = n + 1, cols = n + 2
        var p = [Double](repeating: 0, count: rows * cols)
        @inline(__always) func at(_ i: Int, _ j: Int) -> Int { i * cols + j }
        var funcount = 1
        let convtol = relativeTolerance * (abs(f0) + relativeTolerance)
        let n1 = n + 1, c = n + 2
        p[at(n1 - 1, 0)] = f0
        for i in 0..<n { p[at(i, 0)] = bvec[i] }
        var l = 1
        var size = 0.0
        var step = 0.0
        for i in 0..<n where 0.1 * abs(bvec[i]) > step { step = 0.1 * abs(bvec[i]) }
        if step == 0 { step = 0.1 }
        for j in 2...n1 {
            for i in 0..<n { p[at(i, j - 1)] = bvec[i] }
            var trystep = step
            while p[at(j - 2, j - 1)] == bvec[j - 2] {
                p[at(j - 2, j - 1)] = bvec[j - 2] + trystep
                trystep *= 10
            }
            size += trystep
        }
        var oldsize = size
        var calcvert = true
        var fail = 0
        repeat {
            if calcvert {
                for j in 0..<n1 where j + 1 != l {
                    for i in 0..<n { bvec[i] = p[at(i, j)] }
                    var v = evaluate()
                    if !v.isFinite { v = big }
                    funcount += 1
                    p[at(n1 - 1, j)] = v
                }
                calcvert = false
            }
            var vl = p[at(n1 - 1, l - 1)], vh = vl
            var h = l
            for j in 1...n1 where j != l {
                let v = p[at(n1 - 1, j - 1)]
                if v < vl { l = j; vl = v }
                if v > vh { h = j; vh = v }
            }
            if vh <= vl + convtol { break }
            for i in 0..<n {
                var temp = -p[at(i, h - 1)]
                for j in 0..<n1 { temp += p[at(i, j)] }
                p[at(i, c - 1)] = temp / Double(n)
            }
            for i in 0..<n { bvec[i] = (1 + reflection) * p[at(i, c - 1)] - reflection * p[at(i, h - 1)] }
            var v = evaluate()
            if !v.isFinite { v = big }
            funcount += 1
            let vr = v
            if vr < vl {
                p[at(n1 - 1, c - 1)] = v
                for i in 0..<n {
                    let e = expansion * bvec[i] + (1 - expansion) * p[at(i, c - 1)]
                    p[at(i, c - 1)] = bvec[i]
                    bvec[i] = e
                }
                v = evaluate()
                if !v.isFinite { v = big }
                funcount += 1
                if v < vr {
                    for i in 0..<n { p[at(i, h - 1)] = bvec[i] }
                    p[at(n1 - 1, h - 1)] = v
                } else {
                    for i in 0..<n { p[at(i, h - 1)] = p[at(i, c - 1)] }
                    p[at(n1 - 1, h - 1)] = vr
                }
            } else {
                if vr < vh {
                    for i in 0..<n { p[at(i, h - 1)] = bvec[i] }
                    p[at(n1 - 1, h - 1)] = vr
                }
                for i in 0..<n { bvec[i] = (1 - contraction) * p[at(i, h - 1)] + contraction * p[at(i, c - 1)] }
                v = evaluate()
                if !v.isFinite { v = big }
                funcount += 1
                if v < p[at(n1 - 1, h - 1)] {
                    for i in 0..<n { p[at(i, h - 1)] = bvec[i] }
                    p[at(n1 - 1, h - 1)] = v
                } else if vr >= vh {
                    calcvert = true
                    size = 0
                    for j in 0..<n1 where j + 1 != l {
                        for i in 0..<n {
                            p[at(i, j)] = contraction * (p[at(i, j)] - p[at(i, l - 1)]) + p[at(i, l - 1)]
                            size += abs(p[at(i, j)] - p[at(i, l - 1)])
                        }
                    }
                    if size < oldsize { oldsize = size } else { fail = 10; break }
                }
            }
        } while funcount <= maxEvaluations
        if funcount > maxEvaluations { fail = 1 }
        let x = (0..<n).map { p[at($0, l - 1)] }
        return Result(x: x, value: p[at(n1 - 1, l - 1)], evaluations: funcount, converged: fail == 0)
    }
}
