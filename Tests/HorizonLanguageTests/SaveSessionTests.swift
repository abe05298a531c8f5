import Foundation
import HorizonCore
import Testing
@testable import HorizonLanguage

/// Every table of `blocks` as text, with the fit-time column and durations masked.
func tableTexts(_ blocks: [OutputBlock]) -> [String] {
    blocks.compactMap { block -> String? in
        guard case .table(var table) = block else { return nil }
        if let fit = table.headers.firstIndex(of: "fit time") { for r in table.rows.indices { table.rows[r][fit] = "T" } }
        return table.rendered()
    }
}

@Suite struct SaveSessionTests {
    @Test func aSavedSessionReplaysToTheSameTables() throws {
        let folder = (try demoFile() as NSString).deletingLastPathComponent
        let data = folder + "/demo.csv"
        try "set horizon 4\nholdout 4\n".write(toFile: folder + "/settings.hz", atomically: false, encoding: .utf8)
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(data)\nrun \(folder)/settings.hz\nset seed 11\nquantiles p5 p50 p95", source: "<repl>")
        #expect(throws: HorizonError.self) { try interpreter.execute("train snaiv", source: "<repl>") }
        try interpreter.execute("train snaive\nhelp\ntrain mean window=6\nhistory\ndecide cu=3 co=1 leadtime=2\nevaluate sort=wql\nmodels", source: "<repl>")
        let session = folder + "/session.hz"
        try interpreter.execute("save session \(session)", source: "<repl>")
        #expect(lastText(output)?.hasPrefix("saved 10 commands to \(session)") == true)

        let saved = try String(contentsOfFile: session, encoding: .utf8)
        let lines = saved.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.filter { !$0.hasPrefix("#") && !$0.isEmpty } == [
            "set seed 42", "quantiles p10 p50 p90",
            "load \(data)", "set horizon 4", "holdout 4", "set seed 11", "quantiles p5 p50 p95",
            "train snaive", "train mean window=6", "decide cu=3 co=1 leadtime=2", "evaluate sort=wql", "models",
        ])
        #expect(lines.contains { $0.hasPrefix("# horizon: the default") })

        let replay = OutputBuffer()
        try Interpreter(output: replay).execute(saved, source: session)
        #expect(tableTexts(replay.blocks) == tableTexts(output.blocks.filter {
            // The original's extra tables: help's command list.
            if case .table(let t) = $0 { return t.headers != ["command", "what it does"] } else { return true }
        }))
        #expect(tableTexts(replay.blocks).count >= 4)  // decide, evaluate and the models tables: not a vacuous comparison
    }

    @Test func startingSettingsArePinnedExactly() {
        let settings = Session.Settings(seed: 18_446_744_073_709_551_615, levels: [0.025, 0.123, 0.5], horizon: 8, context: 52, holdout: nil)
        let script = Interpreter.sessionScript(["train snaive"], starting: settings, directory: "/work")
        #expect(script.contains("\nset seed 18446744073709551615\nquantiles p2.5 0.123 p50\nset horizon 8\nset context 52\n# holdout: the test file, else the horizon\n\ntrain snaive\n"))
        let levels = (try? Parser().parse(script, source: "s").compactMap { s -> [Double]? in
            (s.command as? QuantilesCommand)?.levels.map(\.value)
        }.first) ?? []
        #expect(levels == [0.025, 0.123, 0.5])
    }

    @Test func aSessionThatCannotBeWrittenIsLocatedAndLeavesNoFile() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("help", source: "<repl>")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("save session /nonexistent-dir/s.hz", source: "<repl>", firstLine: 2) }
        #expect(error?.location == SourceLocation(source: "<repl>", line: 2, column: 14))
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent-dir/s.hz"))
    }
}
