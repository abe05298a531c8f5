import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonModels
import HorizonPlot
import HorizonForecast

extension Interpreter {
    /// A fan chart of one series over the holdout: training history, held-out actuals and the
    /// model's quantile forecast (without a model: the history and actuals only).
    func plot(item: Located<String>?, model: Located<String>?, to path: Located<String>?) throws {
        let data = try requireData(item?.location ?? path?.location)
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
        if model != nil || !session.models.isEmpty {
            let i = try trainedModel(model, at: item?.location)
            forecast = try holdoutForecast(i, holdout: holdout, counts: counts).items[k]
            title += " — \(session.models[i].name)"
        }
        let chart = FanChart(title: title, panel: data.panel, history: series, actuals: holdout.actuals[k], forecast: forecast)
        try show(to: path) { try chart.draw(to: $0) }
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
