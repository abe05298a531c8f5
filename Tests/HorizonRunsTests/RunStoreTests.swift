import Foundation
import GRDB
import Synchronization
import Testing
@testable import HorizonRuns
import HorizonCore
import HorizonForecast

/// A fresh database path in a folder of its own.
func scratchDatabase() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-runs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("runs.sqlite").path
}

let wql = MetricDeclaration.named("wql")!

func sampleRun(_ kind: Run.Kind = .evaluate, model: String = "snaive", wql: Double? = 0.5, fingerprint: String? = "abc") -> Run {
    var run = Run(kind: kind, modelName: model, modelKind: model, options: "window=8", seed: 7, horizon: 8, levels: "p10 p50 p90",
                  durationSeconds: 0.25, source: "walk.hz:12", line: "evaluate",
                  startedAt: Date(timeIntervalSince1970: 1_790_000_000.125))
    run.dataPath = "/data/retail.csv"
    run.dataFingerprint = fingerprint
    run.series = 228
    run.holdout = 8
    run.scores["wql"] = wql
    run.scores["mase"] = wql.map { $0 * 2 }
    run.metrics = [Run.Metric("wQL[p10]", 0.2), Run.Metric("OWA", .nan)]
    run.details = [Run.Detail("windows", "4")]
    return run
}

@Suite struct RunStoreTests {
    @Test func aRunReadsBackAsWritten() throws {
        let store = try RunStore(path: try scratchDatabase())
        var run = sampleRun()
        run.context = 52
        let saved = try store.record([run])
        #expect(saved[0].id == 1)
        let back = try #require(try store.run(id: 1))
        #expect(back == saved[0])
        #expect(back.metrics == [Run.Metric("wQL[p10]", 0.2), Run.Metric("OWA", nil)])  // NaN is stored as "no value"
        #expect(try store.count() == 1)
    }

    @Test func seedsAboveInt64MaxSurvive() throws {
        let store = try RunStore(path: try scratchDatabase())
        var run = sampleRun()
        run.seed = Int64(bitPattern: UInt64.max - 1)
        try store.record([run])
        #expect(try store.run(id: 1)?.sessionSeed == UInt64.max - 1)
    }

    @Test func bestRanksScoredRunsOnTheSameDataLowestFirst() throws {
        let store = try RunStore(path: try scratchDatabase())
        try store.record([sampleRun(model: "a", wql: 0.4), sampleRun(.train, model: "t", wql: nil), sampleRun(model: "b", wql: 0.3),
                          sampleRun(model: "other-data", wql: 0.1, fingerprint: "zzz"), sampleRun(model: "c", wql: 0.4)])
        #expect(try store.best(by: wql, fingerprint: "abc", limit: 10).runs.map(\.modelName) == ["b", "a", "c"])
        #expect(try store.best(by: wql, fingerprint: nil, limit: 2).runs.map(\.modelName) == ["other-data", "b"])
        #expect(try store.recent(limit: 2).runs.map(\.modelName) == ["c", "other-data"])
        #expect(try store.recent(limit: 10, model: "t").runs.count == 1)
    }

    /// The walkthrough evaluates qrf three times: `runs best` lists it once, at its best score,
    /// while a different seed or kind of the same model is a configuration of its own.
    @Test func bestListsEachConfigurationOnce() throws {
        let store = try RunStore(path: try scratchDatabase())
        var reseeded = sampleRun(model: "qrf", wql: 0.2)
        reseeded.seed = 8
        try store.record([sampleRun(model: "qrf", wql: 0.2), sampleRun(model: "snaive", wql: 0.3), sampleRun(model: "qrf", wql: 0.2),
                          sampleRun(.backtest, model: "qrf", wql: 0.25), reseeded, sampleRun(model: "qrf", wql: 0.2)])
        let best = try store.best(by: wql, fingerprint: "abc", limit: 10).runs
        #expect(best.map(\.id) == [1, 5, 4, 2])
        #expect(try store.best(by: wql, fingerprint: "abc", limit: 2).runs.map(\.id) == [1, 5])
    }

