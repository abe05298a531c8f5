import HorizonCore
import HorizonForecast
import Testing
@testable import HorizonLanguage

func parse(_ text: String) throws -> [Statement] { try Parser().parse(text, source: "t.hz") }

func parseError(_ text: String) -> HorizonError? {
    #expect(throws: HorizonError.self) { try parse(text) }
}

@Suite struct LexerTests {
    @Test func wordsStringsOptionsCommentsAndPositions() throws {
        var lexer = Lexer("load \"my data.csv\" format=long # a comment\nshow A", source: "s")
        let tokens = try lexer.tokenize()
        #expect(tokens.map(\.kind) == [.word("load"), .string("my data.csv"), .word("format"), .equals, .word("long"),
                                       .newline, .word("show"), .word("A"), .end])
        #expect(tokens[1].location == SourceLocation(source: "s", line: 1, column: 6))
        #expect(tokens[6].location == SourceLocation(source: "s", line: 2, column: 1))
    }

    @Test func windowsAndOldMacLineEndsAreLineEnds() throws {
        for text in ["help describe\r\nhelp quit\r\n", "help describe\rhelp quit\r", "train snaive \\\r\n  as base\r\nmodels"] {
            let statements = try parse(text)
            #expect(statements.count == 2, "\(text.debugDescription)")
            #expect(statements[1].location.line == (text.hasPrefix("train") ? 3 : 2))
        }
    }

    @Test func backslashContinuesALine() throws {
        var lexer = Lexer("train snaive \\\n  as base", source: "s")
        let kinds = try lexer.tokenize().map(\.kind)
        #expect(kinds == [.word("train"), .word("snaive"), .word("as"), .word("base"), .end])
    }

    @Test func escapesInStrings() throws {
        var lexer = Lexer(#"load 'it\'s.csv' "a\"b""#, source: "s")
        let kinds = try lexer.tokenize().map(\.kind)
        #expect(kinds == [.word("load"), .string("it's.csv"), .string("a\"b"), .end])
    }

    /// A quote or backslash followed by a combining mark is still a quote or a backslash (one
    /// Character to Swift, two code points to everyone else), and the saved line replays it.
    @Test func aCombiningMarkDoesNotHideAQuoteOrABackslash() throws {
        let name = "a\"\u{301}b\\\u{301}c"
        var lexer = Lexer("load \"a\\\"\u{301}b\\\\\u{301}c\" #\u{FE0F}\u{20E3}", source: "s")
        let tokens = try lexer.tokenize().map(\.kind)
        // The keycap emoji #️⃣ stays a word: only quotes and backslashes are taken apart.
        #expect(tokens == [.word("load"), .string(name), .word("#\u{FE0F}\u{20E3}"), .end])
        let statement = try #require(try parse("train naive as \(Lexer.quoted(name))").first)
        #expect(statement.text.unicodeScalars.elementsEqual("train naive as \"a\\\"\u{301}b\\\\\u{301}c\"".unicodeScalars))
        let replayed = try #require(try parse(statement.text).first?.command as? TrainCommand)
        #expect(replayed.alias?.value.unicodeScalars.elementsEqual(name.unicodeScalars) == true)
    }

    @Test func unterminatedStringIsLocated() {
        var lexer = Lexer("load \"oops\nshow", source: "s")
        let error = #expect(throws: HorizonError.self) { try lexer.tokenize() }
        #expect(error?.location == SourceLocation(source: "s", line: 1, column: 6))
    }
}

