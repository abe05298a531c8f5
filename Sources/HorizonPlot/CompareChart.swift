import HorizonCore

/// `plot compare`: one bar per model for one metric, the value printed above each bar.
public struct CompareChart: Sendable {
    public var metric: String
    public var bars: [(model: String, value: Double)]
    public var subtitle: String

    public init(metric: String, bars: [(model: String, value: Double)], subtitle: String) {
        self.metric = metric
        self.bars = bars
        self.subtitle = subtitle
    }

    public func draw(to target: PlotTarget) throws -> String {
        try Gnuplot.run(script(for: target))
    }

    public func script(for target: PlotTarget) -> String {
        var s = target.preamble
        s += "set title \(Gnuplot.quoted("\(metric) by model — \(subtitle)")) noenhanced\n"
        s += "set ylabel \(Gnuplot.quoted(metric)) noenhanced\nset grid ytics\nset yrange [0:*]\nset offsets 0, 0, graph 0.08, 0\n"
        s += "set style fill solid 0.6 border -1\nset boxwidth 0.6\nset xtics noenhanced\n"
        if bars.count > 6 { s += "set xtics rotate by -30\n" }
        let shown = bars.filter { $0.value.isFinite }
        // A fixed x range keeps bars narrow even when there are only one or two.
        s += "set xrange [-0.7:\(Double(max(shown.count, 2)) - 0.3)]\n"
        s += "$bars << EOD\n"
        for bar in shown { s += "\(Gnuplot.quoted(bar.model)) \(bar.value)\n" }
        s += "EOD\n"
        s += "plot $bars using 0:2:xtic(1) with boxes linecolor rgb '#1f77b4' notitle, \\\n"
        s += "     $bars using 0:2:(sprintf('%.4g', $2)) with labels offset 0,0.8 notitle\n"
        return s
    }
}
