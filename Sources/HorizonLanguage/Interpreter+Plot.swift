import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonModels
import HorizonPlot
import HorizonForecast

extension Interpreter {
    /// A fan chart of one series: over the holdout (training history, held-out actuals and the
    /// model's quantile forecast, its scores in the title; without a model the history and
    /// actuals only), or past the end of the data (`future`), where a scenario is drawn against
    /// the baseline.
    func plot(_ chart: PlotCommand.ItemChart, to path: Located<String>?) throws {
        let item = chart.item
        let data = try requireData(item?.location ?? path?.location)
        if chart.future { return try plotFuture(chart, data: data, to: path) }
        let (holdout, counts, _) = try currentHoldout()
        if let item, let whole = try? lookup(item, in: data.panel), holdout.train.index(of: whole.id) == nil {
            // In the data, but every point is held out: nothing was fitted on it to draw.
            throw HorizonError("'\(whole.id)' has no history before the holdout (all \(whole.count) of its points are held out), "
                               + "so no model was fitted on it; 'show \(whole.id)' lists its points", at: item.location)
        }
        let series = try item.map { try lookup($0, in: holdout.train) } ?? holdout.train.series[0]
        let k = holdout.train.index(of: series.id)!
        var forecast: ItemForecast?
        var title = series.id
        if chart.model != nil || !session.models.isEmpty {
            let i = try trainedModel(chart.model, at: item?.location)
            let all = try holdoutForecast(i, holdout: holdout, counts: counts)
            forecast = all.items[k]
            let scores = Evaluator.score(all.selecting([k]), on: holdout.selecting([k]), levels: session.levels)
            title += " — \(session.models[i].name): holdout mean wQL \(NumberFormat.fixed(scores.meanWQL, 3))"
                + (scores.mase.isFinite ? ", MASE \(NumberFormat.fixed(scores.mase, 2))" : "")
        }
        let drawn = FanChart(title: title, panel: data.panel, history: series, actuals: holdout.actuals[k], forecast: forecast,
                             lastPoints: chart.last?.value)
        try show(to: path) { try drawn.draw(to: $0) }
    }

    /// The forecast past the end of the data, from the full series; with a scenario, its fan
    /// beside the baseline's.
    private func plotFuture(_ chart: PlotCommand.ItemChart, data: LoadedData, to path: Located<String>?) throws {
        let series = try chart.item.map { try lookup($0, in: data.panel) } ?? data.panel.series[0]
        let i = try trainedModel(chart.model, at: chart.item?.location)
        let k = data.panel.index(of: series.id)!
        let baseline = try futureForecast(i, data: data, at: chart.model?.location)
        guard let base = baseline.item(series.id) else {
            throw HorizonError("'\(series.id)' has no future forecast from \(session.models[i].name)", at: chart.item?.location)
        }
        var scenario: (forecast: ItemForecast, label: String)?
        if !chart.scenario.isEmpty {
            let changed = try futureForecast(i, data: data, scenario: chart.scenario)
            try requireFinite(changed, of: session.models[i].name, ids: [series.id], scenario: chart.scenario)
            if let item = changed.item(series.id) { scenario = (item, chart.scenario.map { "\($0.key.value)=\($0.value.value)" }.joined(separator: " ")) }
        }
        var title = "\(series.id) — \(session.models[i].name): "
        if let scenario {
            let before = base.point.reduce(0, +), after = scenario.forecast.point.reduce(0, +)
            title += "\(scenario.label) \(Self.change(from: before, to: after)) over \(base.horizon) steps"
        } else {
            title += "the next \(base.horizon) steps"
        }
        let drawn = FanChart(title: title, panel: data.panel, history: data.panel.series[k], actuals: [], forecast: base,
                             scenario: scenario, lastPoints: chart.last?.value)
        try show(to: path) { try drawn.draw(to: $0) }
    }

    /// Draws a chart to `path` (by its extension) or to the terminal, and reports it; for a
    /// notebook, a chart without `to` is also drawn as SVG. A file is drawn beside `path` and
    /// renamed into place, so a failed drawing leaves an earlier chart intact.
    func show(to path: Located<String>?, _ draw: (PlotTarget) throws -> String) throws {
        guard let path else {
            let size = terminalSize()
            let text = try draw(.terminal(style: session.plotStyle ?? (colorTerminal ? "ansi" : "dumb"), width: size.width, height: size.height))
            let svg = drawsSVGCharts ? try draw(.svgDocument) : nil
            output.emit(.chart(text))
            if let svg { output.emit(.svg(svg)) }
            return
        }
        try checkWritable(path)
        do {
            _ = try PlotTarget.file(path.value)
            try AtomicFile.produce(path.value) { temporary in
                let target = try PlotTarget.file(temporary)
                _ = try draw(target)
                try target.checkComplete()
            }
        } catch let e as HorizonError {
            throw e.located(at: path.location)
        } catch {
            throw HorizonError("cannot write '\(path.value)': \(error.localizedDescription)", at: path.location)
        }
        output.emit(.image(path: path.value))
    }
}
