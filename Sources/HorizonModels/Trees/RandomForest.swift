import HorizonCore

/// How a forest is grown.
public struct ForestConfiguration: Sendable {
    public var trees: Int
    /// Deepest split level (nil: no limit; `minLeaf` alone stops growth).
    public var maxDepth: Int?
    /// Least in-bag weight (draws) in a leaf.
    public var minLeaf: Int
    /// Features tried per split (nil: ⌈p/3⌉, the regression default of Breiman's forests).
    public var mtry: Int?
    /// Rows drawn per tree, as a fraction of the training rows.
    public var sampleFraction: Double
    /// Draw with replacement (the bootstrap) or without (subsampling).
    public var replace: Bool
    public var seed: UInt64
    /// Grow trees on every core. The result does not depend on it: each tree draws from its
    /// own generator, seeded by the forest's seed and the tree's index.
    public var parallel: Bool
    /// Quantile forests: keep at most this many training rows per leaf, drawn at random
    /// (model-specs §3.3 (c)); nil keeps them all, which gives Meinshausen's exact weights.
    public var maxLeafSamples: Int?
    /// Shown beside the progress bar (drawn only on a terminal).
    public var label: String

    public init(trees: Int = 100, maxDepth: Int? = nil, minLeaf: Int = 5, mtry: Int? = nil, sampleFraction: Double = 1,
                replace: Bool = true, seed: UInt64 = 42, parallel: Bool = true, maxLeafSamples: Int? = nil,
                label: String = "growing trees") {
        self.trees = trees
        self.maxDepth = maxDepth
        self.minLeaf = minLeaf
        self.mtry = mtry
        self.sampleFraction = sampleFraction
        self.replace = replace
        self.seed = seed
        self.parallel = parallel
        self.maxLeafSamples = maxLeafSamples
        self.label = label
    }
}

/// Breiman's random forest for regression: CART trees on bootstrap samples (or subsamples)
/// with `mtry` features tried per split; the prediction is the mean of the trees'.
public struct RandomForest: Sendable {
    public let columns: [FeatureColumn]
    public let binning: FeatureBinning
    public let trees: [RegressionTree]
    /// Each feature's share of the total drop in squared error over all splits (sums to 1).
    public let importance: [Double]
    /// For each training row, the mean prediction of the trees that did not draw it (NaN when
    /// every tree did): honest predictions for the out-of-bag error distribution.
    public let outOfBag: [Double]

    public static func fit(_ features: FeatureMatrix, targets: [Double], configuration: ForestConfiguration) throws -> RandomForest {
        try ForestGrowth.grow(features, targets: targets, configuration: configuration, keepLeafSamples: false).forest
    }

    /// The mean over the trees, per row.
    public func predict(_ features: FeatureMatrix) throws -> [Double] {
        let binned = try binning.binned(features)
        let n = binned.rows, p = binned.features
        return try parallelMap(n, chunk: 256) { r in
            binned.bins.withUnsafeBufferPointer { bins in
                var total = 0.0
                for tree in trees { total += tree.nodes[tree.leafNode { bins[r * p + $0] }].value }
                return total / Double(trees.count)
            }
        }
    }

    /// The features ranked by importance, with their shares.
    public var ranking: [(name: String, share: Double)] {
        zip(columns.map(\.name), importance).sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map { ($0.0, $0.1) }
    }
}

/// The training rows that fall in each leaf of one tree, each leaf's rows ascending by target:
/// rows of leaf l are `rows[starts[l]..<starts[l+1]]`. The same, run-length encoded for the
/// quantile merge: leaf l's distinct targets are `runValues[runStarts[l]..<runStarts[l+1]]`,
/// each held by `runCounts` rows (a pure leaf of 9,000 zero-demand rows, common in the M5
/// data, is then one entry, not 9,000).
struct LeafSamples: Sendable {
    var starts: [Int32]
    var rows: [Int32]
    var runStarts: [Int32]
    var runValues: [Double]
    var runCounts: [Int32]
}

/// Grows the trees of a forest in batches over the cores, so Ctrl-C is noticed between
/// batches and a progress bar can move.
enum ForestGrowth {
    static func grow(_ features: FeatureMatrix, targets: [Double], configuration c: ForestConfiguration,
                     keepLeafSamples: Bool) throws -> (forest: RandomForest, leafSamples: [LeafSamples]) {
        let n = features.rowCount, p = features.columnCount
        guard n > 0, p > 0 else { throw HorizonError("a forest needs at least one training row and one feature") }
        guard targets.count == n else { throw HorizonError("a forest got \(n) feature rows but \(targets.count) targets") }
        guard targets.allSatisfy(\.isFinite) else { throw HorizonError("a forest's targets must be finite numbers") }
        guard c.trees >= 1, c.minLeaf >= 1, c.sampleFraction > 0, c.sampleFraction <= 1 else {
            throw HorizonError("a forest needs trees ≥ 1, min_leaf ≥ 1 and a sample fraction in (0, 1]")
        }
        let binning = try FeatureBinning(features)
        let data = try binning.binned(features)
        let grower = TreeGrower(data: data, isCategorical: binning.isCategorical,
                                limits: GrowthLimits(minLeaf: c.minLeaf, maxDepth: c.maxDepth ?? Int.max,
                                                     mtry: min(p, max(1, c.mtry ?? (p + 2) / 3))))
        let draws = max(1, Int((c.sampleFraction * Double(n)).rounded()))

        var trees: [RegressionTree] = [], leafSamples: [LeafSamples] = []
        var gains = [Double](repeating: 0, count: p)
        var oobSum = [Double](repeating: 0, count: keepLeafSamples ? 0 : n)
        var oobCount = [Int32](repeating: 0, count: keepLeafSamples ? 0 : n)
        let progress = ProgressBar(c.label, total: c.trees)
        defer { progress.finish() }
        let batch = 8
        while trees.count < c.trees {
            try Interrupt.check()
            let first = trees.count, count = min(batch, c.trees - first)
            let growOne = { (k: Int) -> GrownTree in
                var rng = SeededGenerator(seed: c.seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(first + k + 1))
                return growTree(grower: grower, targets: targets, draws: draws, replace: c.replace,
                                keepLeafSamples: keepLeafSamples, maxLeafSamples: c.maxLeafSamples, rng: &rng)
            }
            let grown = c.parallel ? try parallelMap(count, chunk: 1, growOne) : (0..<count).map(growOne)
            for g in grown {
                trees.append(g.tree)
                for f in 0..<p { gains[f] += g.gains[f] }
                if let samples = g.leafSamples { leafSamples.append(samples) }
                for (r, v) in g.outOfBag { oobSum[Int(r)] += Double(v); oobCount[Int(r)] += 1 }
            }
            progress.update(to: trees.count)
        }
        let totalGain = gains.reduce(0, +)
        let forest = RandomForest(columns: features.columns, binning: binning, trees: trees,
                                  importance: gains.map { totalGain > 0 ? $0 / totalGain : 0 },
                                  outOfBag: zip(oobSum, oobCount).map { $1 > 0 ? $0 / Double($1) : .nan })
        return (forest, leafSamples)
    }

