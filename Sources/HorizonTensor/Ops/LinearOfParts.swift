extension Tensor {
    /// [x₁ ; x₂ ; …]·W + b without joining the parts: Σᵢ xᵢ·Wᵢ + b, where Wᵢ are W's rows for
    /// part i in order. A part with fewer rows than the output stands for each of its rows
    /// repeated over consecutive output rows — (A, 1, C) beside parts of (A, K, ·) — and its
    /// product is taken once per row it has, not once per output row.
    ///
    /// Why: the MQ decoders' layers read several per-horizon inputs side by side (contexts,
    /// future features, attention outputs) and one per forecast time shared by every horizon.
    /// Joining them copied (B·F·K) rows forward and split their gradient backward, and the
    /// shared part went through a broadcast sum; here every product accumulates into one output
    /// (sgemm with β = 1) and each part's gradient is written where it lives.
    public static func linear(_ parts: [Tensor], _ weight: Tensor, _ bias: Tensor? = nil) -> Tensor {
        let widths = parts.map { $0.shape.last ?? 0 }
        let n = weight.shape.last ?? 0
        precondition(weight.rank == 2 && widths.reduce(0, +) == weight.shape[0],
                     "linear of parts needs a weight with \(widths.reduce(0, +)) rows, got \(weight.shape)")
        if let bias { precondition(bias.shape == [n], "bias \(bias.shape) does not fit weight \(weight.shape)") }
        let rows = parts.map { $0.shape.dropLast().reduce(1, *) }
        guard let full = rows.indices.max(by: { rows[$0] < rows[$1] }) else { preconditionFailure("linear of no parts") }
        let m = rows[full]
        precondition(rows.allSatisfy { $0 > 0 && m % $0 == 0 }, "linear of parts needs row counts dividing \(m), got \(rows)")
        let offsets = widths.reduce(into: [0]) { $0.append($0.last! + $1) }
        /// Products of the repeated parts, one row per row of the part.
        var shared: [(part: Int, product: Storage)] = []
        for i in parts.indices where rows[i] < m && widths[i] > 0 {
            let product = Storage(uninitialized: rows[i] * n)
            BLAS.gemm(m: rows[i], n: n, k: widths[i], a: parts[i].pointer, lda: widths[i], b: weight.pointer + offsets[i] * n, ldb: n,
                      beta: 0, c: product.pointer, ldc: n)
            shared.append((i, product))
        }
        let out = Storage(uninitialized: m * n)
        // Each output row starts as the bias plus the repeated parts' products: one pass.
        for r in 0..<m {
            let row = out.pointer + r * n
            if let bias { row.update(from: bias.pointer, count: n) } else { row.update(repeating: 0, count: n) }
            for (i, product) in shared {
                let source = product.pointer + (r / (m / rows[i])) * n
                for j in 0..<n { row[j] += source[j] }
            }
        }
        for i in parts.indices where rows[i] == m && widths[i] > 0 {
            BLAS.gemm(m: m, n: n, k: widths[i], a: parts[i].pointer, lda: widths[i], b: weight.pointer + offsets[i] * n, ldb: n,
                      beta: 1, c: out.pointer, ldc: n)
        }
        let outputShape = Array(parts[full].shape.dropLast()) + [n]
        return Tensor(shape: outputShape, storage: out, inputs: parts + [weight] + (bias.map { [$0] } ?? [])) { node in
            let g = node.gradStorage!.pointer
            // The gradient of a repeated part's product is the sum of its output rows' gradients.
            var summed: [Int: Storage] = [:]
            for i in parts.indices where rows[i] < m && widths[i] > 0 && summed[rows[i]] == nil {
                let s = Storage(zeros: rows[i] * n), repeats = m / rows[i]
                for r in 0..<m {
                    let source = g + r * n, target = s.pointer + (r / repeats) * n
                    for j in 0..<n { target[j] += source[j] }
                }
                summed[rows[i]] = s
            }
            let gw = weight.requiresGrad ? weight.gradTarget() : nil
            for i in parts.indices {
                let k = widths[i], count = rows[i]
                guard k > 0 else { continue }
                let dy = count < m ? UnsafePointer(summed[count]!.pointer) : UnsafePointer(g)
                let x = parts[i]
                if x.requiresGrad {
                    let (gx, beta) = x.gradTarget()
                    BLAS.gemm(transposeB: true, m: count, n: k, k: n, a: dy, lda: n, b: weight.pointer + offsets[i] * n, ldb: n,
                              beta: beta, c: gx, ldc: k)
                }
                if let gw {
                    BLAS.gemm(transposeA: true, m: k, n: n, k: count, a: x.pointer, lda: k, b: dy, ldb: n,
                              beta: gw.beta, c: gw.pointer + offsets[i] * n, ldc: n)
                }
            }
            if let bias, bias.requiresGrad {
                // Fewer rows to add up when a repeated part's sums exist.
                if let (count, s) = summed.min(by: { $0.key < $1.key }) {
                    Self.addColumnSums(s.pointer, rows: count, columns: n, into: bias.gradPointer())
                } else {
                    Self.addColumnSums(g, rows: m, columns: n, into: bias.gradPointer())
                }
            }
        }
    }
}
