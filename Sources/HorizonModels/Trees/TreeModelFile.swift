import Foundation
import HorizonCore
import HorizonData
import HorizonTensor

/// Forests saved and loaded, so one fitted on a sample of a million items can be shipped to
/// every machine that forecasts a part of them (`horizon batch` on Spark) instead of being
/// refitted on each part.
///
/// The file is the model file format (`ParameterFile`) with no tensors and typed arrays: the
/// feature builder and the binning as JSON metadata, every tree's nodes as parallel columns
/// concatenated over the trees, and for `qrf` each tree's leaf samples (the training rows and
/// the run-length encoded targets of each leaf), for `forest` its out-of-bag errors. Doubles
/// stay doubles, so a loaded forest forecasts bit for bit what the fitted one did.
extension TreePredictor: SavableModel {
    /// 1: the first forest files.
    static let formatTag = "horizon-forest-1"

    public var kind: String { name }
    public var sizeDescription: String { "\(forest.trees.count) trees, \(forest.trees.reduce(0) { $0 + $1.nodes.count }) nodes" }
    public var trainedHorizon: Int { horizon }
    public var inputs: ModelInputs {
        // Data without time stamps gets its calendar from positions: the frequency is not kept.
        ModelInputs(frequency: builder.calendarFrequency == .steps ? nil : builder.calendarFrequency.code, season: builder.season,
                    numeric: builder.dynamicNames, categorical: builder.categoricalNames, statics: builder.staticNames)
    }
    public var longestHorizon: Int? { horizon }

