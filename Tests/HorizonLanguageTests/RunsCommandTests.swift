import Foundation
import HorizonCore
import HorizonRuns
import Testing
@testable import HorizonLanguage

/// An interpreter on the demo panel whose run log is a fresh database of its own.
func loggedSession() throws -> (Interpreter, OutputBuffer, String) {
    let output = OutputBuffer()
    let interpreter = Interpreter(output: output)
    let path = (try demoFile() as NSString).deletingLastPathComponent + "/runs.sqlite"
    interpreter.runLog = RunLog(.file(path))
    return (interpreter, output, path)
}

/// The text a command emitted last.
func lastText(_ output: OutputBuffer) -> String? {
    for block in output.blocks.reversed() { if case .text(let t) = block { return t } }
    return nil
}

@Suite struct RunLogCommandTests {
    /// The log keeps a name with a bidi override as shown (escaped); `runs model=` with the
    /// name as the session spells it still finds its runs.
    @Test func runsOfAModelNamedWithAControlCharacterAreFound() throws {
        let (interpreter, output, _) = try loggedSession()
        let name = "s\u{202E}x"
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ntrain snaive as \(Lexer.quoted(name))", source: "s")
        try interpreter.listRuns(limit: 10, model: name)
        let table = try #require(lastTable(output))
        #expect(table.rows.count == 1 && table.rows[0][3] == "s\\u{202e}x (snaive)", "\(table.rows)")
    }

