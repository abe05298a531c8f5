import Foundation
import GRDB
import HorizonCore
import HorizonForecast

/// One logged `train`, `evaluate` or `backtest`: what was run, on which data, with which
/// settings, how it scored, how long it took, and the script line that produced it.
///
/// A row of the `run` table (see `RunStore.migrator`). Every declared metric
/// (`MetricDeclaration.all`) is a column, so `runs best` ranks by it in SQL; the rest
/// (per-level wQL, coverage, per-window scores, a network's training summary) are kept as
/// JSON lists in `metrics` and `details`.
public struct Run: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public enum Kind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case train, evaluate, backtest
    }

    /// A named number, in the order the evaluation table shows them (nil: not defined, NaN).
    public struct Metric: Codable, Sendable, Equatable {
        public var name: String
        public var value: Double?
        public init(_ name: String, _ value: Double?) {
            self.name = name
            self.value = value.flatMap { $0.isFinite ? $0 : nil }
        }
    }

    /// A named piece of text (a backtest's windows, a network's best epoch).
    public struct Detail: Codable, Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var id: Int64?
    public var startedAt: Date
    public var kind: Kind
    /// The model's name in the session (`train mlp as small` → small) and its catalog name (mlp).
    public var modelName: String
    public var modelKind: String
    /// The model's options as written on its `train` line (`epochs=2 hidden=64`).
    public var options: String
    /// The data file, as an absolute path, and `Panel.fingerprint` of what was loaded from it.
    public var dataPath: String?
    public var dataFingerprint: String?
    public var series: Int?
    /// The longest holdout of any series (they are equal unless a test file set them).
    public var holdout: Int?
    /// The session's seed, stored as its 64 bits in SQLite's signed integer (`sessionSeed`
    /// reads it back): seeds above 2⁶³ − 1 are legal in `set seed`.
    public var seed: Int64
    public var horizon: Int
    public var context: Int?
    /// The quantile levels, as `p10 p50 p90`.
    public var levels: String
    /// The declared metrics' values by column; a metric the run has no value for is absent.
    public var scores: [String: Double]
    public var metrics: [Metric]
    public var details: [Detail]
    public var durationSeconds: Double
    /// Where the command was (`scripts/evolution.hz:24:1`, `<repl>:7:1`) and its text.
    public var source: String
    public var line: String

    public static let databaseTableName = "run"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public init(kind: Kind, modelName: String, modelKind: String, options: String, seed: UInt64, horizon: Int,
                levels: String, durationSeconds: Double, source: String, line: String, startedAt: Date = Date()) {
        self.startedAt = startedAt
        self.kind = kind
        self.modelName = modelName
        self.modelKind = modelKind
        self.options = options
        self.seed = Int64(bitPattern: seed)
        self.horizon = horizon
        self.levels = levels
        self.scores = [:]
        self.metrics = []
        self.details = []
        self.durationSeconds = durationSeconds
        self.source = source
        self.line = line
    }

    public var sessionSeed: UInt64 { UInt64(bitPattern: seed) }

    /// A declared metric's value, nil when the run has none.
    public subscript(_ metric: MetricDeclaration) -> Double? {
        get { scores[metric.column] }
        set { scores[metric.column] = newValue.flatMap { $0.isFinite ? $0 : nil } }
    }

    // Coding by hand: the metric columns are the declared ones, not fixed fields.
    enum CodingKeys: String, CodingKey {
        case id, startedAt, kind, modelName, modelKind, options, dataPath, dataFingerprint, series, holdout, seed, horizon, context,
             levels, metrics, details, durationSeconds, source, line
    }

    /// A metric column's key (columns are single lowercase words, so the snake-case
    /// conversion leaves them as they are).
    struct ScoreKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(Int64.self, forKey: .id)
        startedAt = try c.decode(Date.self, forKey: .startedAt)
        kind = try c.decode(Kind.self, forKey: .kind)
        modelName = try c.decode(String.self, forKey: .modelName)
        modelKind = try c.decode(String.self, forKey: .modelKind)
        options = try c.decode(String.self, forKey: .options)
        dataPath = try c.decodeIfPresent(String.self, forKey: .dataPath)
        dataFingerprint = try c.decodeIfPresent(String.self, forKey: .dataFingerprint)
        series = try c.decodeIfPresent(Int.self, forKey: .series)
        holdout = try c.decodeIfPresent(Int.self, forKey: .holdout)
        seed = try c.decode(Int64.self, forKey: .seed)
        horizon = try c.decode(Int.self, forKey: .horizon)
        context = try c.decodeIfPresent(Int.self, forKey: .context)
        levels = try c.decode(String.self, forKey: .levels)
        metrics = try c.decode([Metric].self, forKey: .metrics)
        details = try c.decode([Detail].self, forKey: .details)
        durationSeconds = try c.decode(Double.self, forKey: .durationSeconds)
        source = try c.decode(String.self, forKey: .source)
        line = try c.decode(String.self, forKey: .line)
        let columns = try decoder.container(keyedBy: ScoreKey.self)
        scores = [:]
        for metric in MetricDeclaration.all {
            scores[metric.column] = try columns.decodeIfPresent(Double.self, forKey: ScoreKey(stringValue: metric.column))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(kind, forKey: .kind)
        try c.encode(modelName, forKey: .modelName)
        try c.encode(modelKind, forKey: .modelKind)
        try c.encode(options, forKey: .options)
        try c.encode(dataPath, forKey: .dataPath)
        try c.encode(dataFingerprint, forKey: .dataFingerprint)
        try c.encode(series, forKey: .series)
        try c.encode(holdout, forKey: .holdout)
        try c.encode(seed, forKey: .seed)
        try c.encode(horizon, forKey: .horizon)
        try c.encode(context, forKey: .context)
        try c.encode(levels, forKey: .levels)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(details, forKey: .details)
        try c.encode(durationSeconds, forKey: .durationSeconds)
        try c.encode(source, forKey: .source)
        try c.encode(line, forKey: .line)
        var columns = encoder.container(keyedBy: ScoreKey.self)
        for metric in MetricDeclaration.all { try columns.encode(scores[metric.column], forKey: ScoreKey(stringValue: metric.column)) }
    }

    /// The run with every piece of text made visible (`Visible.name`): model names, options,
    /// paths and lines come from data and users, and the log shows them in every later
    /// session, so no control character is ever stored.
    public var madeVisible: Run {
        var run = self
        run.modelName = Visible.name(modelName)
        run.modelKind = Visible.name(modelKind)
        run.options = Visible.name(options)
        run.dataPath = dataPath.map(Visible.name)
        run.levels = Visible.name(levels)
        run.source = Visible.name(source)
        run.line = Visible.name(line)
        run.metrics = metrics.map { Metric(Visible.name($0.name), $0.value) }
        run.details = details.map { Detail(Visible.name($0.name), Visible.name($0.value)) }
        return run
    }

    /// What makes two runs the same experiment: the same command kind, model and options on
    /// the same data, holdout, seed, horizon, context and levels. Runs deterministically,
    /// such runs have the same scores, so a ranking lists each configuration once.
    struct Configuration: Hashable {
        var kind: Kind
        var modelName: String, modelKind: String, options: String
        var dataFingerprint: String?
        var holdout: Int?, seed: Int64, horizon: Int, context: Int?, levels: String
    }

    var configuration: Configuration {
        Configuration(kind: kind, modelName: modelName, modelKind: modelKind, options: options, dataFingerprint: dataFingerprint,
                      holdout: holdout, seed: seed, horizon: horizon, context: context, levels: levels)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