    /// A row damaged in the file (a date that is no date) is named and left out; the others list.
    @Test func aDamagedRowIsLeftOutByIdNotFailingTheListing() throws {
        let path = try scratchDatabase()
        let store = try RunStore(path: path)
        try store.record([sampleRun(model: "a", wql: 0.2), sampleRun(model: "b", wql: 0.1), sampleRun(model: "c", wql: 0.3)])
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "UPDATE run SET started_at = 'garbage' WHERE id = 2") }
        let recent = try store.recent(limit: 10)
        #expect(recent.runs.map(\.modelName) == ["c", "a"] && recent.damaged == [2])
        let best = try store.best(by: wql, fingerprint: nil, limit: 10)
        #expect(best.runs.map(\.modelName) == ["a", "c"] && best.damaged == [2])
        let error = #expect(throws: HorizonError.self) { try store.run(id: 2) }
        #expect(error?.message == "run 2 in \(path) is damaged: its row does not read back")
        #expect(try store.run(id: 3)?.modelName == "c")
    }

    /// A command's runs are written in one transaction: when one of them cannot be inserted,
    /// none is, and the file stays sound.
    @Test func aFailedWriteLeavesTheDatabaseAsItWas() throws {
        let path = try scratchDatabase()
        let store = try RunStore(path: path)
        try store.record([sampleRun(model: "first")])
        var clash = sampleRun(model: "clash")
        clash.id = 1  // the primary key of the run already there
        #expect(throws: (any Error).self) { try store.record([sampleRun(model: "lost"), clash]) }
        #expect(try store.count() == 1)
        #expect(try store.recent(limit: 10).runs.map(\.modelName) == ["first"])
        #expect(try store.integrityCheck() == "ok")
        try store.record([sampleRun(model: "after")])
        #expect(try RunStore(path: path).recent(limit: 10).runs.map(\.modelName) == ["after", "first"])
    }

    /// Two connections pools on one file (as two sessions would have) write at once; WAL and
    /// the busy timeout make them take turns, and no run is lost.
    @Test func twoPoolsWritingAtOnceLoseNothing() throws {
        let path = try scratchDatabase()
        let stores = try [RunStore(path: path), RunStore(path: path)]
        let perStore = 150
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            for i in 0..<perStore {
                _ = try? stores[k].record([sampleRun(model: "s\(k)-\(i)")])
            }
        }
        #expect(try stores[0].count() == 2 * perStore)
        let names = Set(try stores[1].recent(limit: 1000).runs.map(\.modelName))
        #expect(names.count == 2 * perStore)
        #expect(try stores[0].integrityCheck() == "ok")
    }

    /// Sessions that open one new log at the same moment all get it: SQLite refuses the switch
    /// to WAL at once ("database is locked", no busy wait) while another connection makes it,
    /// which lost the first command's runs of a session started beside another.
    @Test func sessionsOpeningANewLogAtOnceAllGetIt() throws {
        for _ in 0..<40 {
            let path = try scratchDatabase()
            let openers = 4
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: openers) { _ in
                do { _ = try RunStore(path: path) } catch { failures.withLock { $0.append("\(error)") } }
            }
            #expect(failures.withLock { $0 } == [])
        }
    }

    /// Every metric `runs best` ranks by has its column once the migrations have run, and
    /// the first migration's columns are the ones it always had: a metric added to the list
    /// without a migration of its own fails here, not in a user's old log.
    @Test func everyMetricHasAColumnAndTheFirstMigrationIsFrozen() throws {
        let database = try DatabaseQueue()
        try RunStore.migrator.migrate(database, upTo: "v1: runs")
        let first = try database.read { db in try db.columns(in: "run").map(\.name) }
        #expect(first == ["id", "started_at", "kind", "model_name", "model_kind", "options", "data_path", "data_fingerprint", "series",
                          "holdout", "seed", "horizon", "context", "levels", "wql", "crps", "mase", "smape", "msis", "owa", "metrics",
                          "details", "duration_seconds", "source", "line"])
        try RunStore.migrator.migrate(database)
        let columns = Set(try database.read { db in try db.columns(in: "run").map(\.name) })
        for metric in MetricDeclaration.all { #expect(columns.contains(metric.column), "no column for \(metric.name)") }
    }

    /// Metric columns are single lowercase words (the snake-case coding leaves them as they
    /// are) and unique; the first migration's metrics are schema version 1 and every later one
    /// has a version of its own above it.
    @Test func declaredMetricsFitTheSchema() {
        let all = MetricDeclaration.all
        #expect(Set(all.map(\.name)).count == all.count && Set(all.map(\.column)).count == all.count)
        for metric in all { #expect(metric.column.allSatisfy { $0.isLowercase || $0.isNumber } && !metric.column.isEmpty, "\(metric.column)") }
        #expect(all.filter { $0.schemaVersion == 1 }.map(\.column).sorted() == ["crps", "mase", "msis", "owa", "smape", "wql"])
        #expect(all.allSatisfy { $0.schemaVersion >= 1 })
    }

    /// A log written before ND existed gains its column when opened (migration v2), keeps its
    /// runs, and ranks by ND from then on.
    @Test func anOlderLogGainsTheNDColumn() throws {
        let path = try scratchDatabase()
        let old = try DatabaseQueue(path: path)
        try RunStore.migrator.migrate(old, upTo: "v1: runs")
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO run (started_at, kind, model_name, model_kind, options, seed, horizon, levels, wql, metrics, details,
                                 duration_seconds, source, line)
                VALUES ('2026-01-01 00:00:00.000', 'evaluate', 'old', 'naive', '', 1, 8, 'p50', 0.3, '[]', '[]', 1, 's:1', 'evaluate')
                """)
        }
        try old.close()
        let store = try RunStore(path: path)
        let nd = try #require(MetricDeclaration.named("nd"))
        var run = sampleRun(model: "new")
        run[nd] = 0.125
        try store.record([run])
        #expect(try store.recent(limit: 5).runs.map { $0[nd] } == [0.125, nil])
        #expect(try store.best(by: nd, fingerprint: nil, limit: 5).runs.map(\.modelName) == ["new"])
    }

    @Test func opensAnExistingLogWithoutMigratingAgain() throws {
        let path = try scratchDatabase()
        try RunStore(path: path).record([sampleRun()])
        let again = try RunStore(path: path)
        #expect(try again.count() == 1)
    }
}

@Suite struct RunLogTests {
    @Test func locationFollowsHorizonRuns() {
        #expect(RunLog.location(environment: [:]) == .file(".horizon/runs.sqlite"))
        #expect(RunLog.location(environment: ["HORIZON_RUNS": ""]) == .file(".horizon/runs.sqlite"))
        #expect(RunLog.location(environment: ["HORIZON_RUNS": "OFF"]) == .off)
        #expect(RunLog.location(environment: ["HORIZON_RUNS": "/x/y.sqlite"]) == .file("/x/y.sqlite"))
    }

    @Test func aLogThatCannotBeOpenedSaysSoOnceAndNeverThrows() throws {
        let file = try scratchDatabase() + ".txt"
        try "not a folder".write(toFile: file, atomically: false, encoding: .utf8)
        let log = RunLog(.file(file + "/runs.sqlite"))  // a path under a plain file
        let first = log.record([sampleRun()])
        #expect(first?.contains("could not be opened") == true)
        #expect(log.record([sampleRun()]) == nil)
        // After `openAttempts` failed opens the session stops trying: freeing the path now changes nothing.
        for _ in 2..<RunLog.openAttempts { _ = log.record([sampleRun()]) }
        try FileManager.default.removeItem(atPath: file)
        #expect(log.record([sampleRun()]) == nil)
        #expect(!FileManager.default.fileExists(atPath: file + "/runs.sqlite"))
        #expect(RunLog(.off).record([sampleRun()]) == nil)
    }

    /// Opening is tried again at each command: once the blocking file is gone, runs are logged.
    @Test func aLogThatCouldNotBeOpenedIsTriedAgain() throws {
        let folder = (try scratchDatabase() as NSString).deletingLastPathComponent
        let blocker = folder + "/later"
        try "not a folder yet".write(toFile: blocker, atomically: false, encoding: .utf8)
        let log = RunLog(.file(blocker + "/runs.sqlite"))
        #expect(log.record([sampleRun()])?.contains("could not be opened") == true)
        try FileManager.default.removeItem(atPath: blocker)
        #expect(log.record([sampleRun(model: "second")]) == nil)
        #expect(try RunStore(path: blocker + "/runs.sqlite").recent(limit: 10).runs.map(\.modelName) == ["second"])
    }

    @Test func readingNeverCreatesALog() throws {
        let path = try scratchDatabase()
        #expect(try RunLog(.file(path)).existingStore() == nil)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(throws: (any Error).self) { try RunLog(.off).existingStore() }
    }
}