    @Test func trainEvaluateAndBacktestAreLoggedWithTheirLines() throws {
        let (interpreter, output, path) = try loggedSession()
        let data = try demoFile()
        try interpreter.execute("load \(data)\nset seed 9\nset horizon 4\nholdout 4\ntrain snaive\ntrain mean as m8 window=8\nevaluate\nbacktest m8 windows=2",
                                source: "walk.hz")
        let store = try RunStore(path: path)
        let runs = try store.recent(limit: 10).runs.reversed() as [Run]
        #expect(runs.map(\.kind) == [.train, .train, .evaluate, .evaluate, .backtest])
        #expect(runs.map(\.modelName) == ["snaive", "m8", "snaive", "m8", "m8"])
        #expect(runs[1].modelKind == "mean" && runs[1].options == "window=8" && runs[4].options == "window=8")
        #expect(runs.map(\.source) == ["walk.hz:5", "walk.hz:6", "walk.hz:7", "walk.hz:7", "walk.hz:8"])
        #expect(runs[1].line == "train mean as m8 window=8")
        #expect(runs.allSatisfy { $0.sessionSeed == 9 && $0.horizon == 4 && $0.holdout == 4 && $0.levels == "p10 p50 p90" })
        #expect(runs.allSatisfy { $0.dataFingerprint == interpreter.session.panel?.fingerprint && $0.dataPath == data })
        #expect(runs[0].scores["wql"] == nil && runs[0].metrics.isEmpty)
        #expect(runs[4].details.map(\.value) == ["2", "4", "yes"])

        // The logged scores are the evaluate table's.
        let table = try #require(output.blocks.compactMap { block -> TextTable? in
            if case .table(let t) = block, t.headers.contains("OWA") { return t } else { return nil }
        }.first)
        let mean = try #require(table.headers.firstIndex(of: "mean wQL")), mase = try #require(table.headers.firstIndex(of: "MASE"))
        for (row, run) in zip(table.rows, runs[2...3]) {
            #expect(row[0] == run.modelName)
            #expect(row[mean] == NumberFormat.fixed(run.scores["wql"]!, 4))
            #expect(row[mase] == NumberFormat.fixed(run.scores["mase"]!, 3))
            #expect(run.metrics.map(\.name).prefix(3) == ["wQL[p10]", "wQL[p50]", "wQL[p90]"])
        }
        #expect(runs[4].metrics.contains { $0.name == "window 2 mean wQL" })
    }

    @Test func runsListsRanksAndCompares() throws {
        let (interpreter, output, _) = try loggedSession()
        try interpreter.execute("load \(try demoFile())\nset horizon 4\nholdout 4\ntrain snaive\ntrain naive\ntrain mean window=8\nevaluate", source: "s")
        try interpreter.execute("runs n=4", source: "s")
        let listed = try #require(lastTable(output))
        #expect(listed.rows.map { $0[0] } == ["6", "5", "4", "3"])
        #expect(listed.rows.map { $0[2] } == ["evaluate", "evaluate", "evaluate", "train"])
        // The models of one evaluate share its time, which the table says.
        #expect(listed.notes.first == "seconds: a train's fit; a backtest's or an evaluate's whole command (every model an evaluate scored shows the same).")
        try interpreter.execute("runs model=mean", source: "s")
        #expect(lastTable(output)?.rows.map { $0[2] } == ["evaluate", "train"])

        try interpreter.execute("runs best metric=mase", source: "s")
        let best = try #require(lastTable(output))
        #expect(best.title?.contains("on the loaded data") == true)
        let column = try #require(best.headers.firstIndex(of: "MASE"))
        let values = best.rows.map { Double($0[column])! }
        #expect(values.count == 3 && values == values.sorted())

        try interpreter.execute("runs compare 4 6", source: "s")
        let compared = try #require(lastTable(output))
        #expect(compared.headers == ["", "run 4", "run 6", "difference"])
        let model = try #require(compared.rows.first { $0[0] == "model" })
        #expect(model == ["model", "snaive", "mean", "differs"])
        #expect(compared.rows.contains { $0[0] == "option window" && $0[1] == "–" && $0[2] == "8" })
        try interpreter.execute("train mean as m2 window=8 +distribution\ntrain mean as m3 window=4\nruns compare 7 8", source: "s")
        let addOns = try #require(lastTable(output))
        #expect(addOns.rows.filter { $0[0].hasPrefix("option") }.map { Array($0[1...]) }
                == [["8", "4", "differs"], ["on", "–", "differs"]])
        #expect(compared.rows.first { $0[0] == "seed" }?[3] == "")
        #expect(compared.rows.first { $0[0] == "MASE" }?[3].hasPrefix("+") == true || compared.rows.first { $0[0] == "MASE" }?[3].hasPrefix("-") == true)
    }

    @Test func runsBestCountsOnlyTheLoadedDataUnlessAskedForAll() throws {
        let (interpreter, output, _) = try loggedSession()
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ntrain snaive\nevaluate", source: "s")
        let other = (try demoFile() as NSString).deletingLastPathComponent + "/other.csv"
        try "item,week,sales\nX,2020-01-06,1\nX,2020-01-13,3\nX,2020-01-20,2\nX,2020-01-27,5\nX,2020-02-03,4\nX,2020-02-10,6\nX,2020-02-17,5\n"
            .write(toFile: other, atomically: false, encoding: .utf8)
        try interpreter.execute("load \(other)\nset horizon 2\ntrain naive\nevaluate\nruns best metric=wql", source: "s")
        #expect(lastTable(output)?.rows.map { $0[3] } == ["naive"])
        try interpreter.execute("runs best metric=wql data=all", source: "s")
        #expect(Set(lastTable(output)?.rows.map { $0[3] } ?? []) == ["naive", "snaive"])
        #expect(lastTable(output)?.title?.contains("on any data") == true)
    }

    @Test func readingAnEmptyOrMissingLogSaysSo() throws {
        let (interpreter, output, path) = try loggedSession()
        try interpreter.execute("runs", source: "s")
        #expect(lastText(output)?.contains("no runs in \(path) yet") == true)
        #expect(!FileManager.default.fileExists(atPath: path))
        let compare = #expect(throws: HorizonError.self) { try interpreter.execute("runs compare 1 2", source: "s", firstLine: 3) }
        #expect(compare?.location?.line == 3 && compare?.location?.column == 14)
        let off = Interpreter(output: OutputBuffer())
        let error = #expect(throws: HorizonError.self) { try off.execute("runs", source: "s") }
        #expect(error?.message.contains("HORIZON_RUNS=off") == true)
    }

    @Test func badIdsAndMetricsAreLocated() throws {
        let (interpreter, _, _) = try loggedSession()
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ntrain snaive", source: "s")
        let id = #expect(throws: HorizonError.self) { try interpreter.execute("runs compare 1 x", source: "s", firstLine: 4) }
        #expect(id?.description == "s:4:16: error: a run is named by its id, a whole number from the 'runs' table, got 'x'")
        let missing = #expect(throws: HorizonError.self) { try interpreter.execute("runs compare 1 7", source: "s") }
        #expect(missing?.message.hasPrefix("no run 7 in ") == true)
        let metric = #expect(throws: HorizonError.self) { try interpreter.execute("runs best metric=mse", source: "s") }
        #expect(metric?.suggestion == "did you mean 'mase'?" && metric?.location?.column == 18)
    }

    /// The log is a side effect: when it cannot be opened, the command still succeeds, and
    /// the user is told once.
    @Test func aLogThatCannotBeOpenedNeverBreaksACommand() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        let blocker = (try demoFile() as NSString).deletingLastPathComponent + "/blocker"
        try "a file, not a folder".write(toFile: blocker, atomically: false, encoding: .utf8)
        interpreter.runLog = RunLog(.file(blocker + "/runs.sqlite"))
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ntrain snaive\ntrain naive\nevaluate", source: "s")
        #expect(interpreter.session.models.count == 2)
        let notes = output.blocks.filter { if case .text(let t) = $0 { return t.contains("could not be opened") } else { return false } }
        #expect(notes.count == 1)
    }
}

