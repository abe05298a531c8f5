import HorizonCore

/// Meinshausen's quantile regression forest (JMLR 2006), with the exact weights computed
/// sparsely (model-specs §3.3 (b)).
///
/// The trees are grown as a regression forest. For a query x, training row i gets the weight
/// w_i(x) = (1/k) Σ_t 1{row i in leaf l_t(x)} / |l_t(x)|, where the leaves hold every training
/// row dropped down tree t (drawn or not), and the forecast at level τ is
/// inf{y : Σ_i w_i(x)·1{Y_i ≤ y} ≥ τ}, a value of the training targets (no interpolation).
///
/// Sparse: each leaf keeps its rows sorted by target (run-length encoded: equal targets are
/// one entry with a count), and a query merges its k leaves (a k-way merge on a heap, each row
/// weighing 1/(k·|leaf|)), walking up the weighted CDF until the highest level is reached.
/// Cost O(m log k) for the m distinct targets in those leaves; no weight vector over all n
/// training rows is ever formed. With `maxLeafSamples` set, each leaf keeps
/// only that many rows drawn at random (the approximation of quantregForest and Zillow's
/// quantile-forest, which keep one), and weights use the kept counts.
public struct QuantileForest: Sendable {
    public let forest: RandomForest
    let leaves: [LeafSamples]

    public static func fit(_ features: FeatureMatrix, targets: [Double], configuration: ForestConfiguration) throws -> QuantileForest {
        let grown = try ForestGrowth.grow(features, targets: targets, configuration: configuration, keepLeafSamples: true)
        return QuantileForest(forest: grown.forest, leaves: grown.leafSamples)
    }

    /// Forecasts at `levels` (ascending, in (0, 1)) for every row: `result[row][level]`.
    public func quantiles(_ features: FeatureMatrix, levels: [Double]) throws -> [[Double]] {
        let binned = try forest.binning.binned(features)
        let n = binned.rows, p = binned.features
        return try parallelMap(n, chunk: 64) { r in
            var merge = LeafMerge(forest: self)
            binned.bins.withUnsafeBufferPointer { bins in merge.start { bins[r * p + $0] } }
            return merge.quantiles(levels)
        }
    }

    /// The Meinshausen weights of one query row: every training row with a nonzero weight,
    /// ascending by row. They sum to 1. (For inspection and tests; forecasts never need them.)
    public func weights(_ row: ArraySlice<Float>) -> [(row: Int, weight: Double)] {
        let bins = forest.binning.binnedRow(row)
        var byRow: [Int: Double] = [:]
        let k = Double(forest.trees.count)
        for (tree, samples) in zip(forest.trees, leaves) {
            let l = tree.leaf { bins[$0] }
            let members = samples.rows[Int(samples.starts[l])..<Int(samples.starts[l + 1])]
            for r in members { byRow[Int(r), default: 0] += 1 / (k * Double(members.count)) }
        }
        return byRow.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// The k-way merge of one query's leaves, in ascending target order.
private struct LeafMerge {
    let forest: QuantileForest
    /// Heap entries: (target, tree); the cursor of each tree is in `position`.
    var heap: [(value: Double, tree: Int32)] = []
    var position: [Int32] = []
    var end: [Int32] = []
    var weight: [Double] = []

    init(forest: QuantileForest) {
        self.forest = forest
        let k = forest.forest.trees.count
        heap.reserveCapacity(k)
        position = [Int32](repeating: 0, count: k)
        end = [Int32](repeating: 0, count: k)
        weight = [Double](repeating: 0, count: k)
    }

    /// Finds the query's leaf in every tree and seeds the heap with each leaf's smallest target.
    mutating func start(_ bin: (Int) -> UInt8) {
        let k = Double(forest.forest.trees.count)
        for (t, tree) in forest.forest.trees.enumerated() {
            let samples = forest.leaves[t]
            let l = tree.leaf(bin)
            position[t] = samples.runStarts[l]
            end[t] = samples.runStarts[l + 1]
            let size = Double(samples.starts[l + 1] - samples.starts[l])
            guard size > 0 else { continue }
            weight[t] = 1 / (k * size)
            push(samples.runValues[Int(position[t])], tree: t)
        }
    }

    /// inf{y : F(y) ≥ τ} for each level, by one walk up the merged CDF.
    mutating func quantiles(_ levels: [Double]) -> [Double] {
        var result = [Double](repeating: .nan, count: levels.count)
        var cumulative = 0.0, next = 0, last = Double.nan
        while next < levels.count, let (value, t) = pop() {
            let samples = forest.leaves[t]
            cumulative += weight[t] * Double(samples.runCounts[Int(position[t])])
            last = value
            // A tolerance for the rounding of sums of 1/(k·|leaf|).
            while next < levels.count, cumulative >= levels[next] - 1e-12 {
                result[next] = value
                next += 1
            }
            position[t] += 1
            if position[t] < end[t] { push(samples.runValues[Int(position[t])], tree: t) }
        }
        for l in next..<levels.count { result[l] = last }
        return result
    }

    private mutating func push(_ value: Double, tree: Int) {
        heap.append((value, Int32(tree)))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func pop() -> (Double, Int)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, less(heap[l], heap[m]) { m = l }
                if r < heap.count, less(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return (top.value, Int(top.tree))
    }

    private func less(_ a: (value: Double, tree: Int32), _ b: (value: Double, tree: Int32)) -> Bool {
        a.value != b.value ? a.value < b.value : a.tree < b.tree
    }
}
