import HorizonCore
import Testing
@testable import HorizonModels

/// The best split of all rows of a small matrix on one feature, through the same binning and
/// histogram path a tree uses.
private func bestSplit(_ x: [Float], _ y: [Double], categorical: Bool = false, minLeaf: Int = 1) throws -> SplitSearch.Split? {
    let column = FeatureColumn("x", categorical ? .categorical(levels: ["a", "b", "c", "d"]) : .numeric)
    let matrix = FeatureMatrix(columns: [column], values: x)
    let binned = try FeatureBinning(matrix).binned(matrix)
    let search = SplitSearch(minLeaf: minLeaf, slots: 1)
    let rows = (0..<Int32(x.count)).map { $0 }
    let stats = y.map { SIMD2($0, 1) }
    return rows.withUnsafeBufferPointer { rows in
        stats.withUnsafeBufferPointer { stats in
            binned.bins.withUnsafeBufferPointer { bins in
                search.accumulate([0], bins: bins.baseAddress!, width: 1, rows: rows, stats: stats)
                return search.best(slot: 0, feature: 0, categorical: categorical, total: (y.reduce(0, +), Double(y.count))).split
            }
        }
    }
}

@Suite struct SplitSearchTests {
    /// x = 1…6, y = 1 1 1 5 5 6. Splitting after x = 3 leaves SSE 0 + (25+25+36 − 16²/3) = 2/3
    /// of the total 89 − 19²/6 = 28 5/6, a gain of 28 1/6; every other threshold gains less
    /// (after 4: 89 − 8²/4 − 11²/2 − 19²/6 = 12.33… fewer).
    @Test func splitFinderMatchesAHandComputedGain() throws {
        let split = try #require(try bestSplit([1, 2, 3, 4, 5, 6], [1, 1, 1, 5, 5, 6]))
        #expect(split.bin == 2)  // bins 0…5 for the six distinct values: x ≤ 3 goes left
        #expect(abs(split.gain - (28 + 1.0 / 6)) < 1e-12)
        // min_leaf = 4 leaves no admissible split of six rows.
        #expect(try bestSplit([1, 2, 3, 4, 5, 6], [1, 1, 1, 5, 5, 6], minLeaf: 4) == nil)
        // A constant feature offers none.
        #expect(try bestSplit([2, 2, 2, 2], [1, 2, 3, 4]) == nil)
    }

    /// A feature missing for a block of rows: the split on the observed values is still found,
    /// and the missing rows go to the side whose targets they resemble.
    @Test func missingValuesGoToTheBetterSide() throws {
        let x: [Float] = [1, 2, 3, 4, 5, 6, .nan, .nan]
        let right = try #require(try bestSplit(x, [0, 0, 0, 9, 9, 9, 9, 9]))
        #expect(right.bin == 2 && !right.missingLeft)
        // Perfect separation: the gain is the whole SSE, 405 − 45²/8.
        #expect(abs(right.gain - (405 - 2025.0 / 8)) < 1e-9)
        let left = try #require(try bestSplit(x, [0, 0, 0, 9, 9, 9, 0, 0]))
        #expect(left.bin == 2 && left.missingLeft)
        // Observed values all alike: the split is "observed | missing", and every observed
        // value, even one above the node's range, goes left.
        let alone = try #require(try bestSplit([1, 1, 1, .nan, .nan], [5, 5, 5, 0, 0]))
        #expect(!alone.missingLeft && alone.bin == UInt8(FeatureBinning.maxBins - 1))
    }

    /// Levels a, b, c, d with means 5, 0, 5, 0: the split groups {a, c} against {b, d}, and a
    /// level the node never saw follows the missing values.
    @Test func categoricalSplitGroupsLevelsByMeanTarget() throws {
        let split = try #require(try bestSplit([0, 1, 2, 3, 0, 1, 2, 3], [5, 0, 5, 0, 5, 0, 5, 0], categorical: true))
        let set = try #require(split.categories)
        func left(_ b: Int) -> Bool { (set[b >> 6] >> UInt64(b & 63)) & 1 == 1 }
        #expect(left(0) == left(2) && left(1) == left(3) && left(0) != left(1))
        #expect(left(7) == split.missingLeft)
        #expect(abs(split.gain - 50) < 1e-12)  // SSE 50 → 0
    }

    /// A product line without prices: in nodes holding only that line the price is constant
    /// (all missing), so even with mtry = 1 the tree splits those rows on the promotion.
    @Test func aFeatureMissingForAWholeLineLeavesTheOthersUsable() throws {
        var values: [Float] = [], targets: [Double] = []
        var rng = SeededGenerator(seed: 5)
        for r in 0..<400 {
            let priced = r < 200
            let price = Float(1 + rng.uniform()), promo: Float = rng.uniform() < 0.5 ? 1 : 0
            values += [priced ? price : .nan, promo, priced ? 0 : 1]
            targets.append(priced ? 10 * Double(price) : (promo == 1 ? 30 : 5))
        }
        let columns = [FeatureColumn("price"), FeatureColumn("promo"), FeatureColumn("line", .categorical(levels: ["a", "b"]))]
        let matrix = FeatureMatrix(columns: columns, values: values)
        let forest = try RandomForest.fit(matrix, targets: targets,
                                          configuration: ForestConfiguration(trees: 20, minLeaf: 5, mtry: 1, replace: false))
        let queries = FeatureMatrix(columns: columns, values: [.nan, 1, 1, .nan, 0, 1, 1.5, 0, 0])
        let predictions = try forest.predict(queries)
        #expect(abs(predictions[0] - 30) < 1 && abs(predictions[1] - 5) < 1)
        #expect(abs(predictions[2] - 15) < 1.5)
    }

    @Test func binsAreExactForFewValuesAndQuantilesForMany() {
        let few = FeatureBinning.thresholds(sortedValues: [1, 1, 2, 3, 3, 3])
        #expect(few == [1.5, 2.5])
        let many = FeatureBinning.thresholds(sortedValues: (0..<10_000).map { Float($0) })
        #expect(many.count == FeatureBinning.maxBins - 1)
        #expect(zip(many, many.dropFirst()).allSatisfy { $0 < $1 })
        // Equal-count bins: about 10000/255 values each.
        #expect(abs(Double(many[0]) - 10_000.0 / 255) < 2)
    }
}