@Suite struct ParserTests {
    @Test func everyDocumentedForm() throws {
        let script = """
            load data.csv format=rows item=store,brand freq=W season=52 test=t.csv
            describe
            show JACKET-01 n=5
            set horizon 8
            set plot terminal=ansi
            quantiles p10 p50 p90
            quantiles 0.05 0.5 0.95
            holdout 8
            train snaive as base window=3
            forecast base
            evaluate base naive
            plot JACKET-01 model=base to x.png
            export forecasts base to out.csv
            export forecasts to out.csv
            run other.hz
            models
            history
            help train
            quit
            """
        let statements = try parse(script)
        #expect(statements.count == 19)
        guard case let .data(path, options, test) = (statements[0].command as? LoadCommand)?.form else { Issue.record("load"); return }
        #expect(path.value == "data.csv")
        #expect(options.format == .rows && options.itemColumns == ["store", "brand"] && options.frequency == .weekly && options.season == 52)
        #expect(options.testPath == "t.csv" && test?.location.column == 66)
        guard let levels = (statements[6].command as? QuantilesCommand)?.levels else { Issue.record("quantiles"); return }
        #expect(levels.map(\.value) == [0.05, 0.5, 0.95])
        guard let train = statements[8].command as? TrainCommand else { Issue.record("train"); return }
        #expect(train.addOns.isEmpty)
        #expect(train.model.value == "snaive" && train.alias?.value == "base" && train.options.first?.value.value == "3")
        guard let plot = statements[11].command as? PlotCommand, case let .item(itemChart) = plot.form else { Issue.record("plot"); return }
        #expect(itemChart.item?.value == "JACKET-01" && itemChart.model?.value == "base" && plot.output?.value == "x.png" && !itemChart.future)
        guard let export = statements[13].command as? ExportCommand else { Issue.record("export"); return }
        #expect(export.model == nil && export.path.value == "out.csv")
        #expect(statements[3].text == "set horizon 8")
        #expect(statements[2].location.line == 3)
    }

    @Test func unknownCommandSuggestsTheClosest() {
        let error = parseError("\n  evalaute")
        #expect(error?.description == "t.hz:2:3: error: unknown command 'evalaute'; did you mean 'evaluate'?")
    }

    @Test func badOptionIsLocatedAtItsKey() {
        let error = parseError("load x.csv fromat=long")
        #expect(error?.location?.column == 12)
        #expect(error?.suggestion == "did you mean 'format'?")
    }

    @Test func badQuantileAndNumbersAreLocated() {
        #expect(parseError("quantiles p10 p150")?.location?.column == 15)
        #expect(parseError("holdout -3")?.location?.column == 9)
        #expect(parseError("set horizon")?.message.contains("usage") == true)
        #expect(parseError("set horzon 3")?.suggestion == "did you mean 'horizon'?")
        #expect(parseError("show")?.message.contains("missing an argument") == true)
        #expect(parseError("train ets as")?.location?.column == 11)
        #expect(parseError("describe A now")?.location?.column == 12)
        #expect(parseError("= x")?.message.contains("must follow an option name") == true)
    }
}

@Suite struct DecisionParserTests {
    @Test func newForms() throws {
        let statements = try parse("""
            evaluate snaive sort=wql by=category
            compare sort=crps
            compare cost cu=4 co=1 leadtime=2 corr=0.3 baseline=snaive naive
            backtest snaive windows=4 step=2 refit=no
            decide cu=4 co=1 model=snaive to orders.csv
            plot calibration to c.png
            plot errors metric=mase
            plot "loss"
            """)
        guard let evaluate = statements[0].command as? EvaluateCommand else { Issue.record("evaluate"); return }
        #expect(evaluate.models.map(\.value) == ["snaive"] && evaluate.options.map(\.key.value) == ["sort", "by"])
        guard case .scores = (statements[1].command as? CompareCommand)?.form else { Issue.record("compare"); return }
        guard case let .cost(costModels, costs, baseline) = (statements[2].command as? CompareCommand)?.form else { Issue.record("compare cost"); return }
        #expect(costModels.map(\.value) == ["naive"] && baseline?.value == "snaive")
        #expect(costs.underage == 4 && costs.overage == 1 && costs.leadTime?.value == 2 && costs.correlation == 0.3)
        guard let backtest = statements[3].command as? BacktestCommand else { Issue.record("backtest"); return }
        #expect(backtest.model.value == "snaive")
        guard let decide = statements[4].command as? DecideCommand else { Issue.record("decide"); return }
        #expect(decide.output?.value == "orders.csv")
        guard let chart = statements[5].command as? PlotCommand, case let .chart(kind, _) = chart.form else { Issue.record("plot calibration"); return }
        #expect(kind.value == "calibration" && chart.output?.value == "c.png")
        guard case .chart = (statements[6].command as? PlotCommand)?.form else { Issue.record("plot errors"); return }
        guard case let .item(itemChart) = (statements[7].command as? PlotCommand)?.form else { Issue.record("quoted item"); return }
        #expect(itemChart.item?.value == "loss")
    }

