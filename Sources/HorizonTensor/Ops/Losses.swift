/// The losses the forecasting models train on.
extension Tensor {
    /// Masked pinball (quantile) loss. `self` holds predictions of shape (…, Q) for the
    /// quantile `levels`, `target` the actuals (…) and `mask` (…) a weight per actual, 0 where
    /// it is missing or padding. Returns Σ mask·Σ_q ρ_q(y, ŷ_q) / Σ mask — the sum over levels,
    /// the mean over observed targets — or 0 when nothing is observed.
    /// ρ_q(y, ŷ) = max(q(y − ŷ), (q − 1)(y − ŷ)); its subgradient at y = ŷ is taken as −q
    /// (shared/anchors/model-specs §0.1).
    public func pinballLoss(target: Tensor, mask: Tensor, levels: [Float]) -> Tensor {
        let q = levels.count
        precondition(shape.last == q, "predictions \(shape) do not end in \(q) quantile levels")
        precondition(target.count * q == count && mask.count == target.count,
                     "targets \(target.shape) and mask \(mask.shape) do not match predictions \(shape)")
        let prediction = self
        let y = target.pointer, w = mask.pointer, p = pointer
        var observed: Float = 0
        var total: Float = 0
        for i in 0..<target.count where w[i] != 0 {
            observed += w[i]
            var row: Float = 0
            for l in 0..<q {
                let e = y[i] - p[i * q + l]
                row += e >= 0 ? levels[l] * e : (levels[l] - 1) * e
            }
            total += w[i] * row
        }
        let denominator = Swift.max(observed, Float.leastNormalMagnitude)
        let out = Storage(uninitialized: 1)
        out.pointer[0] = observed > 0 ? total / denominator : 0
        // The closure holds the target and mask tensors themselves, not just their pointers:
        // a buffer whose tensor is gone goes back to the pool and may be handed to anyone.
        return Tensor(shape: [], storage: out, inputs: [prediction]) { node in
            guard observed > 0 else { return }
            let y = target.pointer, w = mask.pointer
            let g = node.gradStorage!.pointer[0] / denominator
            let gp = prediction.gradPointer()
            for i in 0..<target.count where w[i] != 0 {
                for l in 0..<q {
                    let below: Float = y[i] < prediction.pointer[i * q + l] ? 1 : 0
                    gp[i * q + l] += g * w[i] * (below - levels[l])
                }
            }
        }
    }

    /// Masked mean squared error: Σ mask·(ŷ − y)² / Σ mask.
    public func meanSquaredError(target: Tensor, mask: Tensor? = nil) -> Tensor {
        precondition(target.count == count && (mask?.count ?? count) == count,
                     "target \(target.shape) and mask \(mask?.shape ?? shape) do not match predictions \(shape)")
        let prediction = self
        var observed: Float = 0, total: Float = 0
        for i in 0..<count {
            let w = mask?.pointer[i] ?? 1
            guard w != 0 else { continue }
            let e = pointer[i] - target.pointer[i]
            total += w * e * e
            observed += w
        }
        let out = Storage(uninitialized: 1)
        out.pointer[0] = observed > 0 ? total / observed : 0
        return Tensor(shape: [], storage: out, inputs: [prediction]) { node in
            guard observed > 0 else { return }
            let g = node.gradStorage!.pointer[0] / observed
            let gp = prediction.gradPointer()
            for i in 0..<prediction.count {
                let w = mask?.pointer[i] ?? 1
                gp[i] += g * w * 2 * (prediction.pointer[i] - target.pointer[i])
            }
        }
    }
}
