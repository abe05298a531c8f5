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
        s += "set title \(Gnuplot.literal("\(metric) by model — \(subtitle)")) noenhanced\n"
        s += "set ylabel \(Gnuplot.literal(metric)) noenhanced\nset grid ytics\nset yrange [0:*]\nset offsets 0, 0, graph 0.08, 0\n"
        s += "set style fill solid 0.6 border -1\nset boxwidth 0.6\nset xtics noenhanced\n"
        if bars.count > 6 { s += "set xtics rotate by -30\n" }
        let shown = bars.filter { $0.value.isFinite }
        // A fixed x range keeps bars narrow even when there are only one or two.
        s += "set xrange [-0.7:\(Double(max(shown.count, 2)) - 0.3)]\n"
        // Model names label the ticks from the script, as literals, never from the data block:
        // a name inside data would be read by gnuplot's data parser, not as a quoted literal.
        if !shown.isEmpty {
            s += "set xtics (" + shown.enumerated().map { "\(Gnuplot.literal($0.element.model)) \($0.offset)" }.joined(separator: ", ") + ")\n"
        }
        s += "$bars << EOD\n"
        for bar in shown { s += "\(bar.value)\n" }
        s += "EOD\n"
        s += "plot $bars using 0:1 with boxes linecolor rgb '#1f77b4' notitle, \\\n"
        s += "     $bars using 0:1:(sprintf('%.4g', $1)) with labels offset 0,0.8 notitle\n"
        return s
    }
}
