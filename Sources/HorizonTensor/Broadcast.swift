/// NumPy-style broadcasting: shapes are aligned on the right; a dimension of 1 stretches.
enum Broadcast {
    /// The broadcast shape of `a` and `b`; a precondition failure names both shapes.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        return (0..<rank).map { i in
            precondition(pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1, "shapes \(a) and \(b) do not broadcast")
            return max(pa[i], pb[i])
        }
    }

    /// For each element of `out` (row-major), the index into a tensor of shape `input`.
    static func indices(of input: [Int], in out: [Int]) -> [Int] {
        let rank = out.count
        let padded = [Int](repeating: 1, count: rank - input.count) + input
        var strides = [Int](repeating: 0, count: rank)
        var s = 1
        for d in stride(from: rank - 1, through: 0, by: -1) {
            strides[d] = padded[d] == 1 ? 0 : s
            s *= padded[d]
        }
        let total = out.reduce(1, *)
        var result = [Int](repeating: 0, count: total)
        var counter = [Int](repeating: 0, count: rank)
        var offset = 0
        for k in 0..<total {
            result[k] = offset
            var d = rank - 1
            while d >= 0 {
                counter[d] += 1
                offset += strides[d]
                if counter[d] < out[d] { break }
                offset -= strides[d] * counter[d]
                counter[d] = 0
                d -= 1
            }
        }
        return result
    }

    /// Sums a gradient of the broadcast shape back to `input`'s shape, given the index map
    /// the forward pass already computed (nil: the shapes were equal).
    static func reduce(_ g: [Float], map: [Int]?, to input: [Int]) -> [Float] {
        guard let map else { return g }
        var result = [Float](repeating: 0, count: input.reduce(1, *))
        for k in 0..<g.count { result[map[k]] += g[k] }
        return result
    }
}
