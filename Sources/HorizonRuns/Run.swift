import Foundation
import GRDB
import HorizonCore

/// One logged `train`, `evaluate` or `backtest`: what was run, on which data, with which
/// settings, how it scored, how long it took, and the script line that produced it.
///
/// A row of the `run` table (see `RunStore.migrator`). Metrics that every scored run has are
/// columns, so `runs best` ranks them in SQL; the rest (per-level wQL, coverage, per-window
/// scores, a network's training summary) are kept as JSON lists in `metrics` and `details`.
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
    public var wql: Double?
    public var crps: Double?
    public var mase: Double?
    public var smape: Double?
    public var msis: Double?
    public var owa: Double?
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
        self.metrics = []
        self.details = []
        self.durationSeconds = durationSeconds
        self.source = source
        self.line = line
    }

    public var sessionSeed: UInt64 { UInt64(bitPattern: seed) }

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
