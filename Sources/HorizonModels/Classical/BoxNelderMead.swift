/// Nelder–Mead inside a box, with the dimension-adaptive coefficients of Gao & Han (2012):
/// the simplex search statsforecast fits ETS with (its `nm::NelderMead`), rewritten here.
///
/// Why this one for ETS rather than R's `nmmin` (`NelderMead`): it is what statsforecast's
/// AutoETS runs, and on long seasonal series that search stops well short of the likelihood
/// optimum (1000 iterations for ~27 coordinates; on M4 Hourly every seasonal fit ends at the
/// cap). Which model AICc then picks, and how well it forecasts, depends on that path, so
/// matching statsforecast means walking the same path:
/// - every trial point is clamped into [lower, upper] (the box replaces returning ∞ outside it);
/// - the start simplex is x₀ and, for each i, x₀ with coordinate i scaled by 1 + `initialStep`
///   (or set to `zeroStep` when it is 0), each clamped;
/// - reflection 1, expansion 1 + 2/n, contraction 0.75 − 1/(2n), shrink 1 − 1/n; a shrink
///   moves every vertex but the first toward the best, as the reference does;
/// - it stops when the population standard deviation of the n + 1 values falls below
///   `tolerance`, or after `maxIterations` iterations.
///
/// Speed without changing the path: the objective takes up to four points at once (one SIMD
/// pass of the ETS recursions costs little more than one point). Each iteration evaluates the
/// reflection, the expansion and both contractions together — all four are known before any is
/// evaluated — and then takes the same decisions the sequential method would.
///
/// Two departures from the reference, bug fixes that change nothing on a converged search: it
/// returns the best vertex of the final simplex (the reference returns the vertex that was best
/// at the start of its last iteration), and a NaN value counts as +∞ (the reference turns a NaN
/// likelihood into −∞, the best possible value).
public struct BoxNelderMead: Sendable {
    public var initialStep = 0.05
    public var zeroStep = 1e-4
    public var tolerance: Double
    public var maxIterations: Int

    public init(tolerance: Double = 1e-4, maxIterations: Int = 1000) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// Up to four points to evaluate: point j's coordinates are `points[j * dimension ..< (j + 1) * dimension]`.
    /// Lanes past `count` repeat point 0, so every lane holds a valid point.
    public struct Batch {
        public let points: UnsafeBufferPointer<Double>
        public let dimension: Int
        public let count: Int

        @inline(__always) public subscript(point: Int, coordinate: Int) -> Double { points[point * dimension + coordinate] }
    }

    public struct Result: Sendable {
        public var x: [Double]
        public var value: Double
        public var iterations: Int
        /// False when the iteration budget ran out before the values agreed within `tolerance`.
        public var converged: Bool
    }

