/// A Float32 tensor with a shape and contiguous row-major storage, and the node of the
/// autodiff graph that produced it.
///
/// Define-by-run (as in micrograd, at tensor granularity): each op records its inputs and a
/// backward closure; `backward()` walks the graph in reverse topological order and
/// accumulates gradients. Under `Autograd.withoutGradients` ops record nothing, so inference
/// builds no graph.
public final class Tensor {
    public let shape: [Int]
    public var data: [Float]
    /// The gradient of the last `backward()` root with respect to this tensor (nil until then).
    public var grad: [Float]?
    /// Leaves that want gradients (parameters) and every op result that depends on one.
    public let requiresGrad: Bool
    let inputs: [Tensor]
    /// Given this node (whose `grad` is set), adds into the inputs' gradients.
    let backwardStep: ((Tensor) -> Void)?

    public init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) needs \(shape.reduce(1, *)) values, got \(data.count)")
        self.shape = shape
        self.data = data
        self.requiresGrad = requiresGrad
        self.inputs = []
        self.backwardStep = nil
    }

    /// An op result: records its inputs when gradients are on and any input needs them.
    init(shape: [Int], data: [Float], inputs: [Tensor], backward: @escaping (Tensor) -> Void) {
        self.shape = shape
        self.data = data
        let track = Autograd.isEnabled && inputs.contains { $0.requiresGrad }
        self.requiresGrad = track
        self.inputs = track ? inputs : []
        self.backwardStep = track ? backward : nil
    }

    public var count: Int { data.count }
    public var rank: Int { shape.count }

    /// The value of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor with shape \(shape)")
        return data[0]
    }

    /// Adds `g` into this tensor's gradient, allocating it on first use.
    @inline(__always) func accumulate(_ g: [Float]) {
        if grad == nil { grad = g; return }
        grad!.withUnsafeMutableBufferPointer { a in
            g.withUnsafeBufferPointer { b in for i in 0..<a.count { a[i] += b[i] } }
        }
    }

    /// Reverse-mode differentiation of this (scalar) tensor with respect to every tensor
    /// in its graph that requires gradients. Gradients accumulate across calls until
    /// `zeroGrad` (or the optimizer) clears them.
    public func backward() {
        precondition(count == 1, "backward() needs a scalar, got shape \(shape)")
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.inputs where input.requiresGrad { stack.append((input, false)) }
        }
        accumulate([1])
        for node in order.reversed() {
            guard let step = node.backwardStep, node.grad != nil else { continue }
            step(node)
        }
    }

    public func zeroGrad() { grad = nil }
}

/// Whether ops record the graph.
///
/// Task-local (and so per thread outside tasks): inference on one thread must not switch
/// recording off for a training step on another. A process-wide flag did exactly that when
/// tests ran in parallel.
public enum Autograd {
    @TaskLocal public static var isEnabled = true

    /// Runs `body` with graph recording off (inference).
    public static func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
        try $isEnabled.withValue(false, operation: body)
    }
}
