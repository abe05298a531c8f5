import HorizonCore

/// Softmax, layer normalisation and dropout: the per-row ops of attention blocks.
extension Tensor {
    /// Softmax over the last axis, computed stably (the row maximum is subtracted before
    /// exponentiating). `mask`, when given, has `maskRows × L` entries for rows of length L,
    /// applied to row r as pattern r % maskRows; masked entries get probability 0 and a row
    /// with everything masked comes out all zero.
    public func softmax(mask: [Bool]? = nil) -> Tensor {
        let length = shape.last ?? 1
        let rows = count / Swift.max(length, 1)
        let maskRows = mask.map { $0.count / Swift.max(length, 1) } ?? 0
        if let mask { precondition(maskRows > 0 && mask.count == maskRows * length, "softmax mask of \(mask.count) entries does not fit rows of \(length)") }
        let input = self
        let out = Storage(uninitialized: count)
        let x = pointer, y = out.pointer
        for r in 0..<rows {
            if let mask {
                mask.withUnsafeBufferPointer { m in
                    Self.softmaxRow(x + r * length, y + r * length, length, allowed: m.baseAddress! + (r % maskRows) * length)
                }
            } else {
                Self.softmaxRow(x + r * length, y + r * length, length)
            }
        }
        return Tensor(shape: shape, storage: out, inputs: [input]) { node in
            let g = node.gradStorage!.pointer, gi = input.gradPointer(), y = node.pointer
            for r in 0..<rows {
                Self.softmaxRowBackward(y + r * length, g + r * length, gi + r * length, length)
            }
        }
    }

    /// One row: y = exp(x − max) / Σ over the allowed entries — the first `prefix` ones (a
    /// causal limit), and of those the ones `allowed` marks when a pattern is given.
    @inline(__always)
    static func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                           prefix: Int? = nil, allowed: UnsafePointer<Bool>? = nil) {
        let limit = Swift.min(Swift.max(prefix ?? n, 0), n)
        var maximum = -Float.infinity
        if let allowed {
            for j in 0..<limit where allowed[j] { maximum = Swift.max(maximum, x[j]) }
        } else if limit > 0 {
            maximum = VectorMath.maximum(limit, x)
        }
        guard maximum > -Float.infinity else { y.update(repeating: 0, count: n); return }
        let shift = VectorMath.V(repeating: maximum)
        var total: Float = 0
        if let allowed {
            VectorMath.map(limit, x, y) { VectorMath.exp($0 - shift) }
            for j in 0..<limit {
                if !allowed[j] { y[j] = 0 }
                total += y[j]
            }
        } else {
            // Exponentials and their sum in one pass over the row rather than two.
            var lanes = VectorMath.V(repeating: 0), j = 0
            while j + VectorMath.width <= limit {
                let e = VectorMath.exp(VectorMath.load(x + j) - shift)
                VectorMath.store(e, y + j)
                lanes += e
                j += VectorMath.width
            }
            if j < limit {
                let tail = limit - j
                let e = VectorMath.exp(VectorMath.load(x + j, tail) - shift)
                VectorMath.store(e, y + j, tail)
                total = VectorMath.sum(tail, y + j)
            }
            total += VectorMath.sum(lanes)
        }
        if limit < n { (y + limit).update(repeating: 0, count: n - limit) }
        let inverse = 1 / total
        VectorMath.map(limit, y, y) { $0 * inverse }
    }

    /// dx += y ⊙ (g − Σ g⊙y).
    @inline(__always)
    static func softmaxRowBackward(_ y: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>, _ n: Int) {
        var dot: Float = 0
        for j in 0..<n { dot += g[j] * y[j] }
        for j in 0..<n { gx[j] += y[j] * (g[j] - dot) }
    }

    /// Layer normalisation over the last axis, with a learned scale and shift of that size:
    /// y = γ·(x − μ)/√(σ² + ε) + β, σ² the biased variance (as PyTorch's `LayerNorm`).
    public func layerNorm(scale gamma: Tensor, shift beta: Tensor, epsilon: Float = 1e-5) -> Tensor {
        let d = shape.last ?? 1
        precondition(gamma.shape == [d] && beta.shape == [d], "layer norm over \(d) features needs scale and shift of shape [\(d)], got \(gamma.shape) and \(beta.shape)")
        let rows = count / Swift.max(d, 1)
        let input = self
        let out = Storage(uninitialized: count)
        let normalized = Storage(uninitialized: count)
        let inverseStd = Storage(uninitialized: rows)
        let x = pointer, y = out.pointer, xh = normalized.pointer
        for r in 0..<rows {
            let xr = x + r * d
            var mean: Float = 0
            for j in 0..<d { mean += xr[j] }
            mean /= Float(d)
            var variance: Float = 0
            for j in 0..<d { let c = xr[j] - mean; variance += c * c }
            variance /= Float(d)
            let inv = 1 / (variance + epsilon).squareRoot()
            inverseStd.pointer[r] = inv
            for j in 0..<d {
                let h = (xr[j] - mean) * inv
                xh[r * d + j] = h
                y[r * d + j] = gamma.pointer[j] * h + beta.pointer[j]
            }
        }
        return Tensor(shape: shape, storage: out, inputs: [input, gamma, beta]) { node in
            let g = node.gradStorage!.pointer, xh = normalized.pointer
            if gamma.requiresGrad || beta.requiresGrad {
                let gg = gamma.requiresGrad ? gamma.gradPointer() : nil, gbeta = beta.requiresGrad ? beta.gradPointer() : nil
                for r in 0..<rows {
                    for j in 0..<d {
                        gg?[j] += g[r * d + j] * xh[r * d + j]
                        gbeta?[j] += g[r * d + j]
                    }
                }
            }
            guard input.requiresGrad else { return }
            let gx = input.gradPointer()
            for r in 0..<rows {
                var meanG: Float = 0, meanGX: Float = 0
                for j in 0..<d {
                    let dh = g[r * d + j] * gamma.pointer[j]
                    meanG += dh
                    meanGX += dh * xh[r * d + j]
                }
                meanG /= Float(d); meanGX /= Float(d)
                let inv = inverseStd.pointer[r]
                for j in 0..<d {
                    let dh = g[r * d + j] * gamma.pointer[j]
                    gx[r * d + j] += inv * (dh - meanG - xh[r * d + j] * meanGX)
                }
            }
        }
    }

    /// Inverted dropout: during training each element is zeroed with probability `rate` and the
    /// survivors scaled by 1/(1 − rate), so inference needs no rescaling; the draws come from
    /// the caller's seeded generator. Outside training (or at rate 0) it is the identity.
    public func dropout(rate: Float, training: Bool, generator: inout SeededGenerator) -> Tensor {
        guard training, rate > 0 else { return self }
        precondition(rate < 1, "dropout rate must be below 1, got \(rate)")
        let input = self
        let keep = Storage(uninitialized: count)
        let scale = 1 / (1 - rate)
        for i in 0..<count { keep.pointer[i] = generator.uniform() < Double(rate) ? 0 : scale }
        let out = Storage(uninitialized: count)
        VectorMath.map2(count, pointer, keep.pointer, out.pointer, *)
        return Tensor(shape: shape, storage: out, inputs: [input]) { node in
            VectorMath.accumulate2(input.count, node.gradStorage!.pointer, keep.pointer, input.gradPointer(), *)
        }
    }
}