@Suite struct RunsParserTests {
    @Test func runsForms() throws {
        let statements = try parse("runs\nruns n=5 model=snaive\nruns best metric=wql n=3 data=all\nruns compare 3 7\nsave session s.hz\nsave model m to m.bin")
        guard case let .list(limit, model) = (statements[1].command as? RunsCommand)?.form else { Issue.record("runs"); return }
        #expect(limit == 5 && model == "snaive")
        guard case .list(20, nil) = (statements[0].command as? RunsCommand)?.form else { Issue.record("runs defaults"); return }
        guard case let .best(metric, bestLimit, everyData) = (statements[2].command as? RunsCommand)?.form else { Issue.record("runs best"); return }
        #expect(metric.value == "wql" && bestLimit == 3 && everyData)
        guard case let .compare(a, b) = (statements[3].command as? RunsCommand)?.form else { Issue.record("runs compare"); return }
        #expect(a.value == "3" && b.value == "7")
        guard case .session(let path) = (statements[4].command as? SaveCommand)?.form else { Issue.record("save session"); return }
        #expect(path.value == "s.hz")
        guard case .model = (statements[5].command as? SaveCommand)?.form else { Issue.record("save model"); return }
    }

    @Test func runsErrorsAreLocated() {
        #expect(parseError("runs best")?.message.contains("needs metric=") == true)
        #expect(parseError("runs best metric=wql model=x")?.location?.column == 22)
        #expect(parseError("runs metric=wql")?.message == "'runs' has no option 'metric' (options: n, model)")
        #expect(parseError("runs compare 1")?.message.contains("two run ids") == true)
        #expect(parseError("runs compare 1 2 3")?.location?.column == 18)
        #expect(parseError("runs bset")?.suggestion == "did you mean 'best'?")
        #expect(parseError("save session")?.message.contains("missing an argument") == true)
        #expect(parseError("save session a.hz b.hz")?.location?.column == 19)
    }

    @Test func completesRunsAndSave() throws {
        let completer = Completer(session: Session())
        #expect(completer.complete(prefix: "", before: "runs ") == ["best", "compare", "n=", "model="])
        #expect(completer.complete(prefix: "", before: "runs best ") == ["metric=", "n=", "data="])
        #expect(completer.complete(prefix: "m", before: "runs best metric=") == ["mase", "msis"])
        #expect(completer.complete(prefix: "", before: "runs best data=") == ["loaded", "all"])
        #expect(completer.complete(prefix: "s", before: "save ") == ["session"])
        #expect(completer.complete(prefix: "ru", before: "") == ["run", "runs"])
    }
}
