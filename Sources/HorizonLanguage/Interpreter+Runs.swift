import Foundation
import HorizonCore
import HorizonForecast
import HorizonRuns

/// Reading the experiment log: `runs`, `runs best` and `runs compare`.
extension Interpreter {
    func listRuns(limit: Int, model: String?) throws {
        guard let store = try openRunLog() else { return }
        // The log keeps names as shown (control characters escaped): a name from the session is
        // looked up in that form.
        let listing = try readLog { try store.recent(limit: limit, model: model.map(Visible.name)) }
        let runs = listing.runs
        let total = try readLog { try store.count() }
        defer { noteDamaged(listing.damaged, in: store) }
        guard !runs.isEmpty else {
            emit(model.map { "no runs of '\($0)' in \(store.path)" } ?? "no runs in \(store.path) yet")
            return
        }
        let listed = Self.listedMetrics
        var table = TextTable(title: "runs in \(store.path), newest first (\(runs.count) of \(total)\(model.map { " runs; model \($0)" } ?? ""))",
                              headers: ["id", "when", "kind", "model", "options", "holdout"] + listed.map(\.label) + ["seconds", "line"])
        for run in runs {
            table.append(["\(run.id ?? 0)", Self.when(run.startedAt), run.kind.rawValue, Self.modelLabel(run), run.options.isEmpty ? "–" : run.options,
                          run.holdout.map(String.init) ?? "–"] + listed.map { Self.number(run[$0], $0.digits) }
                         + [NumberFormat.duration(run.durationSeconds), Self.origin(run)])
        }
        table.notes = ["seconds: a train's fit; a backtest's or an evaluate's whole command (every model an evaluate scored shows the same).",
                       "'runs best metric=wql' ranks the scored runs; 'runs compare A B' sets two side by side."]
        output.emit(.table(table))
    }

    func bestRuns(_ name: Located<String>, limit: Int, everyData: Bool) throws {
        guard let metric = MetricDeclaration.named(name.value) else {
            throw HorizonError("runs are ranked by one of \(RunsCommand.metrics.joined(separator: ", ")), got '\(name.value)'",
                               at: name.location, suggestion: Suggestions.didYouMean(name.value, in: RunsCommand.metrics))
        }
        let fingerprint = everyData ? nil : session.panel?.fingerprint
        guard let store = try openRunLog() else { return }
        let listing = try readLog { try store.best(by: metric, fingerprint: fingerprint, limit: limit) }
        let runs = listing.runs
        defer { noteDamaged(listing.damaged, in: store) }
        let scope: String
        if let fingerprint {
            scope = "on the loaded data (fingerprint \(fingerprint); data=all ranks runs on any data)"
        } else {
            scope = everyData ? "on any data" : "on any data (no data is loaded)"
        }
        guard !runs.isEmpty else {
            emit("no evaluate or backtest run with a \(metric.label) \(scope) in \(store.path)")
            return
        }
        var table = TextTable(title: "best \(metric.label) first, \(scope)",
                              headers: ["rank", "id", "kind", "model", "options", "holdout", "levels", metric.label]
                                  + Self.alongside(metric).map(\.label) + ["line"])
        for (rank, run) in runs.enumerated() {
            table.append(["\(rank + 1)", "\(run.id ?? 0)", run.kind.rawValue, Self.modelLabel(run), run.options.isEmpty ? "–" : run.options,
                          run.holdout.map(String.init) ?? "–", run.levels, Self.number(run[metric], metric.digits)]
                         + Self.alongside(metric).map { Self.number(run[$0], $0.digits) }
                         + [Self.origin(run)])
        }
        table.notes = ["Scores are comparable only on the same holdout and quantile levels: check those columns.",
                       "A backtest's scores pool all its windows; an evaluate's are the holdout's."]
        output.emit(.table(table))
    }

    /// The scores `runs` lists: mean wQL and MASE, enough to tell runs apart at a glance.
    static let listedMetrics = ["wql", "mase"].compactMap(MetricDeclaration.named)

    /// The scores `runs best` shows beside the one it ranks by: every other that each run has.
    static func alongside(_ metric: MetricDeclaration) -> [MetricDeclaration] {
        MetricDeclaration.all.filter { $0 != metric && !$0.needsReference }
    }

