import HorizonCore

/// A CART regression tree over binned features.
public struct RegressionTree: Sendable {
    public struct Node: Sendable {
        /// The split feature, or −1 for a leaf.
        public var feature: Int32
        /// Numeric split: bins ≤ this go left.
        public var bin: UInt8
        public var missingLeft: Bool
        /// Categorical split: index into `categorySets`, else −1.
        public var categories: Int32
        /// Children; for a leaf, `left` is its leaf number.
        public var left: Int32
        public var right: Int32
        /// The weighted mean of the in-bag targets that reached the node.
        public var value: Double
    }

    public var nodes: [Node]
    public var categorySets: [SIMD4<UInt64>]
    public var leafCount: Int

    /// The node index of the leaf a row reaches, given a function from feature to bin.
    @inline(__always)
    public func leafNode(_ bin: (Int) -> UInt8) -> Int {
        var k = 0
        while true {
            let node = nodes[k]
            if node.feature < 0 { return k }
            let b = bin(Int(node.feature))
            let left: Bool
            if b == FeatureBinning.missing {
                left = node.missingLeft
            } else if node.categories >= 0 {
                let set = categorySets[Int(node.categories)]
                left = (set[Int(b) >> 6] >> UInt64(b & 63)) & 1 == 1
            } else {
                left = b <= node.bin
            }
            k = Int(left ? node.left : node.right)
        }
    }

    /// The leaf number a row reaches.
    public func leaf(_ bin: (Int) -> UInt8) -> Int { Int(nodes[leafNode(bin)].left) }
}

/// Settings of one tree's growth.
struct GrowthLimits {
    var minLeaf: Int
    var maxDepth: Int
    /// Features examined per node (counting only those that vary in the node).
    var mtry: Int
}

/// Grows one tree depth-first on the in-bag rows.
///
/// At each node the features are visited in a random order until `mtry` of them have been
/// found to vary within the node (as scikit-learn does), so features that are constant or
/// entirely missing in a region (no price for a product line) do not use up the draw.
/// A node becomes a leaf at `maxDepth`, below 2·`minLeaf` weight, when its targets are all
/// equal, or when no split leaves `minLeaf` weight on both sides.
struct TreeGrower {
    let data: BinnedFeatures
    let isCategorical: [Bool]
    let limits: GrowthLimits

