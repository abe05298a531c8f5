/// Ops that move elements without computing on them: reshape, permute, slice, concatenate,
/// stack and gather.
extension Tensor {
    /// The same elements under another shape (one dimension may be −1, inferred). Shares the
    /// storage, so it costs no copy.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var newShape = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            newShape[unknown] = count / known
        }
        precondition(Tensor.elementCount(newShape) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        let input = self
        return Tensor(shape: newShape, storage: storage, inputs: [input]) { node in
            input.receiveGrad(node.gradStorage!)
        }
    }

    /// The axes reordered: result dimension d is input dimension `axes[d]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "permutation \(axes) does not fit shape \(shape)")
        let input = self
        let newShape = axes.map { shape[$0] }
        let out = Storage(uninitialized: count)
        // Strides of the input, read in output order.
        var inStrides = [Int](repeating: 1, count: rank)
        for d in stride(from: rank - 2, through: 0, by: -1) { inStrides[d] = inStrides[d + 1] * shape[d + 1] }
        let strides = axes.map { inStrides[$0] }
        Self.permuteCopy(from: pointer, to: out.pointer, shape: newShape, strides: strides, accumulate: false)
        return Tensor(shape: newShape, storage: out, inputs: [input]) { node in
            // Walk the output again; scatter its gradient back through the same strides.
            Self.permuteCopy(from: node.gradStorage!.pointer, to: input.gradPointer(), shape: newShape, strides: strides,
                             accumulate: true, scatter: true)
        }
    }

    /// Swaps two axes (a matrix transpose for the last two).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        let a = a < 0 ? a + rank : a, b = b < 0 ? b + rank : b
        var axes = Array(0..<rank)
        axes.swapAt(a, b)
        return permuted(axes)
    }

    /// Copies between a contiguous array of `shape` and a strided view. Gathering
    /// (`scatter == false`): dst[k] = src[offset(k)]; scattering: dst[offset(k)] += src[k].
    private static func permuteCopy(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, shape: [Int], strides: [Int],
                                    accumulate: Bool, scatter: Bool = false) {
        let rank = shape.count
        let n = shape.reduce(1, *)
        guard n > 0 else { return }
        guard rank > 0 else {
            if accumulate { dst[0] += src[0] } else { dst[0] = src[0] }
            return
        }
        // The innermost dimension runs as a strided loop; the outer ones step a counter.
        let innerCount = shape[rank - 1], innerStride = strides[rank - 1]
        var counter = [Int](repeating: 0, count: rank)
        var offset = 0, k = 0
        while k < n {
            if scatter {
                for i in 0..<innerCount { dst[offset + i * innerStride] += src[k + i] }
            } else if accumulate {
                for i in 0..<innerCount { dst[k + i] += src[offset + i * innerStride] }
            } else {
                for i in 0..<innerCount { dst[k + i] = src[offset + i * innerStride] }
            }
            k += innerCount
            var d = rank - 2
            while d >= 0 {
                counter[d] += 1
                offset += strides[d]
                if counter[d] < shape[d] { break }
                offset -= strides[d] * counter[d]
                counter[d] = 0
                d -= 1
            }
        }
    }

    /// Elements `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = axis < 0 ? axis + rank : axis
        precondition(axis >= 0 && axis < rank && range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice \(range) of axis \(axis) out of range for shape \(shape)")
        let input = self
        let outer = shape[..<axis].reduce(1, *), size = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        let width = range.count * inner
        var newShape = shape
        newShape[axis] = range.count
        let out = Storage(uninitialized: outer * width)
        for o in 0..<outer {
            (out.pointer + o * width).update(from: pointer + (o * size + range.lowerBound) * inner, count: width)
        }
        return Tensor(shape: newShape, storage: out, inputs: [input]) { node in
            let g = node.gradStorage!.pointer, gi = input.gradPointer()
            for o in 0..<outer {
                let dst = gi + (o * size + range.lowerBound) * inner, src = g + o * width
                for i in 0..<width { dst[i] += src[i] }
            }
        }
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    public static func concatenate(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenate needs at least one tensor")
        let rank = parts[0].rank
        let axis = axis < 0 ? axis + rank : axis
        for p in parts {
            var a = p.shape, b = parts[0].shape
            precondition(p.rank == rank && axis < rank, "cannot concatenate shapes \(parts[0].shape) and \(p.shape) along axis \(axis)")
            a[axis] = 0; b[axis] = 0
            precondition(a == b, "cannot concatenate shapes \(parts[0].shape) and \(p.shape) along axis \(axis)")
        }
        let outer = parts[0].shape[..<axis].reduce(1, *), inner = parts[0].shape[(axis + 1)...].reduce(1, *)
        let sizes = parts.map { $0.shape[axis] }
        let total = sizes.reduce(0, +)
        var newShape = parts[0].shape
        newShape[axis] = total
        let out = Storage(uninitialized: outer * total * inner)
        var offset = 0
        for (p, size) in zip(parts, sizes) {
            for o in 0..<outer {
                (out.pointer + (o * total + offset) * inner).update(from: p.pointer + o * size * inner, count: size * inner)
            }
            offset += size
        }
        return Tensor(shape: newShape, storage: out, inputs: parts) { node in
            let g = node.gradStorage!.pointer
            var offset = 0
            for (p, size) in zip(parts, sizes) {
                if p.requiresGrad {
                    let gp = p.gradPointer()
                    for o in 0..<outer {
                        let src = g + (o * total + offset) * inner, dst = gp + o * size * inner
                        for i in 0..<(size * inner) { dst[i] += src[i] }
                    }
                }
                offset += size
            }
        }
    }

    /// Stacks equally shaped tensors along a new axis.
    public static func stack(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!parts.isEmpty, "stack needs at least one tensor")
        let shape = parts[0].shape
        let axis = axis < 0 ? axis + shape.count + 1 : axis
        var expanded = shape
        expanded.insert(1, at: axis)
        return concatenate(parts.map {
            precondition($0.shape == shape, "cannot stack shapes \(shape) and \($0.shape)")
            return $0.reshaped(expanded)
        }, axis: axis)
    }

    /// Picks entries along `axis` by index: the result's shape is the input's with that axis
    /// replaced by `indexShape`. Used for embedding lookups (axis 0 of a table) and for the
    /// forking-sequence gathers of the MQ models. Indices must be in range.
    public func gather(axis: Int, indices: [Int32], indexShape: [Int]? = nil) -> Tensor {
        let axis = axis < 0 ? axis + rank : axis
        let indexShape = indexShape ?? [indices.count]
        precondition(Tensor.elementCount(indexShape) == indices.count, "index shape \(indexShape) does not hold \(indices.count) indices")
        let outer = shape[..<axis].reduce(1, *), size = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        for i in indices { precondition(i >= 0 && Int(i) < size, "gather index \(i) out of range 0..<\(size) for axis \(axis) of \(shape)") }
        let input = self
        let m = indices.count
        let newShape = Array(shape[..<axis]) + indexShape + Array(shape[(axis + 1)...])
        let out = Storage(uninitialized: outer * m * inner)
        indices.withUnsafeBufferPointer { idx in
            for o in 0..<outer {
                for j in 0..<m {
                    (out.pointer + (o * m + j) * inner).update(from: pointer + (o * size + Int(idx[j])) * inner, count: inner)
                }
            }
        }
        return Tensor(shape: newShape, storage: out, inputs: [input]) { node in
            let g = node.gradStorage!.pointer, gi = input.gradPointer()
            indices.withUnsafeBufferPointer { idx in
                for o in 0..<outer {
                    for j in 0..<m {
                        let dst = gi + (o * size + Int(idx[j])) * inner, src = g + (o * m + j) * inner
                        for i in 0..<inner { dst[i] += src[i] }
                    }
                }
            }
        }
    }

    /// Rows of an embedding table (vocabulary × dimension) for integer codes.
    public static func embedding(_ table: Tensor, codes: [Int32], shape: [Int]) -> Tensor {
        precondition(table.rank == 2, "an embedding table is (vocabulary, dimension), got \(table.shape)")
        return table.gather(axis: 0, indices: codes, indexShape: shape)
    }
}
