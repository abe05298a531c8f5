import HorizonCore

/// How a weight matrix is drawn before training; every draw comes from the caller's seeded
/// generator, so the same seed gives the same network.
public enum Initialization: Sendable {
    /// Glorot/Xavier uniform, U(±√(6/(fan_in + fan_out))): keeps activation variance steady
    /// through tanh/sigmoid layers.
    case glorot
    /// He/Kaiming normal, N(0, 2/fan_in): the variance-preserving choice before ReLU.
    case he
    case zeros
    case constant(Float)
    /// U(±bound), as PyTorch's default for recurrent layers (bound = 1/√hidden).
    case uniform(Float)

    /// Values for a tensor of `shape`; fan-in is the product of all dimensions but the last,
    /// fan-out the last (a (in, out) matrix, or (kernel, in, out) convolution weights).
    public func values(shape: [Int], generator: inout SeededGenerator) -> [Float] {
        let n = shape.reduce(1, *)
        let fanOut = shape.last ?? 1
        let fanIn = Swift.max(1, n / Swift.max(fanOut, 1))
        switch self {
        case .glorot:
            let bound = (6 / Double(fanIn + fanOut)).squareRoot()
            return (0..<n).map { _ in Float((2 * generator.uniform() - 1) * bound) }
        case .he:
            let sd = (2 / Double(fanIn)).squareRoot()
            return (0..<n).map { _ in Float(generator.normal() * sd) }
        case .zeros:
            return [Float](repeating: 0, count: n)
        case .constant(let c):
            return [Float](repeating: c, count: n)
        case .uniform(let bound):
            return (0..<n).map { _ in Float((2 * generator.uniform() - 1) * Double(bound)) }
        }
    }
}