    func compareRuns(_ first: Located<String>, _ second: Located<String>) throws {
        guard let store = try runLog.existingStore() else {
            throw HorizonError("no runs are logged yet: train, evaluate or backtest a model first", at: first.location)
        }
        let a = try loggedRun(first, in: store), b = try loggedRun(second, in: store)
        var table = TextTable(title: "runs compare \(a.id ?? 0) \(b.id ?? 0)",
                              headers: ["", "run \(a.id ?? 0)", "run \(b.id ?? 0)", "difference"], alignments: [.left, .left, .left, .left])
        func text(_ label: String, _ x: String, _ y: String) {
            table.append([label, x, y, x == y ? "" : "differs"])
        }
        text("kind", a.kind.rawValue, b.kind.rawValue)
        table.append(["when", Self.when(a.startedAt), Self.when(b.startedAt), ""])
        text("model", a.modelName, b.modelName)
        text("model kind", a.modelKind, b.modelKind)
        let optionsA = Self.options(a.options), optionsB = Self.options(b.options)
        for key in Self.union(optionsA.map(\.key), optionsB.map(\.key)) {
            text("option \(key)", optionsA.first { $0.key == key }?.value ?? "–", optionsB.first { $0.key == key }?.value ?? "–")
        }
        text("data", a.dataPath ?? "–", b.dataPath ?? "–")
        text("data fingerprint", a.dataFingerprint ?? "–", b.dataFingerprint ?? "–")
        text("series", a.series.map(String.init) ?? "–", b.series.map(String.init) ?? "–")
        text("holdout", a.holdout.map(String.init) ?? "–", b.holdout.map(String.init) ?? "–")
        text("seed", "\(a.sessionSeed)", "\(b.sessionSeed)")
        text("horizon", "\(a.horizon)", "\(b.horizon)")
        text("context", a.context.map(String.init) ?? "default", b.context.map(String.init) ?? "default")
        text("levels", a.levels, b.levels)
        for name in Self.union(a.metrics.map(\.name), b.metrics.map(\.name)) {
            let x = a.metrics.first { $0.name == name }?.value, y = b.metrics.first { $0.name == name }?.value
            var difference = ""
            if let x, let y, x != y {
                difference = (y > x ? "+" : "") + NumberFormat.fixed(y - x, 4) + (x != 0 ? " (\(y > x ? "+" : "")\(NumberFormat.fixed(100 * (y - x) / abs(x), 1))%)" : "")
            } else if (x == nil) != (y == nil) {
                difference = "differs"
            }
            table.append([name, Self.number(x), Self.number(y), difference])
        }
        for name in Self.union(a.details.map(\.name), b.details.map(\.name)) {
            let x = a.details.filter { $0.name == name }.map(\.value).joined(separator: "; ")
            let y = b.details.filter { $0.name == name }.map(\.value).joined(separator: "; ")
            text(name, x.isEmpty ? "–" : x, y.isEmpty ? "–" : y)
        }
        table.append(["seconds", NumberFormat.duration(a.durationSeconds), NumberFormat.duration(b.durationSeconds), ""])
        text("line", Self.origin(a), Self.origin(b))
        let differences = table.rows.filter { !$0[3].isEmpty }.count
        table.title! += ": \(differences) difference\(differences == 1 ? "" : "s") besides the time"
        output.emit(.table(table))
    }

    /// The log, or nil (having said so) when nothing has been logged yet.
    private func openRunLog() throws -> RunStore? {
        guard let store = try runLog.existingStore() else {
            if case .file(let path) = runLog.location { emit("no runs in \(path) yet: train, evaluate or backtest a model to log one") }
            return nil
        }
        return store
    }

    /// A note naming the runs left out because their rows would not read back.
    private func noteDamaged(_ ids: [Int64], in store: RunStore) {
        guard !ids.isEmpty else { return }
        emit("note: run\(ids.count == 1 ? "" : "s") \(ids.map(String.init).joined(separator: ", ")) in \(store.path) \(ids.count == 1 ? "is" : "are") damaged (\(ids.count == 1 ? "its row does" : "their rows do") not read back) and left out")
    }

    private func readLog<T>(_ read: () throws -> T) throws -> T {
        do { return try read() } catch let error as HorizonError { throw error } catch {
            throw HorizonError("cannot read the run log: \(error)")
        }
    }

    private func loggedRun(_ id: Located<String>, in store: RunStore) throws -> Run {
        guard let number = Int64(id.value), number > 0 else {
            throw HorizonError("a run is named by its id, a whole number from the 'runs' table, got '\(id.value)'", at: id.location)
        }
        guard let run = try readLog({ try store.run(id: number) }) else {
            throw HorizonError("no run \(number) in \(store.path)", at: id.location)
        }
        return run
    }

    /// `epochs=2 +elasticity window=8` as key–value pairs, in order: an add-on is a key of
    /// its own (`+elasticity`: on), and the options after it are named with it
    /// (`+elasticity window`), so they never mix with the model's.
    private static func options(_ text: String) -> [(key: String, value: String)] {
        var addOn = ""
        return text.split(separator: " ").map { token in
            if token.hasPrefix("+") {
                addOn = token + " "
                return (String(token), "on")
            }
            let parts = token.split(separator: "=", maxSplits: 1).map(String.init)
            return (addOn + parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    /// The names of `a`, then those only in `b`.
    private static func union(_ a: [String], _ b: [String]) -> [String] {
        var seen = Set<String>()
        return (a + b).filter { seen.insert($0).inserted }
    }

    private static func modelLabel(_ run: Run) -> String {
        run.modelName == run.modelKind ? run.modelName : "\(run.modelName) (\(run.modelKind))"
    }

    /// Where the run came from: `evolution.hz:24 evaluate sort=wql`.
    private static func origin(_ run: Run) -> String {
        let file = (run.source as NSString).lastPathComponent
        return file.isEmpty ? run.line : "\(file) \(run.line)"
    }

    private static func number(_ x: Double?, _ decimals: Int = 4) -> String {
        x.map { NumberFormat.fixed($0, decimals) } ?? "–"
    }

    private static func when(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}
