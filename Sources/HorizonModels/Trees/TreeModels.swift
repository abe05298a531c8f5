import HorizonCore
import HorizonData
import HorizonForecast

/// The tree rung of the lineage: one global model over engineered features
/// (`FeatureBuilder`) for every item and every step ahead.
///
/// - `forest`: a random forest of CART trees; the point forecast is the mean of the trees;
///   its quantiles are the point plus the quantiles of the out-of-bag errors at that step:
///   honest errors of the same forest on training rows that each tree did not see, each
///   divided by its row's recent spread (`FeatureBuilder.spreads`) and multiplied back by the
///   forecast row's, so a noisy item gets a wide interval and a steady one a narrow one.
///   (Errors in units of the level alone gave every item the same relative width: on M4
///   Hourly that meant an MSIS of 86 against 29 this way.)
/// - `qrf`: Meinshausen's quantile regression forest with exact, sparsely computed weights
///   (`QuantileForest`); its point forecast is its median.
public enum TreeModels {
    public static let specs: [ModelSpec] = [
        ModelSpec(name: "forest",
                  summary: "random forest on lags, rolling stats, calendar, covariates and attributes; quantiles from its out-of-bag errors",
                  options: options(minLeaf: 5)) { try TreeEstimator(kind: .forest, options: $0) },
        ModelSpec(name: "qrf",
                  summary: "quantile regression forest (Meinshausen): exact leaf weights, one model for all items; point = its median",
                  options: options(minLeaf: 10) + [
                      OptionDeclaration("max_leaf_samples", .integer(1...1_000_000),
                                  help: "keep at most N training rows per leaf, drawn at random (default: all, the exact weights)"),
                  ]) { try TreeEstimator(kind: .quantile, options: $0) },
    ]

    static let defaultTrees = 100
    static let defaultRows = 60_000
    /// The most trees × training rows one fit may keep (about 4 GB).
    static let maxEntries = 250e6

    static func options(minLeaf: Int) -> [OptionDeclaration] {
        [
            OptionDeclaration("trees", .integer(1...5000), help: "number of trees (default \(defaultTrees))"),
            OptionDeclaration("depth", .integer(1...64), help: "deepest split level (default: no limit, min_leaf stops growth)"),
            OptionDeclaration("min_leaf", .integer(1...100_000), help: "least training draws in a leaf (default \(minLeaf))"),
            OptionDeclaration("mtry", .integer(1...10_000), help: "features tried per split (default a third of them)"),
            OptionDeclaration("sample", .number(0.01...1), help: "rows drawn per tree, as a fraction of the training rows (default 1)"),
            OptionDeclaration("replace", .word(["yes", "no"]), help: "draw with replacement (yes: the bootstrap, default) or subsample (no)"),
            OptionDeclaration("lags", .integer(1...1000), help: "lags of the target (default: the season, at least 7, when it is 2–28; else 8)"),
            OptionDeclaration("rows", .integer(100...2_000_000),
                        help: "most training rows (item × origin × step), sampled over the whole history (default \(defaultRows))"),
            OptionDeclaration("seed", .integer(0...Int.max), help: "seed of this model's draws (default: the session seed)"),
            OptionDeclaration("past", .names, help: "numeric covariates known only up to the forecast time, e.g. past=stockout"),
        ]
    }
}

/// Fits a forest or a quantile forest on rows from the training panel.
struct TreeEstimator: Estimator {
    enum Kind: Sendable { case forest, quantile }
    var kind: Kind
    var configuration: ForestConfiguration
    var lags: Int?
    var maxRows: Int
    /// Overrides the session seed.
    var seed: UInt64?
    var pastOnly: [String] = []

    var name: String { kind == .forest ? "forest" : "qrf" }

    init(kind: Kind, options: ModelOptions) throws {
        self.kind = kind
        configuration = ForestConfiguration(
            trees: options.integer("trees") ?? TreeModels.defaultTrees, maxDepth: options.integer("depth"),
            minLeaf: options.integer("min_leaf") ?? (kind == .forest ? 5 : 10), mtry: options.integer("mtry"),
            sampleFraction: options.number("sample") ?? 1, replace: options.word("replace") != "no",
            maxLeafSamples: options.integer("max_leaf_samples"))
        lags = options.integer("lags")
        maxRows = options.integer("rows") ?? TreeModels.defaultRows
        seed = options.integer("seed").map(UInt64.init)
        pastOnly = options.names("past")
    }

    init(kind: Kind, configuration: ForestConfiguration, lags: Int? = nil, maxRows: Int = TreeModels.defaultRows) {
        self.kind = kind
        self.configuration = configuration
        self.lags = lags
        self.maxRows = maxRows
    }

