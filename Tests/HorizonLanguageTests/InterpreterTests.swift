import Foundation
import HorizonCore
import Testing
@testable import HorizonLanguage

/// A small weekly panel on disk: 3 items × 120 weeks, one seasonal.
func demoFile() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-lang-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var csv = "item,week,sales,price,category\n"
    for item in ["A", "B", "C"] {
        for w in 0..<120 {
            let date = Date(timeIntervalSince1970: 1_546_819_200 + Double(w) * 604_800)  // from 2019-01-07
            let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            let sales = item == "A" ? 50 + 30 * sin(2 * Double.pi * Double(w) / 52) : Double(10 + (w * 7 + item.count) % 5)
            csv += "\(item),\(day),\(Int(sales)),\(9.99),\(item == "C" ? "toys" : "food")\n"
        }
    }
    let path = dir.appendingPathComponent("demo.csv").path
    try csv.write(toFile: path, atomically: false, encoding: .utf8)
    return path
}

@Suite struct InterpreterTests {
    @Test func aSessionLoadsTrainsEvaluatesAndSurvivesErrors() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        let path = try demoFile()
        try interpreter.execute("load \(path)\nset horizon 4\nholdout 4\ntrain snaive\ntrain naive as plain", source: "<repl>")
        #expect(interpreter.session.models.map(\.name) == ["snaive", "plain"])

        // A typo: located, with a suggestion, and nothing lost.
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("train snaiv", source: "<repl>", firstLine: 6) }
        #expect(error?.description == "<repl>:6:7: error: unknown model 'snaiv'; did you mean 'snaive'?")
        #expect(interpreter.session.models.count == 2)
        #expect(interpreter.session.horizon == 4)

        try interpreter.execute("evaluate", source: "<repl>")
        guard case .table(let table)? = output.blocks.last else { Issue.record("no table"); return }
        #expect(table.headers.contains("wQL[p50]") && table.headers.contains("MASE") && table.headers.contains("OWA"))
        #expect(table.rows.map { $0[0] } == ["snaive", "plain"])
        #expect(interpreter.session.history.last?.text == "evaluate")
        #expect(!interpreter.session.history.contains { $0.text == "train snaiv" })
    }

    @Test func missingFileIsLocatedAtThePath() {
        let interpreter = Interpreter(output: OutputBuffer())
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("load nope.csv", source: "<stdin>") }
        #expect(error?.description == "<stdin>:1:6: error: no such file 'nope.csv'")
    }

    @Test func commandsNeedDataAndModels() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        #expect(throws: HorizonError.self) { try interpreter.execute("describe", source: "s") }
        try interpreter.execute("load \(try demoFile())", source: "s")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("forecast", source: "s") }
        #expect(error?.message.contains("no model trained") == true)
        #expect(throws: HorizonError.self) { try interpreter.execute("show Z", source: "s") }
    }

    @Test func forecastAndExportWriteEveryItem() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        let path = try demoFile()
        let out = (path as NSString).deletingLastPathComponent + "/f.csv"
        try interpreter.execute("load \(path)\nset horizon 3\ntrain snaive\nforecast\nexport forecasts snaive to \(out)", source: "s")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "item,time,step,point,p10,p50,p90")
        #expect(lines.count == 1 + 3 * 3)
        #expect(lines[1].hasPrefix("A,2021-04-26,1,"))  // week 120 after 2019-01-07
    }

    /// `forecast NAME ITEM …` shows the items named (ignoring case), in the order named; an
    /// unknown one is an error at that word, before anything is forecast.
    @Test func forecastShowsTheItemsNamed() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(try demoFile())\nset horizon 3\ntrain snaive\nforecast snaive c b", source: "s")
        let titles = output.blocks.compactMap { block -> String? in if case .table(let t) = block { return t.title } else { return nil } }
        #expect(titles == ["C: snaive forecast", "B: snaive forecast"])
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("forecast snaive B Q", source: "s", firstLine: 5) }
        #expect(error?.description.hasPrefix("s:5:19: error: no series 'Q' in the data") == true)
    }

    @Test func scriptErrorsNameTheScriptLine() throws {
        let dir = (try demoFile() as NSString).deletingLastPathComponent
        let script = dir + "/bad.hz"
        try "describe\n\nhelp\nplto x\n".write(toFile: script, atomically: false, encoding: .utf8)
        let interpreter = Interpreter(output: OutputBuffer())
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("run \(script)", source: "<repl>") }
        #expect(error?.location == SourceLocation(source: script, line: 4, column: 1))
    }
}