    /// Minimises `f` from `start` inside [lower, upper] (±∞ for free coordinates). `f` returns the
    /// value of each point of the batch in its lane; it reads buffers owned by the optimiser, so
    /// nothing is allocated per evaluation.
    public func minimize(_ start: [Double], lower: [Double], upper: [Double], _ f: (Batch) -> SIMD4<Double>) -> Result {
        let n = start.count
        precondition(n > 0 && lower.count == n && upper.count == n, "bounds must match a non-empty start")
        let rows = n + 1
        let dn = Double(n)
        let expansion = 1 + 2 / dn
        let contraction = 0.75 - 1 / (2 * dn)
        let shrink = 1 - 1 / dn

        // simplex[r * n + i]: coordinate i of vertex r. batch: the four points of one call.
        var simplex = [Double](repeating: 0, count: rows * n)
        var values = [Double](repeating: 0, count: rows)
        var centroid = [Double](repeating: 0, count: n)
        var batch = [Double](repeating: 0, count: 4 * n)
        var iterations = 0
        var converged = false

        @inline(__always) func clamp(_ v: Double, _ i: Int) -> Double { min(max(v, lower[i]), upper[i]) }

        batch.withUnsafeMutableBufferPointer { b in
            simplex.withUnsafeMutableBufferPointer { s in
                /// Evaluates the first `count` points of the batch (the rest repeat point 0).
                func evaluate(_ count: Int) -> SIMD4<Double> {
                    for j in count..<4 { for i in 0..<n { b[j * n + i] = b[i] } }
                    var v = f(Batch(points: UnsafeBufferPointer(b), dimension: n, count: count))
                    v.replace(with: .infinity, where: v .!= v)
                    return v
                }
                /// Evaluates vertices `from..<rows` of the simplex, four at a time.
                func evaluateVertices(from first: Int) {
                    var r = first
                    while r < rows {
                        let count = min(4, rows - r)
                        for j in 0..<count { for i in 0..<n { b[j * n + i] = s[(r + j) * n + i] } }
                        let v = evaluate(count)
                        for j in 0..<count { values[r + j] = v[j] }
                        r += count
                    }
                }
                func accept(_ lane: Int, _ value: Double, into row: Int) {
                    for i in 0..<n { s[row * n + i] = b[lane * n + i] }
                    values[row] = value
                }

                for r in 0..<rows { for i in 0..<n { s[r * n + i] = clamp(start[i], i) } }
                for i in 0..<n {
                    let v = s[i * n + i]
                    s[i * n + i] = clamp(v == 0 ? zeroStep : v * (1 + initialStep), i)
                }
                evaluateVertices(from: 0)

                while iterations < maxIterations {
                    if Self.standardDeviation(values) < tolerance { converged = true; break }
                    iterations += 1
                    // The first best, the last worst and the last second worst: the positions a
                    // stable sort of the values would give, found in one scan.
                    var best = 0, worst = 0
                    for r in 1..<rows {
                        if values[r] < values[best] { best = r }
                        if values[r] >= values[worst] { worst = r }
                    }
                    var secondWorst = worst == 0 ? 1 : 0
                    for r in 0..<rows where r != worst && values[r] >= values[secondWorst] { secondWorst = r }
                    for i in 0..<n { centroid[i] = 0 }
                    for r in 0..<rows where r != worst {
                        for i in 0..<n { centroid[i] += s[r * n + i] }
                    }
                    for i in 0..<n { centroid[i] /= dn }
                    // Lanes: 0 reflection, 1 expansion, 2 outside and 3 inside contraction.
                    for i in 0..<n {
                        let o = centroid[i]
                        let r = clamp(o + (o - s[worst * n + i]), i)
                        b[i] = r
                        b[n + i] = clamp(o + expansion * (r - o), i)
                        b[2 * n + i] = clamp(o + contraction * (r - o), i)
                        b[3 * n + i] = clamp(o - contraction * (r - o), i)
                    }
                    let v = evaluate(4)
                    let fr = v[0]
                    if values[best] <= fr && fr < values[secondWorst] { accept(0, fr, into: worst); continue }
                    if fr < values[best] {
                        if v[1] < fr { accept(1, v[1], into: worst) } else { accept(0, fr, into: worst) }
                        continue
                    }
                    if fr < values[worst] {
                        if v[2] <= fr { accept(2, v[2], into: worst); continue }
                    } else if v[3] < values[worst] {
                        accept(3, v[3], into: worst)
                        continue
                    }
                    for r in 1..<rows {
                        for i in 0..<n { s[r * n + i] = clamp(s[best * n + i] + shrink * (s[r * n + i] - s[best * n + i]), i) }
                    }
                    evaluateVertices(from: 1)
                }
            }
        }
        var bestRow = 0
        for r in 1..<rows where values[r] < values[bestRow] { bestRow = r }
        return Result(x: Array(simplex[(bestRow * n)..<(bestRow * n + n)]), value: values[bestRow],
                      iterations: iterations, converged: converged)
    }

    /// The population standard deviation (divisor n + 1), the reference's stopping rule.
    static func standardDeviation(_ v: [Double]) -> Double {
        let mean = v.reduce(0, +) / Double(v.count)
        var sum = 0.0
        for x in v { sum += (x - mean) * (x - mean) }
        return (sum / Double(v.count)).squareRoot()
    }
}
