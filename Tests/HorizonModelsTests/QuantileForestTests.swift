import Foundation
import HorizonCore
import Testing
@testable import HorizonModels

@Suite struct QuantileForestTests {
    /// Six rows, x1 = 1…6, x2 = 1 1 1 2 2 2, y = 0 0 5 5 9 9; stumps (depth 1) on all rows with
    /// one feature tried per split. On x1 the best stump splits after x1 = 2 (SSE 0 + 16,
    /// against 27⅓ after 3, 25 after 4, 55.2 after 1, 58.8 after 5); on x2 after x2 = 1 (SSE
    /// 16⅔ + 10⅔). The query (x1 = 1.5, x2 = 2) falls in {rows 0, 1} of an x1 stump and in
    /// {rows 3, 4, 5} of an x2 stump, so with a of k stumps on x1 Meinshausen's weights are
    /// a/(2k) on rows 0 and 1, (k − a)/(3k) on rows 3, 4, 5, and 0 on row 2.
    @Test func weightsEqualHandComputedMeinshausenWeights() throws {
        let columns = [FeatureColumn("x1"), FeatureColumn("x2")]
        let matrix = FeatureMatrix(columns: columns, values: [1, 1, 2, 1, 3, 1, 4, 2, 5, 2, 6, 2])
        let y: [Double] = [0, 0, 5, 5, 9, 9]
        let k = 20
        let qrf = try QuantileForest.fit(matrix, targets: y, configuration: ForestConfiguration(
            trees: k, maxDepth: 1, minLeaf: 1, mtry: 1, sampleFraction: 1, replace: false, seed: 3))
        let roots = qrf.forest.trees.map { $0.nodes[0].feature }
        let a = Double(roots.filter { $0 == 0 }.count)
        #expect(a > 0 && a < Double(k))  // both kinds of stump are present
        let weights = qrf.weights([1.5, 2])
        #expect(weights.map(\.row) == [0, 1, 3, 4, 5])
        let expected = [a / Double(2 * k), a / Double(2 * k), (Double(k) - a) / Double(3 * k), (Double(k) - a) / Double(3 * k), (Double(k) - a) / Double(3 * k)]
        for (w, e) in zip(weights.map(\.weight), expected) { #expect(abs(w - e) < 1e-12) }
        #expect(abs(weights.map(\.weight).reduce(0, +) - 1) < 1e-12)

        // The quantiles follow from F(0) = a/k, F(5) = a/k + (k−a)/(3k), F(9) = 1.
        let f0 = a / Double(k), f5 = f0 + (Double(k) - a) / Double(3 * k)
        let levels = [0.5 * f0, (f0 + f5) / 2, (f5 + 1) / 2]
        let q = try qrf.quantiles(FeatureMatrix(columns: columns, values: [1.5, 2]), levels: levels)
        #expect(q == [[0, 5, 9]])
    }

    /// On bootstrap trees, the sparse weights equal the definition evaluated by brute force:
    /// every training row dropped down every tree, w_i = (1/k) Σ_t 1{same leaf as x}/|leaf|.
    @Test func sparseWeightsMatchTheDefinitionAndSumToOne() throws {
        var rng = SeededGenerator(seed: 21)
        let n = 300
        let values = (0..<(n * 3)).map { _ in Float(rng.uniform()) }
        let y = (0..<n).map { Double(values[$0 * 3]) * 4 + rng.normal() }
        let matrix = FeatureMatrix(columns: ["a", "b", "c"].map { FeatureColumn($0) }, values: values)
        let qrf = try QuantileForest.fit(matrix, targets: y, configuration: ForestConfiguration(trees: 15, minLeaf: 5, seed: 4))
        let binning = qrf.forest.binning
        let trainingLeaves = qrf.forest.trees.map { tree in
            (0..<n).map { r in tree.leaf { binning.binnedRow(matrix.row(r))[$0] } }
        }
        for query in [[Float(0.1), 0.5, 0.5], [0.9, 0.2, 0.7], [0.5, 0.99, 0.01]] {
            var expected = [Double](repeating: 0, count: n)
            for (t, tree) in qrf.forest.trees.enumerated() {
                let leaf = tree.leaf { binning.binnedRow(query[...])[$0] }
                let members = (0..<n).filter { trainingLeaves[t][$0] == leaf }
                for r in members { expected[r] += 1 / (15 * Double(members.count)) }
            }
            let sparse = qrf.weights(query[...])
            #expect(abs(sparse.map(\.weight).reduce(0, +) - 1) < 1e-12)
            var dense = [Double](repeating: 0, count: n)
            for (r, w) in sparse { dense[r] = w }
            #expect(zip(dense, expected).allSatisfy { abs($0 - $1) < 1e-12 })
        }

        // One kept row per leaf (quantregForest's approximation): k rows of weight 1/k.
        let thin = try QuantileForest.fit(matrix, targets: y, configuration: ForestConfiguration(trees: 15, minLeaf: 5, seed: 4, maxLeafSamples: 1))
        let w = thin.weights([0.5, 0.5, 0.5])
        #expect(abs(w.map(\.weight).reduce(0, +) - 1) < 1e-12)
        #expect(w.allSatisfy { ($0.weight * 15).rounded() == $0.weight * 15 })
    }

    /// y = 10·x1 + (0.5 + 3·x2)·ε with ε standard normal, so the true conditional quantile is
    /// 10·x1 + (0.5 + 3·x2)·z_τ. On 2,000 fresh points the p10 and p90 forecasts must cover
    /// within 3 points of their levels (the sampling error of a share of 2,000 at 0.1 is 0.7
    /// points), and the forecast interval must widen with x2 as the truth does.
    @Test func quantilesAreCalibratedOnHeteroscedasticData() throws {
        var rng = SeededGenerator(seed: 8)
        func sample(_ n: Int) -> (FeatureMatrix, [Double], [Double]) {
            var values: [Float] = [], y: [Double] = [], spread: [Double] = []
            for _ in 0..<n {
                let x1 = rng.uniform(), x2 = rng.uniform(), noise = rng.uniform()
                values += [Float(x1), Float(x2), Float(noise)]
                spread.append(0.5 + 3 * x2)
                y.append(10 * x1 + spread.last! * rng.normal())
            }
            return (FeatureMatrix(columns: ["x1", "x2", "noise"].map { FeatureColumn($0) }, values: values), y, spread)
        }
        let (train, yTrain, _) = sample(4000)
        let (test, yTest, spread) = sample(2000)
        let qrf = try QuantileForest.fit(train, targets: yTrain, configuration: ForestConfiguration(trees: 100, minLeaf: 10, seed: 1))
        let q = try qrf.quantiles(test, levels: [0.1, 0.9])
        let below10 = Double(zip(yTest, q).filter { $0 <= $1[0] }.count) / 2000
        let below90 = Double(zip(yTest, q).filter { $0 <= $1[1] }.count) / 2000
        #expect(abs(below10 - 0.1) < 0.03, "p10 coverage \(below10)")
        #expect(abs(below90 - 0.9) < 0.03, "p90 coverage \(below90)")
        // The forecast width against the true width 2·1.2816·spread: narrow points narrow,
        // wide points wide.
        let width = q.map { $0[1] - $0[0] }
        let narrow = zip(width, spread).filter { $1 < 1.25 }.map(\.0), wide = zip(width, spread).filter { $1 > 2.75 }.map(\.0)
        let meanNarrow = narrow.reduce(0, +) / Double(narrow.count), meanWide = wide.reduce(0, +) / Double(wide.count)
        #expect(meanWide > 2 * meanNarrow)
        #expect(abs(meanWide / (2 * 1.2816 * 3.125) - 1) < 0.3, "wide-region width \(meanWide)")
    }

    @Test func forestsAreIdenticalWhetherGrownInParallelOrOneByOne() throws {
        var rng = SeededGenerator(seed: 2)
        let values = (0..<(500 * 4)).map { _ in Float(rng.uniform()) }
        let y = (0..<500).map { Double(values[$0 * 4] + values[$0 * 4 + 1]) + rng.normal() }
        let matrix = FeatureMatrix(columns: ["a", "b", "c", "d"].map { FeatureColumn($0) }, values: values)
        let parallel = try QuantileForest.fit(matrix, targets: y, configuration: ForestConfiguration(trees: 24, seed: 9))
        let serial = try QuantileForest.fit(matrix, targets: y, configuration: ForestConfiguration(trees: 24, seed: 9, parallel: false))
        let other = try QuantileForest.fit(matrix, targets: y, configuration: ForestConfiguration(trees: 24, seed: 10))
        let levels = [0.1, 0.5, 0.9]
        #expect(try parallel.quantiles(matrix, levels: levels) == serial.quantiles(matrix, levels: levels))
        #expect(try parallel.forest.predict(matrix) == serial.forest.predict(matrix))
        #expect(try parallel.quantiles(matrix, levels: levels) != other.quantiles(matrix, levels: levels))
    }

    @Test func badTrainingInputIsAnErrorNotACrash() {
        let matrix = FeatureMatrix(columns: [FeatureColumn("x")], values: [1, 2, 3])
        #expect(throws: HorizonError.self) { try RandomForest.fit(matrix, targets: [1, 2], configuration: ForestConfiguration()) }
        #expect(throws: HorizonError.self) { try RandomForest.fit(matrix, targets: [1, .nan, 3], configuration: ForestConfiguration()) }
        #expect(throws: HorizonError.self) { try RandomForest.fit(matrix, targets: [1, 2, 3], configuration: ForestConfiguration(trees: 0)) }
    }
}
