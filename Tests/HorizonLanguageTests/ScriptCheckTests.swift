import HorizonCore
import Testing
@testable import HorizonLanguage

/// A script is checked whole before its first line runs: a typo on the last line costs nothing.
@Suite struct ScriptCheckTests {
    /// Runs `script` after loading the demo panel; returns the error and the models trained.
    func run(_ script: String) throws -> (error: HorizonError?, models: [String]) {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())\nset horizon 4", source: "setup")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute(script, source: "s.hz") }
        return (error, interpreter.session.models.map(\.name))
    }

    @Test func aBadModelOptionOnTheLastLineStopsTheScriptBeforeTheForestTrains() throws {
        let (error, models) = try run("train qrf trees=30\ntrain mean windw=3")
        #expect(models.isEmpty)
        #expect(error?.description == "s.hz:2:12: error: model 'mean' has no option 'windw' (options: window); did you mean 'window'?")
    }

    @Test func badValuesUnknownModelsAndAddOnsAreFoundBeforeAnythingRuns() throws {
        #expect(try run("train snaive\ntrain qrf trees=0").error?.location?.column == 17)
        #expect(try run("train snaive\ntrain etz").error?.suggestion == "did you mean 'ets'?")
        #expect(try run("train snaive\ntrain naive +elasticty").error?.suggestion == "did you mean '+elasticity'?")
        #expect(try run("train snaive\ntrain naive +distribution segmnt=x").error?.location?.column == 27)
        #expect(try run("train snaive\ntrain naive +distribution segmnt=x").models.isEmpty)
    }

    @Test func commandValuesAreCheckedWhereTheLineIs() throws {
        for line in ["set horizon 8x", "set seed -1", "set plot terminal=vt100", "holdout x", "quantiles p150", "show A n=0",
                     "backtest snaive windows=0", "decide cu=0 co=1", "runs n=x", "load x.csv format=tall", "items A n=-2"] {
            let (error, models) = try run("train qrf trees=20\n" + line)
            #expect(models.isEmpty && error?.location?.line == 2, "\(line): \(String(describing: error))")
        }
        #expect(try run("train snaive\nbacktest etz").error?.suggestion == "did you mean 'ets'?")
    }

    @Test func aModelMustBeTrainedBeforeALineNamesIt() throws {
        let (error, models) = try run("train snaive as base\nevaluate base bsae")
        #expect(models.isEmpty)
        #expect(error?.description == "s.hz:2:15: error: no model named 'bsae' is trained before this line; did you mean 'base'?")
        for line in ["forecast x", "plot A model=x", "decide cu=1 co=1 model=x", "export forecasts x to f.csv", "save model x to x.hzm",
                     "compare cost cu=1 co=1 x", "backtest x", "plot compare model=x"] {
            #expect(try run("train snaive\n" + line).models.isEmpty, "\(line)")
        }
    }

    @Test func namesFromEarlierLinesTheSessionAndLoadedModelsAreKnown() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ntrain snaive as kept", source: "setup")
        let script = try Parser().parse("""
            train naive as plain
            evaluate kept plain
            load model m.hzm as saved
            plot A model=saved
            backtest ets
            """, source: "s.hz")
        try interpreter.check(script)
        // After `run` or an unnamed `load model`, the names are known only when the lines run.
        try interpreter.check(try Parser().parse("run other.hz\nevaluate later", source: "s.hz"))
        try interpreter.check(try Parser().parse("load model m.hzm\nevaluate later", source: "s.hz"))
    }
}