    struct GrownTree {
        var tree: RegressionTree
        var gains: [Double]
        var leafSamples: LeafSamples?
        /// (row, prediction) for the rows this tree did not draw.
        var outOfBag: [(Int32, Float)]
    }

    static func growTree(grower: TreeGrower, targets: [Double], draws: Int, replace: Bool, keepLeafSamples: Bool,
                         maxLeafSamples: Int?, rng: inout SeededGenerator) -> GrownTree {
        let n = targets.count, p = grower.data.features
        var weights = [Double](repeating: 0, count: n)
        var rows: [Int32] = []
        if replace {
            for _ in 0..<draws { weights[rng.int(below: n)] += 1 }
            rows = (0..<n).filter { weights[$0] > 0 }.map(Int32.init)
        } else {
            var all = (0..<Int32(n)).map { $0 }
            for j in 0..<draws { all.swapAt(j, j + rng.int(below: n - j)) }
            rows = all[0..<draws].sorted()
            for r in rows { weights[Int(r)] = 1 }
        }
        let (tree, gains) = grower.grow(targets: targets, weights: weights, rows: rows, rng: &rng)
        let data = grower.data
        var result = GrownTree(tree: tree, gains: gains, leafSamples: nil, outOfBag: [])
        data.bins.withUnsafeBufferPointer { bins in
            if keepLeafSamples {
                // Meinshausen's weights count every training row that falls in a leaf, drawn or not.
                let leafOf = (0..<n).map { r in Int32(tree.leaf { bins[r * p + $0] }) }
                result.leafSamples = leafSamples(leafOf: leafOf, leafCount: tree.leafCount, targets: targets,
                                                 maxPerLeaf: maxLeafSamples, rng: &rng)
            } else {
                for r in 0..<n where weights[r] == 0 {
                    result.outOfBag.append((Int32(r), Float(tree.nodes[tree.leafNode { bins[r * p + $0] }].value)))
                }
            }
        }
        return result
    }

    /// Groups rows by leaf (keeping at most `maxPerLeaf` per leaf, drawn at random), each
    /// leaf's rows sorted by target (ties by row, so the order is reproducible).
    static func leafSamples(leafOf: [Int32], leafCount: Int, targets: [Double], maxPerLeaf: Int?,
                            rng: inout SeededGenerator) -> LeafSamples {
        var starts = [Int32](repeating: 0, count: leafCount + 1)
        for l in leafOf { starts[Int(l) + 1] += 1 }
        for l in 0..<leafCount { starts[l + 1] += starts[l] }
        var fill = Array(starts.dropLast())
        var grouped = [Int32](repeating: 0, count: leafOf.count)
        for (r, l) in leafOf.enumerated() { grouped[Int(fill[Int(l)])] = Int32(r); fill[Int(l)] += 1 }
        var kept: [Int32] = [], keptStarts: [Int32] = [0]
        var runStarts: [Int32] = [0], runValues: [Double] = [], runCounts: [Int32] = []
        kept.reserveCapacity(maxPerLeaf == nil ? grouped.count : min(grouped.count, leafCount * maxPerLeaf!))
        for l in 0..<leafCount {
            var members = Array(grouped[Int(starts[l])..<Int(starts[l + 1])])
            if let limit = maxPerLeaf, members.count > limit {
                for j in 0..<limit { members.swapAt(j, j + rng.int(below: members.count - j)) }
                members.removeLast(members.count - limit)
            }
            members.sort { targets[Int($0)] != targets[Int($1)] ? targets[Int($0)] < targets[Int($1)] : $0 < $1 }
            kept += members
            keptStarts.append(Int32(kept.count))
            for r in members {
                let y = targets[Int(r)]
                if runCounts.count > Int(runStarts[l]), runValues[runValues.count - 1] == y {
                    runCounts[runCounts.count - 1] += 1
                } else {
                    runValues.append(y)
                    runCounts.append(1)
                }
            }
            runStarts.append(Int32(runValues.count))
        }
        return LeafSamples(starts: keptStarts, rows: kept, runStarts: runStarts, runValues: runValues, runCounts: runCounts)
    }
}