    public func save(to path: String, extra: [String: String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var metadata = extra
        metadata["format"] = Self.formatTag
        metadata["name"] = name
        metadata["horizon"] = String(horizon)
        metadata["nonNegative"] = nonNegative ? "1" : "0"
        metadata["trainingRows"] = String(trainingRows)
        metadata["builder"] = String(decoding: try encoder.encode(builder), as: UTF8.self)
        let trees = forest.trees
        var arrays: [(name: String, array: StoredArray)] = [
            ("binning.thresholdCounts", .int32(forest.binning.thresholds.map { Int32($0.count) })),
            ("binning.thresholds", .float32(forest.binning.thresholds.flatMap { $0 })),
            ("importance", .float64(forest.importance)),
            ("tree.nodeCounts", .int32(trees.map { Int32($0.nodes.count) })),
            ("tree.setCounts", .int32(trees.map { Int32($0.categorySets.count) })),
            ("tree.leafCounts", .int32(trees.map { Int32($0.leafCount) })),
            ("node.feature", .int32(trees.flatMap { $0.nodes.map(\.feature) })),
            ("node.bin", .uint8(trees.flatMap { $0.nodes.map(\.bin) })),
            ("node.missingLeft", .uint8(trees.flatMap { $0.nodes.map { $0.missingLeft ? 1 : 0 } })),
            ("node.categories", .int32(trees.flatMap { $0.nodes.map(\.categories) })),
            ("node.left", .int32(trees.flatMap { $0.nodes.map(\.left) })),
            ("node.right", .int32(trees.flatMap { $0.nodes.map(\.right) })),
            ("node.value", .float64(trees.flatMap { $0.nodes.map(\.value) })),
            ("sets", .uint64(trees.flatMap { $0.categorySets.flatMap { [$0[0], $0[1], $0[2], $0[3]] } })),
        ]
        switch model {
        case .forest(_, let residuals):
            arrays += [("residual.counts", .int32(residuals.map { Int32($0.count) })), ("residual.values", .float64(residuals.flatMap { $0 }))]
        case .quantile(let q):
            arrays += [
                ("leaf.rowCounts", .int32(q.leaves.map { Int32($0.rows.count) })),
                ("leaf.runCounts", .int32(q.leaves.map { Int32($0.runValues.count) })),
                ("leaf.starts", .int32(q.leaves.flatMap(\.starts))),
                ("leaf.rows", .int32(q.leaves.flatMap(\.rows))),
                ("leaf.runStarts", .int32(q.leaves.flatMap(\.runStarts))),
                ("leaf.runValues", .float64(q.leaves.flatMap(\.runValues))),
                ("leaf.runRowCounts", .int32(q.leaves.flatMap(\.runCounts))),
            ]
        }
        try ParameterFile.save([], arrays: arrays, metadata: metadata, to: path)
    }

    /// Rebuilds a forest from a file's contents. The file is untrusted: every count is checked
    /// against the others before anything is sized from it, every node's children must come
    /// after it (so a walk down a tree ends), every index must fall inside what it indexes, and
    /// every value must be finite. Each problem is an error naming the file and the field.
    static func load(_ file: ParameterFile.Contents, path: String) throws -> TreePredictor {
        let shown = Visible.name(path)
        do {
            return try decode(file)
        } catch let error as HorizonError {
            throw HorizonError("'\(shown)' is not a usable forest file: \(error.message)")
        }
    }

    private static func decode(_ file: ParameterFile.Contents) throws -> TreePredictor {
        let metadata = file.metadata
        guard let name = metadata["name"], name == "forest" || name == "qrf" else { throw HorizonError("field 'name' is not forest or qrf") }
        guard let horizon = metadata["horizon"].flatMap(Int.init), (1...NeuralConfiguration.maxSteps).contains(horizon) else {
            throw HorizonError("field 'horizon' is missing or outside 1…\(NeuralConfiguration.maxSteps)")
        }
        guard let rowsText = metadata["trainingRows"], let trainingRows = Int(rowsText), (1...Int(Int32.max)).contains(trainingRows) else {
            throw HorizonError("field 'trainingRows' is missing or out of range")
        }
        let builder: FeatureBuilder
        do { builder = try JSONDecoder().decode(FeatureBuilder.self, from: Data((metadata["builder"] ?? "").utf8)) } catch {
            throw HorizonError("field 'builder' cannot be read (\(error))")
        }
        try builder.check()
        let p = builder.columns.count
        let arrays = Arrays(file.arrays)

        // The binning: ascending finite thresholds for numeric features, none for categorical ones.
        let thresholdCounts = try arrays.int32("binning.thresholdCounts", count: p)
        let allThresholds = try arrays.float32("binning.thresholds", count: try total(thresholdCounts, "binning.thresholdCounts"))
        var thresholds: [[Float]] = [], offset = 0
        for (f, n) in thresholdCounts.enumerated() {
            let t = Array(allThresholds[offset..<(offset + Int(n))])
            offset += Int(n)
            guard t.count <= FeatureBinning.maxBins, t.allSatisfy(\.isFinite), zip(t, t.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw HorizonError("field 'binning.thresholds' of feature \(f) is not at most \(FeatureBinning.maxBins) ascending finite values")
            }
            guard !builder.columns[f].isCategorical || t.isEmpty else { throw HorizonError("field 'binning.thresholds' gives categorical feature \(f) thresholds") }
            thresholds.append(t)
        }
        let binning = FeatureBinning(thresholds: thresholds, isCategorical: builder.columns.map(\.isCategorical))
        let importance = try arrays.float64("importance", count: p)
        guard importance.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw HorizonError("field 'importance' holds a negative or infinite share") }

        // The trees.
        guard case .int32(let nodeCounts)? = file.arrays["tree.nodeCounts"], (1...5000).contains(nodeCounts.count) else {
            throw HorizonError("field 'tree.nodeCounts' is missing or not 1…5000 trees")
        }
        let treeCount = nodeCounts.count
        let setCounts = try arrays.int32("tree.setCounts", count: treeCount)
        let leafCounts = try arrays.int32("tree.leafCounts", count: treeCount)
        let nodes = try total(nodeCounts, "tree.nodeCounts"), setTotal = try total(setCounts, "tree.setCounts")
        let feature = try arrays.int32("node.feature", count: nodes), bin = try arrays.uint8("node.bin", count: nodes)
        let missingLeft = try arrays.uint8("node.missingLeft", count: nodes), categories = try arrays.int32("node.categories", count: nodes)
        let left = try arrays.int32("node.left", count: nodes), right = try arrays.int32("node.right", count: nodes)
        let value = try arrays.float64("node.value", count: nodes)
        let sets = try arrays.uint64("sets", count: 4 * setTotal)
        var trees: [RegressionTree] = []
        var nodeStart = 0, setStart = 0
        for t in 0..<treeCount {
            let n = Int(nodeCounts[t]), m = Int(setCounts[t]), leaves = Int(leafCounts[t])
            guard n >= 1, leaves >= 1, leaves <= n else { throw HorizonError("tree \(t) has \(n) nodes and \(leaves) leaves") }
            var treeNodes: [RegressionTree.Node] = []
            treeNodes.reserveCapacity(n)
            var seenLeaves = 0
            for k in 0..<n {
                let i = nodeStart + k
                guard value[i].isFinite else { throw HorizonError("tree \(t) node \(k) has a value that is not finite") }
                if feature[i] < 0 {
                    guard feature[i] == -1, (0..<leaves).contains(Int(left[i])) else { throw HorizonError("tree \(t) leaf \(k) has no valid leaf number") }
                    seenLeaves += 1
                } else {
                    guard Int(feature[i]) < p else { throw HorizonError("tree \(t) node \(k) splits on feature \(feature[i]) of \(p)") }
                    // Children after their parent: a walk down the tree always ends.
                    guard Int(left[i]) > k, Int(left[i]) < n, Int(right[i]) > k, Int(right[i]) < n else {
                        throw HorizonError("tree \(t) node \(k) has children outside \(k + 1)…\(n - 1)")
                    }
                    guard categories[i] == -1 || (0..<m).contains(Int(categories[i])) else { throw HorizonError("tree \(t) node \(k) names category set \(categories[i]) of \(m)") }
                    guard categories[i] == -1 || builder.columns[Int(feature[i])].isCategorical else {
                        throw HorizonError("tree \(t) node \(k) splits numeric feature \(feature[i]) by categories")
                    }
                }
                treeNodes.append(RegressionTree.Node(feature: feature[i], bin: bin[i], missingLeft: missingLeft[i] != 0, categories: categories[i],
                                                     left: left[i], right: right[i], value: value[i]))
            }
            guard seenLeaves == leaves else { throw HorizonError("tree \(t) has \(seenLeaves) leaves, not the \(leaves) it says") }
            let treeSets = (0..<m).map { s in SIMD4<UInt64>(sets[4 * (setStart + s)], sets[4 * (setStart + s) + 1], sets[4 * (setStart + s) + 2], sets[4 * (setStart + s) + 3]) }
            trees.append(RegressionTree(nodes: treeNodes, categorySets: treeSets, leafCount: leaves))
            nodeStart += n
            setStart += m
        }
        let forest = RandomForest(columns: builder.columns, binning: binning, trees: trees, importance: importance, outOfBag: [])

        let model: Model
        switch name {
        case "forest":
            let counts = try arrays.int32("residual.counts", count: horizon)
            let values = try arrays.float64("residual.values", count: try total(counts, "residual.counts"))
            guard values.allSatisfy(\.isFinite) else { throw HorizonError("field 'residual.values' holds a value that is not finite") }
            var residuals: [[Double]] = [], start = 0
            for c in counts {
                let step = Array(values[start..<(start + Int(c))])
                guard zip(step, step.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw HorizonError("field 'residual.values' is not sorted within a step") }
                residuals.append(step)
                start += Int(c)
            }
            model = .forest(forest, residuals: residuals)
        default:
            let rowCounts = try arrays.int32("leaf.rowCounts", count: treeCount)
            let runCounts = try arrays.int32("leaf.runCounts", count: treeCount)
            let starts = try arrays.int32("leaf.starts", count: try total(leafCounts.map { $0 + 1 }, "tree.leafCounts"))
            let rows = try arrays.int32("leaf.rows", count: try total(rowCounts, "leaf.rowCounts"))
            let runStarts = try arrays.int32("leaf.runStarts", count: starts.count)
            let runTotal = try total(runCounts, "leaf.runCounts")
            let runValues = try arrays.float64("leaf.runValues", count: runTotal)
            let runRows = try arrays.int32("leaf.runRowCounts", count: runTotal)
            guard rows.allSatisfy({ (0..<Int32(trainingRows)).contains($0) }) else { throw HorizonError("field 'leaf.rows' names a row outside the \(trainingRows) training rows") }
            guard runValues.allSatisfy(\.isFinite), runRows.allSatisfy({ $0 > 0 }) else { throw HorizonError("field 'leaf.runValues' or 'leaf.runRowCounts' holds an impossible value") }
            var leaves: [LeafSamples] = []
            var s = 0, r = 0, v = 0
            for t in 0..<treeCount {
                let l = Int(leafCounts[t]) + 1
                // Offsets start at 0, never fall, and end at the tree's row (or run) count.
                func offsets(_ all: [Int32], _ end: Int32, _ field: String) throws -> [Int32] {
                    let o = Array(all[s..<(s + l)])
                    guard o.first == 0, o.last == end, zip(o, o.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                        throw HorizonError("field '\(field)' of tree \(t) does not rise from 0 to \(end)")
                    }
                    return o
                }
                let treeStarts = try offsets(starts, rowCounts[t], "leaf.starts"), treeRunStarts = try offsets(runStarts, runCounts[t], "leaf.runStarts")
                let treeRunRows = Array(runRows[v..<(v + Int(runCounts[t]))])
                // Each leaf's runs must count its rows, and its targets ascend.
                let treeRunValues = Array(runValues[v..<(v + Int(runCounts[t]))])
                for leaf in 0..<(l - 1) {
                    let runs = Int(treeRunStarts[leaf])..<Int(treeRunStarts[leaf + 1])
                    guard runs.reduce(0, { $0 + Int(treeRunRows[$1]) }) == Int(treeStarts[leaf + 1] - treeStarts[leaf]),
                          zip(runs.dropLast(), runs.dropFirst()).allSatisfy({ treeRunValues[$0] < treeRunValues[$1] }) else {
                        throw HorizonError("tree \(t) leaf \(leaf) has runs that do not match its rows")
                    }
                }
                leaves.append(LeafSamples(starts: treeStarts, rows: Array(rows[r..<(r + Int(rowCounts[t]))]), runStarts: treeRunStarts,
                                          runValues: treeRunValues, runCounts: treeRunRows))
                s += l
                r += Int(rowCounts[t])
                v += Int(runCounts[t])
            }
            model = .quantile(QuantileForest(forest: forest, leaves: leaves))
        }
        guard let nonNegative = ["0": false, "1": true][metadata["nonNegative"] ?? ""] else { throw HorizonError("field 'nonNegative' is not 0 or 1") }
        return TreePredictor(name: name, builder: builder, horizon: horizon, model: model, nonNegative: nonNegative, trainingRows: trainingRows)
    }

