import Foundation
import GRDB
import HorizonCore
import HorizonForecast

/// The experiment log's database: one SQLite file shared by every session that writes to it.
///
/// It is opened as a GRDB `DatabasePool`, so the file is in WAL mode: readers never block the
/// writer, and sessions in other processes wait for each other (up to `busyTimeout`) instead
/// of failing. Every write is one transaction, so a crash or a failed insert leaves either all
/// of a command's runs or none of them. The schema belongs to `migrator`.
public final class RunStore: @unchecked Sendable {
    public let path: String
    private let pool: DatabasePool

    /// How long a write waits for another session's write to finish.
    static let busyTimeout: TimeInterval = 30

    /// Opens (creating it and its folder if needed) the database at `path` and brings its
    /// schema up to date.
    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "horizon runs"
        pool = try Self.withLock(path + ".migrate-lock") {
            let pool = try Self.openRetryingWhileBusy(path, configuration)
            try Self.migrator.migrate(pool)
            return pool
        }
    }

    /// The schema, one migration per change; a database written by an older Horizon is
    /// brought forward when it is opened.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("started_at", .datetime).notNull()
                t.column("kind", .text).notNull().check { Run.Kind.allCases.map(\.rawValue).contains($0) }
                t.column("model_name", .text).notNull()
                t.column("model_kind", .text).notNull()
                t.column("options", .text).notNull()
                t.column("data_path", .text)
                t.column("data_fingerprint", .text).indexed()
                t.column("series", .integer)
                t.column("holdout", .integer)
                t.column("seed", .integer).notNull()
                t.column("horizon", .integer).notNull()
                t.column("context", .integer)
                t.column("levels", .text).notNull()
                // v1's metric columns as they were when it was written, not the live list: a
                // metric added later gets its column from a migration of its own, so a new
                // database and an old one brought forward end with the same schema.
                for column in ["wql", "crps", "mase", "smape", "msis", "owa"] { t.column(column, .double) }
                t.column("metrics", .jsonText).notNull()
                t.column("details", .jsonText).notNull()
                t.column("duration_seconds", .double).notNull()
                t.column("source", .text).notNull()
                t.column("line", .text).notNull()
            }
        }
        // A metric declared later adds its column in the migration of its schema version.
        let later = MetricDeclaration.all.filter { $0.schemaVersion > 1 }
        for version in Set(later.map(\.schemaVersion)).sorted() {
            let added = later.filter { $0.schemaVersion == version }
            migrator.registerMigration("v\(version): metrics \(added.map(\.name).joined(separator: ", "))") { db in
                try db.alter(table: "run") { t in for metric in added { t.add(column: metric.column, .double) } }
            }
        }
        return migrator
    }

    /// Runs `body` (opening the pool and migrating it) under an exclusive lock on a file beside
    /// the database. Two sessions opening a new log at once would otherwise race twice: SQLite
    /// answers `PRAGMA journal_mode = WAL` with "database is locked" at once, without waiting
    /// for the busy timeout, when another connection is switching the file to WAL; and GRDB's
    /// migrator reads which migrations are applied before its transaction starts, so both would
    /// try to create the tables. The lock makes the second session wait, then find the file
    /// in WAL mode and nothing to migrate.
    private static func withLock<T>(_ lockPath: String, _ body: () throws -> T) throws -> T {
        let descriptor: Int32
        do { descriptor = try AtomicFile.openLock(lockPath, permissions: 0o644) } catch {
            throw HorizonError("cannot create '\(lockPath)': \(error.localizedDescription)")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw HorizonError("cannot lock '\(lockPath)': \(String(cString: strerror(errno)))") }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// Opens the pool, trying again for up to `busyTimeout` while SQLite says the file is
    /// busy: a program that is not Horizon (the `sqlite3` shell) takes no lock file, and the
    /// WAL switch does not wait for it by itself.
    private static func openRetryingWhileBusy(_ path: String, _ configuration: Configuration) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeout)
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(20_000)
            }
        }
    }

    /// Inserts `runs` in one transaction (all or none) and returns them with their ids.
    @discardableResult
    public func record(_ runs: [Run]) throws -> [Run] {
        try pool.write { db in
            try runs.map { run in
                var inserted = run
                try inserted.insert(db)
                return inserted
            }
        }
    }

    /// Runs read from rows one by one, and the ids of rows that would not decode: a row
    /// damaged in the file (by hand, or by a failing disk) is named and left out, rather than
    /// failing every listing with it.
    public struct Listing: Sendable {
        public var runs: [Run]
        public var damaged: [Int64]
    }

    /// The newest runs first, optionally of one model (by its session name or catalog name).
    public func recent(limit: Int, model: String? = nil) throws -> Listing {
        try pool.read { db in
            var request = Run.order(Column("id").desc).limit(limit)
            if let model { request = request.filter(Column("model_name") == model || Column("model_kind") == model) }
            var listing = Listing(runs: [], damaged: [])
            for row in try request.asRequest(of: Row.self).fetchAll(db) {
                if let run = try? Run(row: row) { listing.runs.append(run) } else { listing.damaged.append(row["id"] ?? 0) }
            }
            return listing
        }
    }

    /// Scored runs ranked by `metric`, best first, each configuration once (its best
    /// run; see `Run.Configuration`); only those on data with `fingerprint` when one is given.
    /// Ties go to the older run.
    public func best(by metric: MetricDeclaration, fingerprint: String?, limit: Int) throws -> Listing {
        try pool.read { db in
            var request = Run.filter(Column(metric.column) != nil)
            if let fingerprint { request = request.filter(Column("data_fingerprint") == fingerprint) }
            // A script that evaluates the same models several times (the walkthrough does) logs
            // the same scores each time: each configuration is ranked once, by its best run.
            var seen = Set<Run.Configuration>(), listing = Listing(runs: [], damaged: [])
            let order = metric.lowerIsBetter ? Column(metric.column).asc : Column(metric.column).desc
            let cursor = try request.order(order, Column("id").asc).asRequest(of: Row.self).fetchCursor(db)
            while listing.runs.count < limit, let row = try cursor.next() {
                guard let run = try? Run(row: row) else { listing.damaged.append(row["id"] ?? 0); continue }
                if seen.insert(run.configuration).inserted { listing.runs.append(run) }
            }
            return listing
        }
    }

    /// The run with `id`; an error naming it when its row is damaged.
    public func run(id: Int64) throws -> Run? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]) else { return nil }
            guard let run = try? Run(row: row) else { throw HorizonError("run \(id) in \(path) is damaged: its row does not read back") }
            return run
        }
    }

    /// How many runs the log holds.
    public func count() throws -> Int {
        try pool.read { try Run.fetchCount($0) }
    }

    /// SQLite's own check of the file (`ok` when the database is sound).
    public func integrityCheck() throws -> String {
        try pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}
