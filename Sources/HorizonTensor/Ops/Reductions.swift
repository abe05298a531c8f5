/// Sums and means, over everything or along one axis.
extension Tensor {
    /// The sum of every element, as a scalar.
    public func sum() -> Tensor {
        let input = self
        let out = Storage(uninitialized: 1)
        out.pointer[0] = VectorMath.sum(count, pointer)
        return Tensor(shape: [], storage: out, inputs: [input]) { node in
            let g = VectorMath.V(repeating: node.gradStorage!.pointer[0])
            let gi = input.gradPointer()
            VectorMath.map(input.count, gi, gi) { $0 + g }
        }
    }

    /// The mean of every element, as a scalar.
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// Sums along `axis` (negative counts from the end), dropping it unless `keepingDimension`.
    public func sum(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = axis < 0 ? axis + rank : axis
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for shape \(shape)")
        let input = self
        let outer = shape[..<axis].reduce(1, *), size = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        let out = Storage(zeros: outer * inner)
        let x = pointer, y = out.pointer
        if inner == 1 {
            // Rows of `size` contiguous values (a sum over the last axis).
            for o in 0..<outer { y[o] = VectorMath.sum(size, x + o * size) }
        } else {
            for o in 0..<outer {
                for s in 0..<size {
                    let src = x + (o * size + s) * inner, dst = y + o * inner
                    for i in 0..<inner { dst[i] += src[i] }
                }
            }
        }
        var newShape = shape
        if keepingDimension { newShape[axis] = 1 } else { newShape.remove(at: axis) }
        return Tensor(shape: newShape, storage: out, inputs: [input]) { node in
            let g = node.gradStorage!.pointer, gi = input.gradPointer()
            if inner == 1 {
                for o in 0..<outer {
                    let row = gi + o * size, v = g[o]
                    for j in 0..<size { row[j] += v }
                }
                return
            }
            for o in 0..<outer {
                for s in 0..<size {
                    let dst = gi + (o * size + s) * inner, src = g + o * inner
                    for i in 0..<inner { dst[i] += src[i] }
                }
            }
        }
    }

    /// The mean along `axis`.
    public func mean(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let a = axis < 0 ? axis + rank : axis
        return sum(axis: a, keepingDimension: keepingDimension) * (1 / Float(Swift.max(shape[a], 1)))
    }
}
