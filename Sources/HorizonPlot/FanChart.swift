import HorizonCore
import HorizonData
import HorizonForecast

/// A fan chart: the recent history, the held-out actuals, the median forecast and shaded
/// bands between symmetric pairs of quantiles (p10–p90 lighter than p25–p75).
public struct FanChart {
    public var title: String
    public var panel: Panel
    /// The series as the model saw it (its history).
    public var history: Series
    /// Held-out actuals following the history (may be empty).
    public var actuals: [Double]
    public var forecast: ItemForecast?

    public init(title: String, panel: Panel, history: Series, actuals: [Double], forecast: ItemForecast?) {
        self.title = title
        self.panel = panel
        self.history = history
        self.actuals = actuals
        self.forecast = forecast
    }

    /// Draws the chart; returns the text of a terminal chart (empty for files).
    public func draw(to target: PlotTarget) throws -> String {
        try Gnuplot.run(script(for: target))
    }

    /// How much history to show: enough to see a few seasons and the forecast in proportion.
    var shownHistory: Int {
        let h = forecast?.horizon ?? actuals.count
        return min(history.count, max(4 * h, 2 * panel.season, 48))
    }

    func x(_ t: Int) -> String {
        let time = panel.time(of: history, at: t)
        return String(time)
    }

    public func script(for target: PlotTarget) -> String {
        var s = target.preamble
        s += "set title \(Gnuplot.literal(title)) noenhanced\n"
        s += "set key top left noenhanced\nset grid\n"
        if panel.hasTimestamps {
            s += "set xdata time\nset timefmt '%s'\n"
            s += panel.frequency == .hourly ? "set format x '%m-%d %Hh'\n" : "set format x '%Y-%m'\n"
        }
        s += "set ylabel \(Gnuplot.literal(panel.targetName)) noenhanced\n"
        let first = history.count - shownHistory
        s += "$history << EOD\n"
        for t in first..<history.count where !history.values[t].isNaN { s += "\(x(t)) \(history.values[t])\n" }
        s += "EOD\n"
        var plots: [String] = []
        if let forecast {
            let levels = forecast.levels
            // Each band row repeats the last observed value at the last history time, so the fan joins the line.
            let anchor = history.values.last { !$0.isNaN } ?? 0
            let pairs = (0..<(levels.count / 2)).map { (levels[$0], levels[levels.count - 1 - $0]) }
            for (k, pair) in pairs.enumerated() {
                s += "$band\(k) << EOD\n\(x(history.count - 1)) \(anchor) \(anchor)\n"
                for h in 0..<forecast.horizon {
                    s += "\(x(history.count + h)) \(forecast.quantile(pair.0, step: h)) \(forecast.quantile(pair.1, step: h))\n"
                }
                s += "EOD\n"
                let opacity = 0.18 + 0.17 * Double(k) / Double(max(1, pairs.count - 1))
                let label = "\(NumberFormat.quantileName(pair.0))–\(NumberFormat.quantileName(pair.1))"
                plots.append("$band\(k) using 1:2:3 with filledcurves fillcolor rgb '#1f77b4' fillstyle transparent solid \(String(format: "%.2f", opacity)) noborder title \(Gnuplot.literal(label))")
            }
            let median = levels.contains { abs($0 - 0.5) < 1e-9 } ? forecast.quantile(0.5) : forecast.point
            s += "$median << EOD\n\(x(history.count - 1)) \(anchor)\n"
            for h in 0..<forecast.horizon { s += "\(x(history.count + h)) \(median[h])\n" }
            s += "EOD\n"
            plots.append("$median using 1:2 with lines linewidth 2 linecolor rgb '#1f77b4' title 'forecast (median)'")
        }
        plots.insert("$history using 1:2 with lines linewidth 1.5 linecolor rgb '#333333' title 'history'", at: 0)
        if actuals.contains(where: { !$0.isNaN }) {
            s += "$actual << EOD\n"
            for (h, v) in actuals.enumerated() where !v.isNaN { s += "\(x(history.count + h)) \(v)\n" }
            s += "EOD\n"
            plots.append("$actual using 1:2 with linespoints pointtype 7 pointsize 0.6 linecolor rgb '#d62728' title 'actual'")
        }
        s += "plot " + plots.joined(separator: ", \\\n     ") + "\n"
        return s
    }
}
