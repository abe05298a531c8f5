extension Tensor {
    /// Masked pinball (quantile) loss: `self` holds predictions of shape (…, Q) for the
    /// quantile `levels`, `target` the actuals of shape (…) and `mask` 1 where the actual is
    /// observed. Returns Σ mask·ρ_τ(y, ŷ) / Σ mask (0 when nothing is observed).
    /// The subgradient at y = ŷ is −τ (shared/anchors model-specs §0.1).
    public func pinballLoss(target: [Float], mask: [Float], levels: [Float]) -> Tensor {
        let q = levels.count
        precondition(shape.last == q, "predictions \(shape) do not end in \(q) quantile levels")
        precondition(target.count * q == count && mask.count == target.count,
                     "targets (\(target.count)) and mask (\(mask.count)) do not match predictions \(shape)")
        let prediction = self
        let observed = max(mask.reduce(0, +), 1)
        var total: Float = 0
        for i in 0..<target.count where mask[i] != 0 {
            for l in 0..<q {
                let e = target[i] - data[i * q + l]
                total += mask[i] * (e >= 0 ? levels[l] * e : (levels[l] - 1) * e)
            }
        }
        return Tensor(shape: [], data: [total / observed], inputs: [prediction]) { node in
            let g = node.grad![0] / observed
            var gp = [Float](repeating: 0, count: prediction.count)
            for i in 0..<target.count where mask[i] != 0 {
                for l in 0..<q {
                    let below: Float = target[i] < prediction.data[i * q + l] ? 1 : 0
                    gp[i * q + l] = g * mask[i] * (below - levels[l])
                }
            }
            prediction.accumulate(gp)
        }
    }
}
