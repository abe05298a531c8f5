import HorizonCore

/// A model's parameters by name, in creation order.
///
/// Names are what make a model saveable: a file maps names to tensors, and loading checks
/// every name and shape against the network built from the same configuration, so a file
/// from another configuration is refused with the first mismatch named.
public final class ParameterStore {
    public private(set) var names: [String] = []
    private var tensors: [String: Tensor] = [:]

    public init() {}

    /// Creates (and registers) a trainable parameter. Names must be unique.
    public func make(_ name: String, shape: [Int], initialization: Initialization, generator: inout SeededGenerator) -> Tensor {
        precondition(tensors[name] == nil, "parameter '\(name)' is defined twice")
        let t = Tensor(shape: shape, data: initialization.values(shape: shape, generator: &generator), requiresGrad: true)
        names.append(name)
        tensors[name] = t
        return t
    }

    public subscript(name: String) -> Tensor? { tensors[name] }

    /// The parameters in creation order (what optimizers iterate).
    public var parameters: [Tensor] { names.map { tensors[$0]! } }

    public var scalarCount: Int { parameters.reduce(0) { $0 + $1.count } }

    public func zeroGradients() { for p in parameters { p.zeroGrad() } }

    /// Copies every value from `source`, which must hold each of this store's names with
    /// the same shape; the first name missing or misshapen is reported.
    public func assign(_ source: [String: Tensor]) throws {
        for name in names {
            guard let from = source[name] else { throw ParameterFileError.mismatch("no parameter '\(name)'") }
            let target = tensors[name]!
            guard from.shape == target.shape else {
                throw ParameterFileError.mismatch("parameter '\(name)' has shape \(from.shape), the model expects \(target.shape)")
            }
            target.pointer.update(from: from.pointer, count: target.count)
        }
    }

    /// A snapshot of every value (to keep the best weights during training).
    public func snapshot() -> [[Float]] { parameters.map(\.scalars) }

    public func restore(_ snapshot: [[Float]]) {
        for (p, values) in zip(parameters, snapshot) {
            values.withUnsafeBufferPointer { p.buffer.baseAddress!.update(from: $0.baseAddress!, count: p.count) }
        }
    }
}
