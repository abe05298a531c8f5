import Foundation
import HorizonCore
import HorizonData
import HorizonModels
import Testing
@testable import HorizonLanguage
import HorizonForecast

/// The table a command emitted last.
func lastTable(_ output: OutputBuffer) -> TextTable? {
    for block in output.blocks.reversed() { if case .table(let t) = block { return t } }
    return nil
}

/// A session on the demo panel with three models trained over a 4-week holdout.
func trainedSession() throws -> (Interpreter, OutputBuffer) {
    let output = OutputBuffer()
    let interpreter = Interpreter(output: output)
    try interpreter.execute("load \(try demoFile())\nset horizon 4\nholdout 4\ntrain snaive\ntrain naive\ntrain mean window=8", source: "s")
    return (interpreter, output)
}

@Suite struct EvaluateOptionTests {
    @Test func sortOrdersModelsBestFirst() throws {
        let (interpreter, output) = try trainedSession()
        try interpreter.execute("compare sort=mase", source: "s")
        let table = try #require(lastTable(output))
        let column = try #require(table.headers.firstIndex(of: "MASE"))
        let values = table.rows.map { Double($0[column])! }
        #expect(values == values.sorted())
        #expect(table.headers.contains("wCRPS") && table.headers.contains("cov[p10–p90]"))
    }

    @Test func byCategoryScoresEachGroup() throws {
        let (interpreter, output) = try trainedSession()
        try interpreter.execute("evaluate snaive naive by=category", source: "s")
        let table = try #require(lastTable(output))
        #expect(Array(table.headers.prefix(2)) == ["category", "model"])
        #expect(table.rows.map { $0[0] } == ["food", "food", "toys", "toys"])
        try interpreter.execute("evaluate by=item sort=p50", source: "s")
        #expect(lastTable(output)?.rows.count == 9)
    }

    /// by=item with sort= lists the items worst first by the first model's score (what an
    /// analyst looks at), models best first within each; n= keeps that many items.
    @Test func byItemSortsWorstFirstAndKeepsN() throws {
        let (interpreter, output) = try trainedSession()
        try interpreter.execute("evaluate snaive by=item sort=mase", source: "s")
        let all = try #require(lastTable(output))
        let mase = try #require(all.headers.firstIndex(of: "MASE"))
        let values = all.rows.map { Double($0[mase]) ?? .nan }
        #expect(values.count == 3 && values == values.sorted(by: >), "\(values)")
        #expect(all.title?.contains("worst item first by snaive's MASE") == true)
        try interpreter.execute("evaluate snaive naive by=item sort=mase n=2", source: "s")
        let worst = try #require(lastTable(output))
        #expect(worst.rows.count == 4 && Set(worst.rows.map { $0[0] }) == Set(all.rows.prefix(2).map { $0[0] }))
        #expect(worst.title?.contains("(2 of 3)") == true)
        try interpreter.execute("evaluate columns=owa,mase,p50,cov", source: "s")
        #expect(lastTable(output)?.headers == ["model", "OWA", "MASE", "wQL[p50]", "cov[p10]", "cov[p50]", "cov[p90]", "cov[p10–p90]"])
        let column = #expect(throws: HorizonError.self) { try interpreter.execute("evaluate columns=mase,smap", source: "s", firstLine: 5) }
        #expect(column?.location?.column == 18 && column?.suggestion?.lowercased() == "did you mean 'smape'?")
        let alone = #expect(throws: HorizonError.self) { try interpreter.execute("evaluate n=2", source: "s", firstLine: 4) }
        #expect(alone?.description.hasPrefix("s:4:10: error: n= keeps the worst groups of by=") == true)
    }

    @Test func badOptionsAreLocatedWithSuggestions() throws {
        let (interpreter, _) = try trainedSession()
        let sort = #expect(throws: HorizonError.self) { try interpreter.execute("evaluate sort=mse", source: "s", firstLine: 9) }
        #expect(sort?.description == "s:9:15: error: unknown metric 'mse' (metrics: wql, crps, mase, smape, msis, nd, owa, p10, p50, p90); did you mean 'mase'?")
        let by = #expect(throws: HorizonError.self) { try interpreter.execute("compare by=categry", source: "s") }
        #expect(by?.suggestion == "did you mean 'category'?")
        #expect(by?.location?.column == 12)
    }
}

