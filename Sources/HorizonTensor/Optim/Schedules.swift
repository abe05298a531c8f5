#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The learning rate as a function of the optimisation step.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// Cosine decay from the base rate to `floor`·base over `steps` (then held at the floor).
    case cosine(steps: Int, floor: Float)
    /// Multiply by `factor` every `every` steps.
    case step(every: Int, factor: Float)

    public func rate(base: Float, step: Int) -> Float {
        switch self {
        case .constant:
            return base
        case let .cosine(steps, floor):
            guard steps > 0 else { return base }
            let progress = Float(Swift.min(step, steps)) / Float(steps)
            return base * (floor + (1 - floor) * 0.5 * (1 + cos(Float.pi * progress)))
        case let .step(every, factor):
            guard every > 0 else { return base }
            return base * pow(factor, Float(step / every))
        }
    }
}

/// Scales every gradient so their joint L2 norm is at most `maxNorm` (as PyTorch's
/// `clip_grad_norm_`); returns the norm before clipping, which training reports.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    var total: Double = 0
    for p in parameters {
        guard let g = p.gradStorage?.pointer else { continue }
        for i in 0..<p.count { total += Double(g[i]) * Double(g[i]) }
    }
    let norm = Float(total.squareRoot())
    if norm > maxNorm, norm > 0 {
        let scale = maxNorm / norm
        for p in parameters {
            guard let g = p.gradStorage?.pointer else { continue }
            for i in 0..<p.count { g[i] *= scale }
        }
    }
    return norm
}
