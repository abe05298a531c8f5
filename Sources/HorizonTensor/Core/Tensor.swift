/// A Float32 tensor: a shape, contiguous row-major storage, and the node of the autodiff graph
/// that produced it.
///
/// Define-by-run reverse mode, as in micrograd but at tensor granularity: every op records its
/// inputs and a backward closure; `backward()` walks the graph in reverse topological order and
/// accumulates gradients. Under `Autograd.withoutGradients` ops record nothing, so inference
/// builds no graph and keeps no intermediate buffers alive.
public final class Tensor {
    public let shape: [Int]
    public let count: Int
    let storage: Storage
    var gradStorage: Storage?
    /// Leaves that want gradients (parameters) and every op result that depends on one.
    public let requiresGrad: Bool
    /// Whether this tensor was created by the user (a parameter or an input), not by an op.
    let isLeaf: Bool
    var inputs: [Tensor]
    /// Given this node (whose gradient is set), adds into the inputs' gradients.
    var backwardStep: ((Tensor) -> Void)?

    // MARK: creating tensors

    public init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
        let n = Self.elementCount(shape)
        precondition(n == data.count, "shape \(shape) needs \(n) values, got \(data.count)")
        self.shape = shape
        count = n
        let storage = Storage(uninitialized: n)
        if n > 0 { data.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: n) } }
        self.storage = storage
        self.requiresGrad = requiresGrad
        isLeaf = true
        inputs = []
    }

    public convenience init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.init(repeating: 0, shape: shape, requiresGrad: requiresGrad)
    }

    public init(repeating value: Float, shape: [Int], requiresGrad: Bool = false) {
        count = Self.elementCount(shape)
        self.shape = shape
        storage = Storage(uninitialized: count)
        storage.pointer.update(repeating: value, count: count)
        self.requiresGrad = requiresGrad
        isLeaf = true
        inputs = []
    }

    public convenience init(scalar: Float) { self.init(shape: [], data: [scalar]) }

    /// An op result. It joins the graph when gradients are on and an input needs them;
    /// otherwise the backward closure is dropped at once.
    init(shape: [Int], storage: Storage, inputs: [Tensor], backward: @escaping (Tensor) -> Void) {
        self.shape = shape
        count = storage.count
        self.storage = storage
        let track = Autograd.isEnabled && inputs.contains { $0.requiresGrad }
        requiresGrad = track
        isLeaf = false
        self.inputs = track ? inputs : []
        backwardStep = track ? backward : nil
    }

    /// A tensor over existing storage with no graph (a detached view).
    init(shape: [Int], storage: Storage) {
        self.shape = shape
        count = storage.count
        self.storage = storage
        requiresGrad = false
        isLeaf = true
        inputs = []
    }

    static func elementCount(_ shape: [Int]) -> Int {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        return shape.reduce(1, *)
    }

    // MARK: reading and writing values

    public var rank: Int { shape.count }

    /// The elements in row-major order. Valid only while the tensor lives — keep the tensor
    /// referenced past the last use of the pointer (or copy with `scalars`): a released
    /// tensor's buffer goes back to the pool and is handed to the next op, on any thread.
    /// Writing through it changes the tensor (optimizers and gradient checks do exactly that).
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: storage.pointer, count: count) }
    var pointer: UnsafeMutablePointer<Float> { storage.pointer }

    /// A copy of the elements.
    public var scalars: [Float] { Array(buffer) }

    /// The value of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor with shape \(shape)")
        return storage.pointer[0]
    }

    /// The same values, cut from the graph (no gradient flows through it).
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

    // MARK: gradients

    /// A copy of the gradient of the last `backward()` root with respect to this tensor.
    public var gradient: [Float]? { gradStorage.map { Array(UnsafeBufferPointer(start: $0.pointer, count: count)) } }

    /// Per-shard gradient buffers of a leaf, for data-parallel steps (see `DataParallel`):
    /// while shard s runs, the leaf's gradient accumulates into `shardGradients[s]`.
    var shardGradients: [Storage] = []

    /// The gradient buffer, zero-filled when first asked for, so ops can accumulate into it.
    /// Inside a data-parallel shard a leaf answers with that shard's own buffer.
    @inline(__always) func gradPointer() -> UnsafeMutablePointer<Float> {
        if isLeaf, !shardGradients.isEmpty, case let shard = Autograd.gradientShard, shard >= 0 {
            let g = shardGradients[shard]
            g.touched = true
            return g.pointer
        }
        if let g = gradStorage { return g.pointer }
        let g = Storage(zeros: count)
        gradStorage = g
        return g.pointer
    }

    /// Where a product may write its gradient contribution, and the sgemm `beta` to use:
    /// 0 for a fresh buffer (written, not added — no zero-fill first), 1 to accumulate.
    @inline(__always) func gradTarget() -> (pointer: UnsafeMutablePointer<Float>, beta: Float) {
        if gradStorage == nil, !(isLeaf && !shardGradients.isEmpty && Autograd.gradientShard >= 0) {
            let g = Storage(uninitialized: count)
            gradStorage = g
            return (g.pointer, 0)
        }
        return (gradPointer(), 1)
    }

    /// Takes a finished gradient (one its producer no longer writes) as this tensor's own when
    /// it has none yet, else adds it in. Why: a reshape's gradient is its input's, element for
    /// element; copying it moved 5–14 MB a step through MQTransformer's reshapes on M4 Hourly.
    @inline(__always) func receiveGrad(_ storage: Storage) {
        if gradStorage == nil, !(isLeaf && !shardGradients.isEmpty && Autograd.gradientShard >= 0) {
            gradStorage = storage
            return
        }
        accumulateGrad(storage.pointer)
    }

    /// Adds `count` values into the gradient.
    @inline(__always) func accumulateGrad(_ source: UnsafePointer<Float>) {
        let (g, beta) = gradTarget()
        if beta == 0 { g.update(from: source, count: count); return }
        for i in 0..<count { g[i] += source[i] }
    }

    public func zeroGrad() { gradStorage = nil }

    /// Reverse-mode differentiation of this scalar with respect to every tensor in its graph
    /// that requires gradients. Leaf gradients accumulate across calls until `zeroGrad` (or
    /// the optimizer) clears them. The graph is consumed: its closures and the intermediate
    /// gradients are released as the walk passes them, which is what keeps a step's peak
    /// memory to one forward graph.
    public func backward() {
        precondition(count == 1, "backward() needs a scalar, got shape \(shape)")
        guard requiresGrad else { return }
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.inputs where input.requiresGrad && input.backwardStep != nil { stack.append((input, false)) }
        }
        gradPointer()[0] += 1
        for node in order.reversed() {
            if let step = node.backwardStep, node.gradStorage != nil { step(node) }
            node.backwardStep = nil
            node.inputs = []
            if !node.isLeaf { node.gradStorage = nil }
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = buffer.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor\(shape)[\(shown)\(count > 8 ? ", …" : "")]"
    }
}

extension Tensor {
    /// Hands the buffers kept for reuse back to the system (call when a run of steps is over).
    public static func releaseCachedBuffers() { BufferPool.shared.trim() }

    /// The most bytes of tensor storage alive at once since `resetPeakBytes()`: what a model's
    /// memory estimate is checked against.
    public static var peakBytes: Int { BufferPool.shared.peakFloats * MemoryLayout<Float>.stride }
    public static func resetPeakBytes() { BufferPool.shared.resetPeak() }
}

/// Whether ops record the graph.
///
/// Task-local (and so per thread outside tasks): inference on one thread must not switch
/// recording off for a training step on another.
public enum Autograd {
    @TaskLocal public static var isEnabled = true
    /// The data-parallel shard whose gradients leaves collect into (−1: none, the leaf's own).
    @TaskLocal static var gradientShard = -1

    /// Runs `body` with graph recording off (inference).
    public static func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
        try $isEnabled.withValue(false, operation: body)
    }
}
