extension Tensor {
    /// The sum of every element, as a scalar.
    public func sum() -> Tensor {
        let input = self
        return Tensor(shape: [], data: [data.reduce(0, +)], inputs: [input]) { node in
            input.accumulate([Float](repeating: node.grad![0], count: input.count))
        }
    }

    /// The mean of every element, as a scalar.
    public func mean() -> Tensor {
        let input = self
        let n = Float(count)
        return Tensor(shape: [], data: [data.reduce(0, +) / n], inputs: [input]) { node in
            input.accumulate([Float](repeating: node.grad![0] / n, count: input.count))
        }
    }

    /// Sums over `axis`, removing it from the shape.
    public func sum(axis: Int) -> Tensor {
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for shape \(shape)")
        let input = self
        let outer = shape[..<axis].reduce(1, *), size = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var out = [Float](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for s in 0..<size { for i in 0..<inner { out[o * inner + i] += data[(o * size + s) * inner + i] } }
        }
        var newShape = shape
        newShape.remove(at: axis)
        return Tensor(shape: newShape, data: out, inputs: [input]) { node in
            let g = node.grad!
            var gi = [Float](repeating: 0, count: input.count)
            for o in 0..<outer {
                for s in 0..<size { for i in 0..<inner { gi[(o * size + s) * inner + i] = g[o * inner + i] } }
            }
            input.accumulate(gi)
        }
    }
}