    func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        guard settings.horizon >= 1 else { throw HorizonError("'\(name)' needs a horizon of at least 1 step") }
        for covariate in pastOnly where !panel.dynamicNames.contains(covariate) {
            throw HorizonError("'past=\(covariate)': the data has no numeric covariate '\(covariate)'"
                               + (panel.dynamicNames.isEmpty ? " (it has none)" : " (it has \(panel.dynamicNames.joined(separator: ", ")))"),
                               suggestion: Suggestions.didYouMean(covariate, in: panel.dynamicNames))
        }
        let seed = self.seed ?? settings.seed
        let builder = FeatureBuilder(panel: panel, lags: lags, pastOnly: pastOnly)
        let rows = try builder.trainingRows(panel, horizon: settings.horizon, maxRows: maxRows, seed: seed)
        guard rows.count > 0 else {
            throw HorizonError("'\(name)' has nothing to learn from: no series has an observation followed by another")
        }
        // A fitted forest keeps about 16 bytes per training row and tree (nodes, or the
        // quantile forest's leaf rows); refuse what would not fit in memory rather than crash.
        let entries = Double(rows.count) * Double(configuration.trees)
        guard entries <= TreeModels.maxEntries else {
            throw HorizonError("'\(name)' with \(configuration.trees) trees on \(rows.count) rows would keep about "
                               + "\(Int((entries * 16 / 1e9).rounded())) GB: lower trees= or rows= "
                               + "(trees × rows up to \(Int(TreeModels.maxEntries / 1e6)) million)")
        }
        var configuration = self.configuration
        configuration.seed = seed
        configuration.label = "training \(name)"
        let nonNegative = panel.series.allSatisfy { $0.values.allSatisfy { $0.isNaN || $0 >= 0 } }
        let model: TreePredictor.Model
        switch kind {
        case .forest:
            let forest = try RandomForest.fit(rows.features, targets: rows.targets, configuration: configuration)
            var residuals = [[Double]](repeating: [], count: settings.horizon)
            let spreads = builder.spreads(rows)
            for (k, oob) in forest.outOfBag.enumerated() where !oob.isNaN {
                residuals[rows.steps[k] - 1].append((rows.targets[k] - oob) / spreads[k])
            }
            model = .forest(forest, residuals: residuals.map { $0.sorted() })
        case .quantile:
            model = .quantile(try QuantileForest.fit(rows.features, targets: rows.targets, configuration: configuration))
        }
        return TreePredictor(name: name, builder: builder, horizon: settings.horizon, model: model,
                             nonNegative: nonNegative, trainingRows: rows.count)
    }
}

/// Forecasts from a fitted forest: one feature row per series and step, predictions in
/// scaled units multiplied back by each row's level.
public struct TreePredictor: Predictor, SummarizesFit {
    enum Model: Sendable {
        /// The forest and its out-of-bag errors per step, in units of each row's spread, sorted.
        case forest(RandomForest, residuals: [[Double]])
        case quantile(QuantileForest)
    }

    public let name: String
    public let builder: FeatureBuilder
    /// The steps ahead the model was trained for.
    public let horizon: Int
    let model: Model
    /// Whether the training targets were never negative (forecasts are then clipped at 0).
    let nonNegative: Bool
    /// How many (item, origin, step) rows it learned from.
    public let trainingRows: Int

    public var forest: RandomForest {
        switch model {
        case .forest(let forest, _): return forest
        case .quantile(let q): return q.forest
        }
    }

    public func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        guard horizon <= self.horizon else {
            throw HorizonError("it was trained to forecast \(self.horizon) steps ahead, not \(horizon): train it again")
        }
        let rows = builder.forecastRows(history, future: future, horizon: horizon)
        // points[row], quantiles[row][level], in the data's units.
        var points: [Double], quantiles: [[Double]]
        switch model {
        case .forest(let forest, let residuals):
            let pooled = residuals.joined().sorted()
            points = try forest.predict(rows.features)
            let spreads = builder.spreads(rows)
            quantiles = points.indices.map { r in
                let errors = residuals[rows.steps[r] - 1].isEmpty ? pooled : residuals[rows.steps[r] - 1]
                return levels.map { errors.isEmpty ? points[r] : points[r] + spreads[r] * SampleQuantile.type7(sorted: errors, $0) }
            }
        case .quantile(let forest):
            let withMedian = Array(Set(levels + [0.5])).sorted()
            let all = try forest.quantiles(rows.features, levels: withMedian)
            let median = withMedian.firstIndex(of: 0.5)!
            let chosen = levels.map { withMedian.firstIndex(of: $0)! }
            points = all.map { $0[median] }
            quantiles = all.map { q in chosen.map { q[$0] } }
        }
        var items: [ItemForecast] = []
        items.reserveCapacity(history.count)
        var r = 0
        for s in history.series {
            var point = [Double](repeating: 0, count: horizon)
            var q = [[Double]](repeating: point, count: levels.count)
            for h in 0..<horizon {
                let scale = rows.scales[r]
                point[h] = points[r] * scale
                for l in levels.indices { q[l][h] = quantiles[r][l] * scale }
                if nonNegative {
                    point[h] = max(0, point[h])
                    for l in levels.indices { q[l][h] = max(0, q[l][h]) }
                }
                r += 1
            }
            items.append(ItemForecast(id: s.id, firstTime: history.time(of: s, at: s.count), point: point, levels: levels, quantiles: q))
        }
        return PanelForecast(model: name, items: items)
    }

    public var fitSummary: [String] {
        // On data too small to split, every tree is one leaf and no feature matters: a row of 0 %
        // would read as a bug.
        let split = forest.trees.contains { $0.nodes.count > 1 }
        let top = forest.ranking.prefix(6).map { "\($0.name) \(Int(($0.share * 100).rounded()))%" }
        var lines = ["\(forest.trees.count) trees on \(trainingRows) rows (item × origin × step); \(builder.summary)",
                     split ? "most important: " + top.joined(separator: ", ") : "no tree split (too few rows): every forecast draws on all the training rows alike"]
        switch model {
        case .forest: lines.append("quantiles: point + the out-of-bag errors at each step, in units of the item's recent spread")
        case .quantile: lines.append("quantiles: Meinshausen's weighted CDF over the training rows in the query's leaves; point = median")
        }
        return lines
    }
}