    @Test func misplacedOptionsAreLocated() {
        #expect(parseError("compare cu=4 co=1")?.message.contains("belongs to 'compare cost'") == true)
        #expect(parseError("compare cost cu=4")?.message.contains("needs co=") == true)
        #expect(parseError("compare cost cu=4 co=1 sort=wql")?.location?.column == 24)
        #expect(parseError("decide co=1")?.message.contains("needs cu=") == true)
        #expect(parseError("decide cu=1 co=1 orders.csv")?.location?.column == 18)
        #expect(parseError("plot loss metric=wql")?.location?.column == 11)
        #expect(parseError("plot JACKET-01 metric=wql")?.message.contains("metric= belongs to") == true)
        #expect(parseError("backtest")?.message.contains("missing an argument") == true)
        #expect(parseError("backtest snaive windows=2 windows=3")?.message.contains("given twice") == true)
    }
}

/// Every example `help COMMAND` shows parses, as the command it illustrates.
@Test func everyHelpExampleParses() throws {
    for command in CommandTable.all {
        let syntax = command.declaration
        #expect(!syntax.examples.isEmpty, "\(syntax.name) has no example")
        for example in syntax.examples {
            let parsed = try parse(example)
            #expect(parsed.count == 1 && type(of: parsed[0].command) == command, "\(example)")
            #expect(example == syntax.name || example.hasPrefix(syntax.name + " ") || syntax.name == "load", "\(example)")
        }
    }
}

/// `set`, `quantiles` and `holdout` alone show what the session uses, defaults included, change
/// nothing, and are not written into a saved session.
@Test func settingCommandsAloneShowTheCurrentValues() throws {
    let output = OutputBuffer()
    let interpreter = Interpreter(output: output)
    var text: String { output.blocks.map(\.rendered).joined(separator: "\n") }
    try interpreter.execute("set\nquantiles\nholdout", source: "s")
    #expect(text.contains("horizon 8 (the default)") && text.contains("context: each model's default")
            && text.contains("seed 42") && text.contains("quantiles p10 p50 p90")
            && text.contains("holdout: the horizon, 8 points"), "\(text)")
    try interpreter.execute("set horizon 5\nset context 20\nquantiles p05 p50 p95\nholdout 3\nset\nquantiles\nholdout", source: "s")
    #expect(text.contains("horizon 5\ncontext 20") && text.contains("quantiles p5 p50 p95")
            && text.contains("holdout: the last 3 points of every series"), "\(text)")
    let alone = try parse("set")[0].command, setting = try parse("set seed 3")[0].command
    #expect(!alone.isReplayed && setting.isReplayed)
    #expect(throws: HorizonError.self) { try parse("set terminal=ansi") }
}

/// `help COMMAND` lists every option with its kind and default, read from the declaration that
/// parsing uses; a model's help does the same from the model's declaration.
@Test func helpShowsOptionsWithKindsAndDefaults() throws {
    let output = OutputBuffer()
    try Interpreter(output: output).execute("help backtest\nhelp mqcnn", source: "s")
    let text = output.blocks.map(\.rendered).joined(separator: "\n")
    #expect(text.contains("  windows=integer 1…100 (default 3)  forecast origins"), "\(text)")
    #expect(text.contains("  refit=yes|no (default yes)"), "\(text)")
    #expect(text.contains("  epochs=integer 1…10000 (default 30)  passes over the training windows"), "\(text)")
    #expect(text.contains("examples:\n  backtest ets windows=4 step=8"), "\(text)")
}

/// Every metric explains itself (`help wql`), and a model's word options list their values.
@Test func helpExplainsMetricsAndListsAllowedValues() throws {
    let output = OutputBuffer()
    let interpreter = Interpreter(output: output)
    for metric in MetricDeclaration.all {
        try interpreter.execute("help \(metric.name.uppercased())", source: "s")
        let text = output.blocks.last.map(\.rendered) ?? ""
        #expect(text.hasPrefix("\(metric.label) (sort=\(metric.name)") && text.count > 60, "\(text)")
    }
    try interpreter.execute("help ets", source: "s")
    #expect(output.blocks.last?.rendered.contains("  error=auto|A|M") == true)
    let typo = #expect(throws: HorizonError.self) { try interpreter.execute("help wlq", source: "s") }
    #expect(typo?.suggestion == "did you mean 'wql'?")
}
