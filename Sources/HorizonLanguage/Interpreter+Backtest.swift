import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonModels
import HorizonForecast

/// `backtest NAME [windows=N] [step=S] [refit=yes|no]`: rolling-origin evaluation of one model.
extension Interpreter {
    func backtest(_ command: BacktestCommand) throws {
        let started = Date()
        let name = command.model
        let data = try requireData(name.location)
        // A trained model brings its options; a catalog name is fitted with its defaults.
        let estimator: any Estimator
        let modelKind: String, modelOptions: String
        if let model = session.model(named: name.value) {
            estimator = model.estimator
            (modelKind, modelOptions) = (model.spec.name, model.optionsText)
        } else if let spec = ModelCatalog.spec(named: name.value) {
            estimator = try spec.make(ModelOptions())
            (modelKind, modelOptions) = (spec.name, "")
        } else {
            throw HorizonError("no trained model or model type '\(name.value)'", at: name.location,
                               suggestion: Suggestions.didYouMean(name.value, in: session.modelNames + ModelCatalog.names))
        }
        let horizon = session.horizon
        let (windows, step, refit) = (command.windows, command.step ?? horizon, command.refit)
        let plan = BacktestPlan(windows: windows, step: step, horizon: horizon, refit: refit)
        let settings = FitSettings(horizon: horizon, context: session.context, levels: session.levels, seed: session.seed)
        let bar = ProgressBar("backtest \(name.value)", total: windows)
        defer { bar.finish() }
        let result = try Backtest.run(plan, panel: data.panel, base: session.holdoutCounts(), model: name.value, estimator: estimator,
                                      settings: settings, levels: Evaluator.requiredLevels(session.levels), naive2: LocalPredictor.naive2) { bar.update(to: $0) }
        bar.finish()  // before the table, which would otherwise start on the bar's line

        var rows = result.windows.map { w in
            ScoreRow(labels: ["\(w.index + 1)", data.panel.timeLabel(w.firstForecastTime), "\(w.holdout.train.count)"], scores: w.scores)
        }
        rows.append(ScoreRow(labels: ["pooled", "–", "\(result.windows.reduce(0) { $0 + $1.holdout.train.count })"], scores: result.pooled))
        var table = Evaluator.table(rows, labelHeaders: ["window", "first step", "series"],
                                    title: "backtest \(name.value): \(windows) window\(windows == 1 ? "" : "s") of \(horizon) steps, origins \(step) steps apart; the last window is the holdout", grouped: true)
        let refitNote: String
        switch (refit, estimator.refitsOnEveryHistory) {
        case (_, true): refitNote = "refit: \(refit ? "yes" : "no") — a local model re-estimates from each window's own history, so fitting again changes nothing."
        case (true, false): refitNote = "refit: yes — fitted again at every origin on the data before it (\(windows) fits)."
        case (false, false): refitNote = "refit: no — fitted once at the first origin; later windows are forecast from their longer histories without refitting."
        }
        table.notes.insert(refitNote, at: 0)
        table.notes.insert("pooled: every window's forecasts scored together, each (series, window) pair as one series.", at: 1)
        // Every window that leaves series out, not only the first (an early origin leaves out
        // the series that start late, and so does every later window they have not reached).
        let skipped = result.windows.filter { !$0.excluded.isEmpty }
        if skipped.count == 1 {
            table.notes.append("window \(skipped[0].index + 1) leaves out \(skipped[0].excluded.count) series with nothing observed before its origin.")
        } else if !skipped.isEmpty {
            table.notes.append("series left out for having nothing observed before the origin: "
                               + skipped.map { "\($0.excluded.count) in window \($0.index + 1)" }.joined(separator: ", ") + ".")
        }
        output.emit(.table(table))
        logBacktest(result, name: name.value, modelKind: modelKind, options: modelOptions, seconds: Date().timeIntervalSince(started))
    }
}