@Suite struct CompleterTests {
    @Test func completesCommandsModelsOptionsAndItems() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())", source: "s")
        let completer = Completer(session: interpreter.session)
        #expect(completer.complete(prefix: "desc", before: "") == ["describe"])
        #expect(completer.complete(prefix: "sn", before: "train ") == ["snaive"])
        #expect(completer.complete(prefix: "wi", before: "train mean ") == ["window="])
        #expect(completer.complete(prefix: "", before: "show ") == ["A", "B", "C", "n="])
        #expect(completer.complete(prefix: "ro", before: "load x.csv format=") == ["rows"])
        #expect(completer.complete(prefix: "fo", before: "load x.csv ") == ["format="])
        #expect(completer.complete(prefix: "c", before: "compare ") == ["cost", "columns="])
        #expect(completer.complete(prefix: "", before: "compare cost ") == ["to", "cu=", "co=", "leadtime=", "corr=", "baseline="])
        #expect(completer.complete(prefix: "m", before: "evaluate sort=") == ["mase", "msis"])
        #expect(completer.complete(prefix: "ca", before: "evaluate by=") == ["category"])
        #expect(completer.complete(prefix: "cal", before: "plot ") == ["calibration"])
        #expect(completer.complete(prefix: "me", before: "plot errors ") == ["metric="])
        #expect(completer.complete(prefix: "dr", before: "backtest ") == ["drift"])
        #expect(completer.complete(prefix: "re", before: "backtest snaive ") == ["refit="])
    }

    /// A path or an item id with a space, `=` or a quote in it is inserted quoted: unquoted, the
    /// lexer would split it (`load my data/demo.csv` was an error after Tab).
    @Test func quotesWhatTheLexerWouldSplit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-complete-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/my data", withIntermediateDirectories: true)
        try "item,week,sales\n".write(toFile: dir + "/my data/demo.csv", atomically: false, encoding: .utf8)
        var csv = "item,week,sales\n"
        for field in ["\"SKI \"\"PRO\"\" JACKET\"", "SKI-BOOTS", "a=b"] {  // as CSV writes them
            for day in 1...8 { csv += "\(field),2024-01-0\(day),\(day)\n" }
        }
        try csv.write(toFile: dir + "/ids.csv", atomically: false, encoding: .utf8)
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(Lexer.quoted(dir + "/ids.csv"))", source: "s")
        let completer = Completer(session: interpreter.session)

        // Unquoted so far: a directory opens a quote and leaves it open; a finished id closes it.
        #expect(completer.insertion(word: dir + "/my", before: "load ", openQuote: nil)
                == .init(candidates: ["\"\(dir)/my data/"], closesQuote: false, appendsSpace: false))
        #expect(completer.insertion(word: "ski ", before: "plot ", openQuote: nil)
                == .init(candidates: ["\"SKI \\\"PRO\\\" JACKET\""], closesQuote: false, appendsSpace: true))
        #expect(completer.insertion(word: "SKI", before: "plot ", openQuote: nil).candidates == ["\"SKI \\\"PRO\\\" JACKET", "SKI-BOOTS"])
        #expect(completer.insertion(word: "a", before: "show ", openQuote: nil).candidates == ["\"a=b\""])
        // Inside a quote the user opened: escaped for that quote, and the editor closes it.
        #expect(completer.insertion(word: dir + "/my data/d", before: "load \"", openQuote: "\"")
                == .init(candidates: [dir + "/my data/demo.csv"], closesQuote: true, appendsSpace: true))
        #expect(completer.insertion(word: "SKI \\\"P", before: "plot \"", openQuote: "\"").candidates == ["SKI \\\"PRO\\\" JACKET"])
        #expect(completer.insertion(word: "SKI \"P", before: "plot '", openQuote: "'").candidates == ["SKI \"PRO\" JACKET"])
        // The words before the cursor are the parser's: a quoted id is one word, key=value stays whole.
        #expect(Completer.words("plot \"SKI PRO\" model=ets to ") == ["plot", "SKI PRO", "model=ets", "to"])
    }
}
