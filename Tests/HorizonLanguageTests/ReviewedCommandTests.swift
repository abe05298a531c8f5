import Foundation
import HorizonCore
import HorizonModels
import HorizonTensor
import Testing
@testable import HorizonLanguage

/// Commands found, in a review of the language, to crash the session, replay otherwise than
/// they ran, or take a value without a word: each is now refused where it was written.
/// `text` in a new file of the temporary folder, for a test that loads or runs it.
private func scratchFile(_ text: String, suffix: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("reviewed-\(UUID().uuidString)\(suffix)").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite struct ReviewedCommandTests {
    @Test func costsWhoseFractileRoundsToZeroOrOneAreRefusedNotACrash() throws {
        let (interpreter, output) = try trainedSession()
        for costs in ["cu=1e16 co=1", "cu=1 co=1e-300", "cu=1e308 co=1e308", "cu=1 co=1e12"] {
            for command in ["decide", "compare cost"] {
                let error = #expect(throws: HorizonError.self) { try interpreter.execute("\(command) \(costs)", source: "s", firstLine: 3) }
                #expect(error?.location?.line == 3)
                #expect(error?.message.hasPrefix("the critical fractile cu/(cu+co) is ") == true)
                #expect(error?.message.hasSuffix("so the costs must be within a factor of 10⁹ of each other") == true)
            }
        }
        // The session goes on, and costs a factor of 10⁸ apart still decide.
        try interpreter.execute("decide cu=1e8 co=1", source: "s")
        #expect(lastTable(output) != nil)
    }

    @Test func aWordEndingInABackslashIsSavedQuotedSoItReplays() throws {
        let (interpreter, _) = try trainedSession()
        try interpreter.execute("train naive as ab\\ \ntrain snaive as cd", source: "s")
        #expect(interpreter.session.models.map(\.name).contains("ab\\"))
        let line = try #require(interpreter.session.history.last { $0.text.hasPrefix("train naive") }?.text)
        #expect(line == "train naive as \"ab\\\\\"")
        let replayed = try Parser().parse(line + "\ntrain snaive as cd\n", source: "r")
        #expect(replayed.count == 2)
    }

    @Test func theSavedDirectoryStaysOnItsCommentLine() {
        let settings = Session.Settings(seed: 1, levels: [0.5], horizon: nil, context: nil, holdout: nil)
        let script = Interpreter.sessionScript(["train snaive"], starting: settings, directory: "/tmp/dir\nquit\n#")
        #expect(!script.split(separator: "\n").contains("quit"))
        #expect(script.contains("from /tmp/dir\\nquit\\n# (relative paths start there)"))
    }

    @Test(arguments: ["load x.csv format=long format=wide", "show A n=2 n=3", "items n=1 n=2"])
    func anOptionGivenTwiceIsRefusedByEveryCommand(_ line: String) throws {
        let interpreter = Interpreter(output: OutputBuffer())
        let error = #expect(throws: HorizonError.self) { try interpreter.execute(line, source: "s") }
        #expect(error?.message.hasSuffix("is given twice") == true)
    }

    @Test(arguments: ["nan", "inf", "-inf", "nan%", "inf%", "-100%"])
    func aScenarioValueMustBeAFiniteNumberOrChange(_ value: String) throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ntrain naive", source: "s")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("forecast naive A price=\(value)", source: "s", firstLine: 4) }
        #expect(error?.location?.line == 4)
        #expect(error?.message == "a scenario value is a change in percent above -100% (price=-20%) or a finite number (promo=1), got '\(value)'")
    }

    /// A model file's name and options are checked as a command's would be: a hand-edited
    /// hidden=0 once reached `backtest`'s fit and crashed, a line break in the name forged a line.
    @Test func aModelFilesNameAndOptionsAreCheckedAsACommandsWouldBe() throws {
        let (interpreter, _) = try trainedSession()
        let folder = (try demoFile() as NSString).deletingLastPathComponent
        try interpreter.execute("train mlp epochs=1 hidden=8 as m", source: "s")
        interpreter.session.models[interpreter.session.models.count - 1].optionsText = "epochs=1 hidden=0"
        let file = folder + "/edited.hzm"
        try interpreter.execute("save model m to \(file)", source: "s")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("load model \(file)", source: "s", firstLine: 7) }
        #expect(error?.message == "'\(file)' is damaged: option 'hidden' of 'mlp' takes an integer in 1...1024, got '0'")
        #expect(error?.location?.line == 7)
        let at = Located("x.hzm", at: SourceLocation(source: "s", line: 2, column: 12))
        let named = #expect(throws: HorizonError.self) { try Interpreter.storedName(["session.name": "ev\nil"], file: at) }
        #expect(named?.message == "'x.hzm' names its model 'ev\\nil', which no command could: load it with 'as NAME'")
        #expect(try Interpreter.storedName(["session.name": "fine name"], file: at) == "fine name")
    }

    /// `help save` names every command a saved session leaves out, and no other.
    @Test func saveSessionsHelpListsTheCommandsItLeavesOut() throws {
        let details = SaveCommand.declaration.details.joined(separator: " ")
        let left = CommandTable.all.filter { !$0.declaration.replayed }.map { $0.declaration.name }
        #expect(Set(left) == ["help", "history", "items", "report", "runs", "quit", "run"])
        for name in left { #expect(details.contains(name), "\(name)") }
    }

    @Test func aLevelHasHelpAsTheMetricItSorts() throws {
        let output = OutputBuffer()
        try Interpreter(output: output).execute("help p50", source: "s")
        #expect(lastText(output)?.hasPrefix("wQL[p50] (sort=p50): the weighted quantile loss at the 50% level") == true)
    }

    @Test func aChartGoesToOneFile() throws {
        let (interpreter, _) = try trainedSession()
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("plot A to a.svg to b.svg", source: "s") }
        #expect(error?.description == "s:1:17: error: a chart goes to one file: 'to' is given twice")
    }

    @Test func levelsThatPrintAlikeAreListedTwice() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("quantiles 0.1234561 0.1234562", source: "s") }
        #expect(error?.message.hasPrefix("quantile p12.3456 is listed twice") == true)
        let tiny = #expect(throws: HorizonError.self) { try interpreter.execute("quantiles 1e-300 0.5", source: "s") }
        #expect(tiny?.message == "'1e-300' is not a quantile level: write p10 or 0.1 (between p0.0001 and p99.9999)")
        try interpreter.execute("quantiles 0.12345 0.1235", source: "s")
        #expect(interpreter.session.levels == [0.12345, 0.1235])
    }

    /// A combination's members are checked with its other options, so a wrong one is located at
    /// the value, and a script with one is refused before anything runs.
    @Test func aMemberThatIsNotAModelIsLocatedAtTheValue() throws {
        let (interpreter, _) = try trainedSession()
        let unknown = #expect(throws: HorizonError.self) { try interpreter.execute("train combo members=ets,nope", source: "s") }
        #expect(unknown?.description.hasPrefix("s:1:21: error: combo: 'nope' is not a model to combine") == true)
        let alone = #expect(throws: HorizonError.self) { try interpreter.execute("train combo method=median members=ets", source: "s") }
        #expect(alone?.description == "s:1:35: error: combo needs at least two members, got ets")
        let checked = #expect(throws: HorizonError.self) { try interpreter.check(Parser().parse("train naive\ntrain combo members=combo,ets\n", source: "r")) }
        #expect(checked?.location?.line == 2 && checked?.location?.column == 21)
    }

    /// A forecast longer than a model's training fixed is refused under the name the session
    /// gave it, located there, for a combination whose net member is too short too.
    @Test func aModelTooShortForTheHorizonIsNamedAsTheSessionNamesIt() throws {
        let (interpreter, _) = try trainedSession()
        try interpreter.execute("set horizon 2\ntrain qrf trees=3 as short\ntrain combo members=naive,qrf as both\nset horizon 3", source: "s")
        let forecast = #expect(throws: HorizonError.self) { try interpreter.execute("forecast short", source: "s", firstLine: 5) }
        #expect(forecast?.description == "s:5:10: error: model 'short' was trained to forecast 2 steps ahead, not 3: 'set horizon 2', or train it again")
        let combination = #expect(throws: HorizonError.self) { try interpreter.execute("export forecasts both to /dev/null", source: "s") }
        #expect(combination?.message == "model 'both' was trained to forecast 2 steps ahead, not 3: 'set horizon 2', or train it again")
        try interpreter.execute("set horizon 2\nforecast short", source: "s")
    }

    /// The evaluation's title counts the series scored, and says how many had nothing observed.
    @Test func theHoldoutTitleCountsTheSeriesScored() throws {
        let csv = "item,t,y\n" + (1...12).map { "a,\($0),\($0)\nb,\($0),\($0 <= 10 ? String($0 * 2) : "")\nc,\($0),\(13 - $0)" }.joined(separator: "\n") + "\n"
        let path = try scratchFile(csv, suffix: ".csv")
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(path)\nset horizon 2\ntrain naive\nevaluate", source: "s")
        #expect(lastTable(output)?.title == "holdout: 2 steps, 2 series (1 more with nothing observed in it)")
    }

    /// A model file from this data says whether its holdout is the session's, as evaluate judges.
    @Test func aLoadedModelSaysWhetherItsHoldoutIsTheSessions() throws {
        let (interpreter, output) = try trainedSession()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("h-\(UUID().uuidString).hzm").path
        try interpreter.execute("train qrf trees=3 as f\nsave model f to \(file)\nload model \(file) as same", source: "s")
        #expect(lastText(output)?.hasSuffix("trained on this data with the same holdout: evaluate compares it with the others") == true)
        try interpreter.execute("holdout 3\nload model \(file) as other", source: "s")
        #expect(lastText(output)?.hasSuffix("trained on this data with another holdout: 'forecast' and 'export' work; 'evaluate' needs the holdout it was trained with") == true)
        #expect(throws: HorizonError.self) { try interpreter.execute("evaluate other", source: "s") }
    }

    /// By item, each row scores its own series: the note counts rows, not one row's series.
    @Test func theMASENoteOfAGroupedTableCountsItsRows() throws {
        let csv = "item,t,y\n" + (1...12).map { "a,\($0),\($0 % 3)\nb,\($0),5\nc,\($0),\(13 - $0)" }.joined(separator: "\n") + "\n"
        let path = try scratchFile(csv, suffix: ".csv")
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(path)\nset horizon 2\ntrain naive\ntrain mean\nevaluate\nevaluate by=item", source: "s")
        let tables = output.blocks.compactMap { if case .table(let t) = $0 { return t } else { return nil } }.suffix(2)
        #expect(tables.first?.notes.contains("MASE and MSIS over 2 of 3 series (a history shorter than one season, or the same every season — constant, say — has no scale).") == true)
        #expect(tables.last?.notes.contains("MASE and MSIS leave out some series in 2 of 6 rows (a history shorter than one season, or the same every season — constant, say — has no scale).") == true,
                "\(tables.last?.notes ?? [])")
        // Every row alike (no item has a season's history): still rows, not "0 of 1 series".
        try interpreter.execute("set season 20\nevaluate by=item", source: "s")
        #expect(lastTable(output)?.notes.contains { $0.hasPrefix("MASE and MSIS leave out some series in 6 of 6 rows") } == true, "\(lastTable(output)?.notes ?? [])")
    }

    /// A series with no whole block of observed actuals has no order: decide and compare cost
    /// say so and count the series they scored.
    @Test func seriesWithoutAnOrderToScoreAreNamed() throws {
        let csv = "item,t,y\n" + (1...12).map { "a,\($0),\($0 % 3)\nb,\($0),\($0 == 12 ? "" : "5")\nc,\($0),\(13 - $0)" }.joined(separator: "\n") + "\n"
        let path = try scratchFile(csv, suffix: ".csv")
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(path)\nset horizon 2\ntrain naive\ndecide cu=3 co=1 leadtime=2", source: "s")
        let note = "1 series not scored: its holdout has no block of 2 steps with every actual observed (b)."
        #expect(lastTable(output)?.notes.contains(note) == true, "\(lastTable(output)?.notes ?? [])")
        #expect(lastTable(output)?.rows.last?.first == "all 2 series")
        try interpreter.execute("compare cost cu=3 co=1 leadtime=2", source: "s")
        #expect((lastTable(output)?.title ?? "").hasSuffix("lead time 2, 2 series") && lastTable(output)?.notes.contains(note) == true)
    }

    /// A series that starts late is left out of every window before it starts: the note names
    /// each such window, not only the first.
    @Test func theBacktestNoteCountsEveryWindowThatLeavesSeriesOut() throws {
        let csv = "item,t,y\n" + (1...30).map { "a,\($0),\($0 % 4)" + ($0 > 26 ? "\nlate,\($0),\($0)" : "") }.joined(separator: "\n") + "\n"
        let path = try scratchFile(csv, suffix: ".csv")
        let output = OutputBuffer()
        try Interpreter(output: output).execute("load \(path)\nset horizon 2\nbacktest naive windows=3", source: "s")
        #expect(lastTable(output)?.notes.contains("series left out for having nothing observed before the origin: 1 in window 1, 1 in window 2.") == true,
                "\(lastTable(output)?.notes ?? [])")
    }

    /// A new season: the models that estimate from the history forecast with it at once (no
    /// forecast of the old season is kept); one fitted once is said to keep its own.
    @Test func aNewSeasonUnderTrainedModelsIsSaid() throws {
        let (interpreter, output) = try trainedSession()
        try interpreter.execute("train qrf trees=3 as f\nevaluate snaive\nset season 4", source: "s")
        #expect(lastText(output) == "season 4; f keeps season 52 until trained again (evaluate's MASE and naive2 use season 4 now)")
        try interpreter.execute("evaluate snaive", source: "s")
        let fresh = try #require(lastTable(output)?.rows.first)
        try interpreter.execute("train snaive as again\nevaluate again", source: "s")
        #expect(Array(try #require(lastTable(output)?.rows.first).dropFirst()) == Array(fresh.dropFirst()))
        try interpreter.execute("set season 4", source: "s")
        #expect(lastText(output) == "season 4")
    }

    /// A critical fractile past the trained levels is extrapolated, and said to be.
    @Test func aFractileBeyondTheLevelsIsSaidToBeExtrapolated() throws {
        let (interpreter, output) = try trainedSession()
        try interpreter.execute("quantiles p10 p50 p90\ndecide cu=99 co=1", source: "s")
        #expect(lastTable(output)?.notes.contains("τ* is beyond the trained levels: the quantile is extrapolated past p97.5 with a normal-shaped tail (add p99 with 'quantiles' for an exact one).") == true,
                "\(lastTable(output)?.notes ?? [])")
        try interpreter.execute("decide cu=3 co=1", source: "s")
        #expect(lastTable(output)?.notes.contains("τ* is not a trained level: the quantile is interpolated from p50 and p90 (add p75 with 'quantiles' for an exact one).") == true)
    }

    /// `history` lists a `run` before the commands it ran, not after them as if run twice.
    @Test func aRunIsListedBeforeTheCommandsItRan() throws {
        let (interpreter, output) = try trainedSession()
        let script = try scratchFile("train drift\n", suffix: ".hz")
        try interpreter.execute("run \(script)\ntrain snaive as after\nhistory", source: "s")
        let lines = (lastText(output) ?? "").split(separator: "\n").map { $0.drop { $0 == " " || $0.isNumber } .trimmingCharacters(in: .whitespaces) }
        #expect(Array(lines.suffix(3)) == ["run \(script)", "train drift", "train snaive as after"], "\(lines)")
    }
}

