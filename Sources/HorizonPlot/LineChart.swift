import HorizonCore

/// Lines over a numeric x axis, one per model: the shared drawing behind the calibration,
/// error-by-horizon and training-loss charts.
public struct LineChart: Sendable {
    public struct Line: Sendable {
        public var title: String
        public var points: [(x: Double, y: Double)]
        /// Drawn against the right-hand axis.
        public var rightAxis: Bool
        public var dashed: Bool

        public init(title: String, points: [(x: Double, y: Double)], rightAxis: Bool = false, dashed: Bool = false) {
            self.title = title
            self.points = points
            self.rightAxis = rightAxis
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// The label of the right-hand axis, when some line uses it.
    public var rightLabel: String?
    public var lines: [Line]
    /// Both axes over [0, 1] with the y = x diagonal (the calibration chart's ideal).
    public var unitSquareWithDiagonal = false
    /// Only whole numbers on the x axis (steps, epochs).
    public var integerX = false

    public init(title: String, xLabel: String, yLabel: String, rightLabel: String? = nil, lines: [Line]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.rightLabel = rightLabel
        self.lines = lines
    }

    /// Draws the chart; returns the text of a terminal chart (empty for files).
    public func draw(to target: PlotTarget) throws -> String {
        try Gnuplot.run(script(for: target))
    }

    public func script(for target: PlotTarget) -> String {
        var s = target.preamble
        s += "set title \(Gnuplot.literal(title)) noenhanced\n"
        s += "set key outside right top noenhanced\nset grid\n"
        s += "set xlabel \(Gnuplot.literal(xLabel)) noenhanced\nset ylabel \(Gnuplot.literal(yLabel)) noenhanced\n"
        if integerX { s += "set xtics 1\nset mxtics 1\n" }
        if unitSquareWithDiagonal { s += "set xrange [0:1]\nset yrange [0:1]\nset size ratio -1\n" }
        if let rightLabel, lines.contains(where: \.rightAxis) {
            s += "set y2label \(Gnuplot.literal(rightLabel)) noenhanced\nset y2tics\nset ytics nomirror\n"
        }
        var plots: [String] = []
        for (k, line) in lines.enumerated() {
            s += "$line\(k) << EOD\n"
            for p in line.points where p.x.isFinite && p.y.isFinite { s += "\(p.x) \(p.y)\n" }
            s += "EOD\n"
            var plot = "$line\(k) using 1:2 with linespoints pointtype 7 pointsize 0.7 linewidth 1.5 linecolor \(k % 8 + 1)"
            if line.dashed { plot += " dashtype 2" }
            if line.rightAxis { plot += " axes x1y2" }
            plots.append(plot + " title \(Gnuplot.literal(line.title))")
        }
        if unitSquareWithDiagonal { plots.append("x with lines dashtype 3 linecolor rgb '#888888' title 'ideal'") }
        s += "plot " + plots.joined(separator: ", \\\n     ") + "\n"
        return s
    }
}