    /// The sum of non-negative counts, or an error naming the field.
    private static func total(_ counts: [Int32], _ field: String) throws -> Int {
        var sum = 0
        for c in counts {
            guard c >= 0 else { throw HorizonError("field '\(field)' holds a negative count") }
            sum += Int(c)
        }
        guard sum <= ParameterFile.maxBytes else { throw HorizonError("field '\(field)' counts more than a file can hold") }
        return sum
    }

    /// A file's arrays by name, each checked for its type and length.
    private struct Arrays {
        let all: [String: StoredArray]
        init(_ all: [String: StoredArray]) { self.all = all }

        func missing(_ name: String, _ count: Int, _ type: String) -> HorizonError {
            HorizonError("field '\(name)' is missing, not \(type), or not \(count) long")
        }
        func int32(_ name: String, count: Int) throws -> [Int32] {
            guard case .int32(let a)? = all[name], a.count == count else { throw missing(name, count, "32-bit integers") }
            return a
        }
        func uint8(_ name: String, count: Int) throws -> [UInt8] {
            guard case .uint8(let a)? = all[name], a.count == count else { throw missing(name, count, "bytes") }
            return a
        }
        func uint64(_ name: String, count: Int) throws -> [UInt64] {
            guard case .uint64(let a)? = all[name], a.count == count else { throw missing(name, count, "64-bit integers") }
            return a
        }
        func float32(_ name: String, count: Int) throws -> [Float] {
            guard case .float32(let a)? = all[name], a.count == count else { throw missing(name, count, "single-precision numbers") }
            return a
        }
        func float64(_ name: String, count: Int) throws -> [Double] {
            guard case .float64(let a)? = all[name], a.count == count else { throw missing(name, count, "double-precision numbers") }
            return a
        }
    }
}

extension FeatureBuilder {
    /// A builder read from a file must be one `init(panel:)` could have made: sizes in range,
    /// one flag per covariate, and columns exactly those its fields imply.
    func check() throws {
        let max = NeuralConfiguration.maxSteps
        guard (1...1000).contains(lags), (1...max).contains(season), !windows.isEmpty, windows.allSatisfy({ (1...max).contains($0) }),
              zip(windows, windows.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw HorizonError("field 'builder' has lags, windows or season out of range")
        }
        guard dynamicRatio.count == dynamicNames.count, dynamicPastOnly.count == dynamicNames.count,
              categoricalLevels.count == categoricalNames.count, staticLevels.count == staticNames.count,
              dynamicNames.count + categoricalNames.count + staticNames.count <= 1000,
              (categoricalLevels + staticLevels).allSatisfy({ $0.count <= 1_000_000 }) else {
            throw HorizonError("field 'builder' lists covariates and their flags or levels that do not match")
        }
        guard calendarCount == CalendarFeatures.names(calendarFrequency, season: season).count, columns == expectedColumns else {
            throw HorizonError("field 'builder' has columns its fields do not imply")
        }
    }
}
