import HorizonCore
import HorizonData
import HorizonForecast

/// A fan chart: the recent history, the held-out actuals, the median forecast and shaded
/// bands between symmetric pairs of quantiles (p10–p90 lighter than p25–p75), a dashed line at
/// the forecast origin, and optionally a scenario's median and bands drawn against it.
public struct FanChart {
    public var title: String
    public var panel: Panel
    /// The series as the model saw it (its history).
    public var history: Series
    /// Held-out actuals following the history (may be empty).
    public var actuals: [Double]
    public var forecast: ItemForecast?
    /// The same forecast under a scenario, and the scenario's words (`price=-20%`).
    public var scenario: (forecast: ItemForecast, label: String)?
    /// The points of history shown; nil for a few seasons.
    public var lastPoints: Int?

    public init(title: String, panel: Panel, history: Series, actuals: [Double], forecast: ItemForecast?,
                scenario: (forecast: ItemForecast, label: String)? = nil, lastPoints: Int? = nil) {
        self.title = title
        self.panel = panel
        self.history = history
        self.actuals = actuals
        self.forecast = forecast
        self.scenario = scenario
        self.lastPoints = lastPoints
    }

    /// Draws the chart; returns the text of a terminal chart (empty for files).
    public func draw(to target: PlotTarget) throws -> String {
        try Gnuplot.run(script(for: target))
    }

    /// How much history to show: `lastPoints`, or enough to see a few seasons and the
    /// forecast in proportion.
    var shownHistory: Int {
        if let lastPoints { return min(history.count, max(lastPoints, 1)) }
        let h = forecast?.horizon ?? actuals.count
        return min(history.count, max(4 * h, 2 * panel.season, 48))
    }

    func x(_ t: Int) -> String {
        let time = panel.time(of: history, at: t)
        return String(time)
    }

    /// What the x axis counts, in words.
    var xLabel: String {
        switch panel.frequency {
        case .hourly: return "hour"
        case .daily: return "day"
        case .weekly: return "week"
        case .monthly: return "month"
        case .quarterly: return "quarter"
        case .yearly: return "year"
        case .fixed, .steps: return panel.hasTimestamps ? "time" : "step"
        }
    }

    /// The median and bands of one forecast, joined to the last observed value; `name` keeps
    /// the data blocks of two forecasts apart.
    func fan(_ forecast: ItemForecast, name: String, color: String, label: String, dashed: Bool, into s: inout String) -> [String] {
        var plots: [String] = []
        let levels = forecast.levels
        // Each band row starts from the last observed value, at its own time (not the last
        // history time, which may be missing), so the fan joins the line where it ends.
        let at = history.values.lastIndex { !$0.isNaN } ?? history.count - 1
        let anchor = history.values.indices.contains(at) ? history.values[at] : 0
        let pairs = (0..<(levels.count / 2)).map { (levels[$0], levels[levels.count - 1 - $0]) }
        for (k, pair) in pairs.enumerated() {
            s += "$\(name)band\(k) << EOD\n\(x(at)) \(anchor) \(anchor)\n"
            for h in 0..<forecast.horizon {
                s += "\(x(history.count + h)) \(forecast.quantile(pair.0, step: h)) \(forecast.quantile(pair.1, step: h))\n"
            }
            s += "EOD\n"
            let opacity = (dashed ? 0.6 : 1) * (0.18 + 0.17 * Double(k) / Double(max(1, pairs.count - 1)))
            let bandLabel = "\(label) \(NumberFormat.quantileName(pair.0))–\(NumberFormat.quantileName(pair.1))"
            plots.append("$\(name)band\(k) using 1:2:3 with filledcurves fillcolor rgb '\(color)' fillstyle transparent solid \(String(format: "%.2f", opacity)) noborder title \(Gnuplot.literal(bandLabel))")
        }
        let median = levels.contains { abs($0 - 0.5) < 1e-9 } ? forecast.quantile(0.5) : forecast.point
        s += "$\(name)median << EOD\n\(x(at)) \(anchor)\n"
        for h in 0..<forecast.horizon { s += "\(x(history.count + h)) \(median[h])\n" }
        s += "EOD\n"
        plots.append("$\(name)median using 1:2 with lines linewidth 2 \(dashed ? "dashtype 2 " : "")linecolor rgb '\(color)' title \(Gnuplot.literal(label + " (median)"))")
        return plots
    }

    public func script(for target: PlotTarget) -> String {
        var s = target.preamble
        s += "set title \(Gnuplot.literal(title)) noenhanced\n"
        // In characters the legend would overwrite the history: it goes below the plot there.
        s += (target.isText ? "set key outside below horizontal noenhanced\n" : "set key top left noenhanced\n") + "set grid\n"
        if panel.hasTimestamps {
            s += "set xdata time\nset timefmt '%s'\n"
            s += panel.frequency == .hourly ? "set format x '%m-%d %Hh'\n" : "set format x '%Y-%m'\n"
        }
        // A rotated y label lands on the tick labels in characters: there the x label names both axes.
        if target.isText {
            s += "set xlabel \(Gnuplot.literal(xLabel + " (y: " + panel.targetName + ")")) noenhanced\n"
        } else {
            s += "set ylabel \(Gnuplot.literal(panel.targetName)) noenhanced\nset xlabel \(Gnuplot.literal(xLabel))\n"
        }
        // The forecast origin: the last time the model saw.
        let origin = panel.hasTimestamps ? "'\(x(history.count - 1))'" : x(history.count - 1)  // a time is given as text
        s += "set arrow from \(origin), graph 0 to \(origin), graph 1 nohead dashtype 3 linecolor rgb '#777777'\n"
        let first = history.count - shownHistory
        s += "$history << EOD\n"
        for t in first..<history.count where !history.values[t].isNaN { s += "\(x(t)) \(history.values[t])\n" }
        s += "EOD\n"
        var plots: [String] = []
        if let forecast {
            plots += fan(forecast, name: "base", color: "#1f77b4", label: scenario == nil ? "forecast" : "baseline", dashed: false, into: &s)
        }
        if let scenario {
            plots += fan(scenario.forecast, name: "scenario", color: "#ff7f0e", label: scenario.label, dashed: true, into: &s)
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