@Suite struct DecisionCommandTests {
    @Test func compareCostShowsSavingsAgainstSnaiveByDefault() throws {
        let (interpreter, output) = try trainedSession()
        try interpreter.execute("compare cost cu=4 co=1", source: "s")
        let table = try #require(lastTable(output))
        #expect(table.headers.contains("savings vs snaive"))
        #expect(table.rows.map { $0[0] } == ["snaive", "naive", "mean"])
        #expect(table.rows[0][5] == "0.0")
        #expect(table.notes.contains { $0.contains("τ* = cu/(cu+co) = 0.800") })
        try interpreter.execute("compare cost cu=9 co=1 baseline=mean leadtime=2 corr=0", source: "s")
        #expect(lastTable(output)?.headers.contains("savings vs mean") == true)
        #expect(lastTable(output)?.notes.contains { $0.contains("lead time 2") } == true)
    }

    /// The cost table and the evaluate table agree: at τ* = 0.9 (a trained level) each
    /// model's cost is (cu + co)/2 · wQL[p90] · Σ|y|, so the two rank the models alike.
    @Test func costRanksModelsAsWQLAtTheCriticalFractile() throws {
        let (interpreter, output) = try trainedSession()
        try interpreter.execute("compare", source: "s")
        let scores = try #require(lastTable(output))
        let wql = scores.headers.firstIndex(of: "wQL[p90]")!
        try interpreter.execute("compare cost cu=9 co=1", source: "s")
        let costs = try #require(lastTable(output))
        let byWQL = scores.rows.sorted { Double($0[wql])! < Double($1[wql])! }.map { $0[0] }
        let byCost = costs.rows.sorted { Double($0[3])! < Double($1[3])! }.map { $0[0] }
        #expect(byWQL == byCost)
        let demand = Double(costs.rows[0][2])!
        for (s, c) in zip(scores.rows, costs.rows) {
            #expect(abs(10.0 / 2 * Double(s[wql])! * demand - Double(c[3])!) < 0.002 * Double(c[3])! + 0.1)
        }
    }

    @Test func decideShowsOrdersAndWritesThem() throws {
        let (interpreter, output) = try trainedSession()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("orders-\(UUID().uuidString).csv").path
        try interpreter.execute("decide cu=4 co=1 model=snaive leadtime=2 to \(path)", source: "s")
        let table = try #require(lastTable(output))
        #expect(table.title == "decide with snaive: cu=4 co=1, lead time 2")
        #expect(table.rows.last?[0] == "all 3 series")
        #expect(table.notes.contains { $0.hasPrefix("bounds — corr=0:") })
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "item,time,steps,order,demand,cost")
        #expect(lines.count == 1 + 3 * 2)
    }

    @Test func decisionErrorsAreLocated() throws {
        let (interpreter, _) = try trainedSession()
        let long = #expect(throws: HorizonError.self) { try interpreter.execute("decide cu=4 co=1 leadtime=9", source: "s") }
        #expect(long?.location?.column == 27)
        let negative = #expect(throws: HorizonError.self) { try interpreter.execute("decide cu=-4 co=1", source: "s") }
        #expect(negative?.location?.column == 11)
        let baseline = #expect(throws: HorizonError.self) { try interpreter.execute("compare cost cu=1 co=1 baseline=snaiv", source: "s") }
        #expect(baseline?.suggestion == "did you mean 'snaive'?")
        #expect(interpreter.session.models.count == 3)
    }

    @Test func backtestSaysWhetherItRefits() throws {
        let (interpreter, output) = try trainedSession()
        try interpreter.execute("backtest snaive windows=3 step=2", source: "s")
        let table = try #require(lastTable(output))
        #expect(table.rows.map { $0[0] } == ["1", "2", "3", "pooled"])
        #expect(table.notes[0].hasPrefix("refit: yes — a local model re-estimates"))
        // The last window is the holdout: the same scores as evaluate.
        try interpreter.execute("evaluate snaive", source: "s")
        let evaluated = try #require(lastTable(output))
        #expect(Array(table.rows[2].dropFirst(3)) == Array(evaluated.rows[0].dropFirst()))
        // A model type that was never trained backtests with its defaults.
        try interpreter.execute("backtest drift windows=2 refit=no", source: "s")
        #expect(lastTable(output)?.title?.hasPrefix("backtest drift: 2 windows of 4 steps") == true)
        // ETS, ARIMA and Theta select and fit on each window's history whatever refit= says.
        for model in ["ets", "arima", "theta"] {
            try interpreter.execute("backtest \(model) windows=2 refit=no", source: "s")
            #expect(lastTable(output)?.notes.first?.hasPrefix("refit: no — a local model re-estimates from each window's own history") == true)
        }
        // As the note says: the same scores either way.
        try interpreter.execute("backtest ets windows=2 refit=no", source: "s")
        let once = try #require(lastTable(output))
        try interpreter.execute("backtest ets windows=2 refit=yes", source: "s")
        #expect(lastTable(output)?.rows == once.rows)
        let bad = #expect(throws: HorizonError.self) { try interpreter.execute("backtest snaive refit=maybe", source: "s") }
        #expect(bad?.location?.column == 23)
        let unknown = #expect(throws: HorizonError.self) { try interpreter.execute("backtest snaiv", source: "s") }
        #expect(unknown?.suggestion == "did you mean 'snaive'?")
    }
}