    /// `weights[r]`: how often row r was drawn (0: out of bag); `rows`: the drawn rows.
    /// Returns the tree and each feature's total gain (drop in weighted squared error).
    ///
    /// The node's rows stay in ascending order (a stable partition), with their (w·y, w) and y
    /// moved alongside: a split search then reads the bins at increasing addresses and the
    /// row statistics contiguously, which keeps the histogram loop in cache.
    func grow(targets: [Double], weights: [Double], rows: [Int32], rng: inout SeededGenerator) -> (tree: RegressionTree, gains: [Double]) {
        let p = data.features
        var nodes: [RegressionTree.Node] = [], sets: [SIMD4<UInt64>] = []
        var gains = [Double](repeating: 0, count: p)
        let buffers = NodeRows(rows: rows.sorted(), targets: targets, weights: weights)
        let order = buffers.order, stats = buffers.stats, values = buffers.values
        var featureOrder = Array(0..<p)
        var leafCount = 0
        let search = SplitSearch(minLeaf: limits.minLeaf, slots: min(p, limits.mtry))
        let minSplit = Double(2 * limits.minLeaf)
        let leaf = RegressionTree.Node(feature: -1, bin: 0, missingLeft: false, categories: -1, left: -1, right: -1, value: 0)

        nodes.append(leaf)
        var stack: [(node: Int, lo: Int, hi: Int, depth: Int)] = [(0, 0, rows.count, 0)]
        data.bins.withUnsafeBufferPointer { bins in
            while let (k, lo, hi, depth) = stack.popLast() {
                var total = SIMD2<Double>.zero, lowest = Double.infinity, highest = -Double.infinity
                for i in lo..<hi {
                    total += stats[i]
                    lowest = min(lowest, values[i]); highest = max(highest, values[i])
                }
                nodes[k].value = total.y > 0 ? total.x / total.y : 0
                var split: SplitSearch.Split?
                if depth < limits.maxDepth, total.y >= minSplit, lowest < highest {
                    let nodeRows = UnsafeBufferPointer(rebasing: order[lo..<hi])
                    let nodeStats = UnsafeBufferPointer(rebasing: stats[lo..<hi])
                    // Visit features in a random order, in sweeps of as many as are still
                    // needed, until mtry of them vary in the node.
                    var visited = 0, varying = 0
                    while varying < limits.mtry, visited < p {
                        let sweep = min(limits.mtry - varying, p - visited)
                        for j in visited..<(visited + sweep) { featureOrder.swapAt(j, j + rng.int(below: p - j)) }
                        let features = featureOrder[visited..<(visited + sweep)]
                        search.accumulate(features, bins: bins.baseAddress!, width: p, rows: nodeRows, stats: nodeStats)
                        for (slot, f) in features.enumerated() {
                            let found = search.best(slot: slot, feature: f, categorical: isCategorical[f], total: (total.x, total.y))
                            if found.varies { varying += 1 }
                            if let candidate = found.split, candidate.gain > (split?.gain ?? 0) { split = candidate }
                        }
                        visited += sweep
                    }
                }
                guard let split else {
                    nodes[k].left = Int32(leafCount)
                    leafCount += 1
                    continue
                }
                gains[split.feature] += split.gain
                var categories: Int32 = -1
                if let set = split.categories { categories = Int32(sets.count); sets.append(set) }
                // Stable partition: left rows first, right rows (staged in the spares) after.
                // Branch-free: each row is written to both places and one index advances.
                var l = lo, r = 0
                let f = split.feature, bin = split.bin, missingLeft = split.missingLeft
                let set = split.categories ?? .zero, categorical = split.categories != nil
                for i in lo..<hi {
                    let b = bins[Int(order[i]) * p + f]
                    let observedLeft = categorical ? (set[Int(b) >> 6] >> UInt64(b & 63)) & 1 == 1 : b <= bin
                    let goesLeft = b == FeatureBinning.missing ? missingLeft : observedLeft
                    let o = order[i], st = stats[i], v = values[i]
                    order[l] = o; stats[l] = st; values[l] = v
                    buffers.spareOrder[r] = o; buffers.spareStats[r] = st; buffers.spareValues[r] = v
                    l += goesLeft ? 1 : 0
                    r += goesLeft ? 0 : 1
                }
                for i in 0..<r {
                    order[l + i] = buffers.spareOrder[i]; stats[l + i] = buffers.spareStats[i]; values[l + i] = buffers.spareValues[i]
                }
                let left = nodes.count
                nodes[k].feature = Int32(split.feature)
                nodes[k].bin = split.bin
                nodes[k].missingLeft = split.missingLeft
                nodes[k].categories = categories
                nodes[k].left = Int32(left)
                nodes[k].right = Int32(left + 1)
                nodes.append(leaf)
                nodes.append(leaf)
                stack.append((left + 1, l, hi, depth + 1))
                stack.append((left, lo, l, depth + 1))
            }
        }
        return (RegressionTree(nodes: nodes, categorySets: sets, leafCount: leafCount), gains)
    }
}

/// The drawn rows of a tree being grown, in node order, with their (w·y, w) and y alongside,
/// and spares for partitioning; raw buffers, as array writes in these loops would each check
/// for a shared copy.
private final class NodeRows {
    let order, spareOrder: UnsafeMutableBufferPointer<Int32>
    let stats, spareStats: UnsafeMutableBufferPointer<SIMD2<Double>>
    let values, spareValues: UnsafeMutableBufferPointer<Double>

    init(rows: [Int32], targets: [Double], weights: [Double]) {
        let n = rows.count
        order = .allocate(capacity: n); spareOrder = .allocate(capacity: n)
        stats = .allocate(capacity: n); spareStats = .allocate(capacity: n)
        values = .allocate(capacity: n); spareValues = .allocate(capacity: n)
        _ = order.initialize(from: rows); spareOrder.initialize(repeating: 0)
        _ = stats.initialize(from: rows.lazy.map { SIMD2(targets[Int($0)] * weights[Int($0)], weights[Int($0)]) })
        spareStats.initialize(repeating: .zero)
        _ = values.initialize(from: rows.lazy.map { targets[Int($0)] }); spareValues.initialize(repeating: 0)
    }

    deinit {
        for buffer in [order, spareOrder] { buffer.deallocate() }
        for buffer in [stats, spareStats] { buffer.deallocate() }
        for buffer in [values, spareValues] { buffer.deallocate() }
    }
}