/// Model files and forecasts found, in a review of saved models, to be trusted further than
/// they should be.
@Suite struct ReviewedModelFileTests {
    /// Data at the edge of the double range forecasts past it: the forecast is refused where it
    /// is made, naming the model and the item, instead of printing and scoring inf.
    @Test func aForecastThatIsNotFiniteIsRefusedOnceWhereItIsMade() throws {
        var csv = "item,week,sales\n"
        for w in 0..<30 {
            let day = ISO8601DateFormatter.string(from: Date(timeIntervalSince1970: 1_704_067_200 + Double(w) * 604_800),
                                                  timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            csv += "A,\(day),\(w % 2 == 0 ? "1.7e308" : "-1.7e308")\nB,\(day),\(10 + w % 3)\n"
        }
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try scratchFile(csv, suffix: ".csv"))\nset horizon 4\ntrain naive", source: "s")
        for (line, command) in [(4, "forecast naive B"), (5, "evaluate"), (6, "export forecasts to \(try scratchFile("", suffix: ".csv"))")] {
            let error = #expect(throws: HorizonError.self) { try interpreter.execute(command, source: "s", firstLine: line) }
            #expect(error?.message == "naive's forecast of 'A' is not a finite number: the data or the model's own values are too large to forecast from",
                    "\(command)")
        }
        #expect(interpreter.session.models.map(\.name) == ["naive"])
    }

    /// A file saved before manifests is checked against data by what its model reads: a
    /// forest that reads 'price' is refused on data without it.
    @Test func aFileWithoutAManifestIsCheckedByWhatItsModelReads() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        let priced = try demoFile()
        let saved = try scratchFile("", suffix: ".hzm")
        try interpreter.execute("load \(priced)\nset horizon 4\ntrain qrf trees=2 rows=500\nsave model qrf to \(saved)", source: "s")
        var contents = try ParameterFile.read(saved)
        contents.metadata[ModelManifest.key] = nil
        let old = try scratchFile("", suffix: ".hzm")
        try ParameterFile.save([], arrays: contents.arrays.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, metadata: contents.metadata, to: old)
        let unpriced = try scratchFile(try String(contentsOfFile: priced, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { $0.offset != 3 }.map { String($0.element) }.joined(separator: ",")
        }.joined(separator: "\n"), suffix: ".csv")
        try interpreter.execute("load \(unpriced)", source: "s")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("load model \(old)", source: "s", firstLine: 7) }
        #expect(error?.message == "the model in '\(old)' (qrf) does not fit this data: the data lacks its numeric covariate 'price'")
        #expect(error?.location?.line == 7)
    }

    /// A global model with add-on steps, or a combination, has trained forests in it: the
    /// refusal says why it has no file, not that it has nothing learned.
    @Test func savingACombinationOrAModelWithAddOnsSaysWhyNot() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ntrain qrf trees=2 rows=500 +distribution\ntrain combo members=snaive,naive\ntrain snaive",
                                source: "s")
        for name in ["qrf+distribution", "combo"] {
            let error = #expect(throws: HorizonError.self) { try interpreter.execute("save model \(name) to \(try scratchFile("", suffix: ".hzm"))", source: "s") }
            #expect(error?.message.hasPrefix("'\(name)' cannot be saved: a model file holds one forest or network as trained") == true, "\(error?.message ?? "")")
        }
        let local = #expect(throws: HorizonError.self) { try interpreter.execute("save model snaive to \(try scratchFile("", suffix: ".hzm"))", source: "s") }
        #expect(local?.message.hasPrefix("'snaive' (snaive) has nothing learned to save") == true)
    }
}

/// Paths read with a NUL in them: the system stops at it, so Horizon would read one file and
/// name another.
@Suite struct ReviewedReadPathTests {
    @Test func aPathWithANulIsRefusedNotCutShort() throws {
        let data = try demoFile()
        let script = try scratchFile("set horizon 4\n", suffix: ".hz")
        let interpreter = Interpreter(output: OutputBuffer())
        for command in ["load \(Lexer.quoted(data + "\u{0}.png"))", "run \(Lexer.quoted(script + "\u{0}x"))"] {
            let error = #expect(throws: HorizonError.self) { try interpreter.execute(command, source: "s") }
            #expect(error?.message.contains("a file name cannot hold a NUL character") == true, "\(error?.message ?? "")")
        }
        #expect(interpreter.session.panel == nil)
    }
}