/// A predictor with a training curve, standing in for the neural models.
struct CurvePredictor: Predictor, ReportsTrainingCurve {
    var trainingCurve: [TrainingEpoch] = (1...5).map { TrainingEpoch(epoch: $0, trainingLoss: 1 / Double($0), validationWQL: 0.5 + 0.01 * Double($0)) }
    func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        PanelForecast(model: "curve", items: [])
    }
}

struct CurveEstimator: Estimator {
    func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor { CurvePredictor() }
}

let gnuplotAvailable = ["/usr/bin/gnuplot", "/usr/local/bin/gnuplot"].contains { FileManager.default.isExecutableFile(atPath: $0) }

@Suite struct ChartCommandTests {
    @Test func plotLossNeedsAModelWithACurve() throws {
        let (interpreter, _) = try trainedSession()
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("plot loss", source: "s") }
        #expect(error?.message.hasPrefix("no trained model has a training curve") == true)
    }

    @Test(.enabled(if: gnuplotAvailable, "needs gnuplot"))
    func plotLossDrawsACurveFromAnyPredictorThatKeepsOne() throws {
        let (interpreter, output) = try trainedSession()
        interpreter.session.models.append(TrainedModel(name: "neural", spec: ModelCatalog.all[0], estimator: CurveEstimator(), optionsText: "",
                                                       predictor: CurvePredictor(), holdoutCounts: [4, 4, 4], seriesCount: 3, fitSeconds: 0))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loss-\(UUID().uuidString).svg").path
        try interpreter.execute("plot loss to \(path)", source: "s")
        #expect(output.blocks.last == .image(path: path))
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.contains("neural training loss") && svg.contains("neural validation wQL"))
    }

    @Test(.enabled(if: gnuplotAvailable, "needs gnuplot"), arguments: ["compare metric=crps", "calibration", "errors metric=owa", "errors"])
    func chartsAcrossModelsWriteFiles(chart: String) throws {
        let (interpreter, _) = try trainedSession()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chart-\(UUID().uuidString).svg").path
        try interpreter.execute("plot \(chart) to \(path)", source: "s")
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("snaive") && svg.contains("mean"))
    }

    @Test(.enabled(if: gnuplotAvailable, "needs gnuplot"))
    func calibrationChartDrawsInTheTerminal() throws {
        let (interpreter, output) = try trainedSession()
        try interpreter.execute("plot calibration", source: "s")
        guard case .chart(let text)? = output.blocks.last else { Issue.record("no chart"); return }
        #expect(text.contains("calibration") && text.contains("ideal"))
    }
}
