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
        /// Lines with the same colour group share a colour (a model's training and validation
        /// curves); nil gives the line a colour of its own.
        public var colorGroup: Int?

        public init(title: String, points: [(x: Double, y: Double)], rightAxis: Bool = false, dashed: Bool = false, colorGroup: Int? = nil) {
            self.title = title
            self.points = points
            self.rightAxis = rightAxis
            self.dashed = dashed
            self.colorGroup = colorGroup
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

    /// Whole-number x ticks about ten to the axis: 1, 2, 5, 10, 20, 50… apart.
    var integerStep: Int {
        let largest = lines.flatMap(\.points).map(\.x).filter(\.isFinite).max() ?? 1
        var magnitude = 1
        while true {
            for m in [1, 2, 5] where Double(m * magnitude) * 10 >= largest { return m * magnitude }
            magnitude *= 10
        }
    }

    /// Draws the chart; returns the text of a terminal chart (empty for files).
    public func draw(to target: PlotTarget) throws -> String {
        try Gnuplot.run(script(for: target))
    }

    public func script(for target: PlotTarget) -> String {
        var s = target.preamble
        // In characters a rotated y label lands on the tick labels: the x label names the axes.
        let right = lines.contains(where: \.rightAxis) ? rightLabel.map { ", right: \($0)" } ?? "" : ""
        s += "set title \(Gnuplot.literal(title)) noenhanced\n"
        s += "set key outside right top noenhanced\nset grid\n"
        s += "set xlabel \(Gnuplot.literal(xLabel + (target.isText ? " (y: \(yLabel)\(right))" : ""))) noenhanced\n"
        if !target.isText { s += "set ylabel \(Gnuplot.literal(yLabel)) noenhanced\n" }
        if integerX { s += "set xtics \(integerStep)\nset format x '%.0f'\nset mxtics 1\n" }
        if unitSquareWithDiagonal { s += "set xrange [0:1]\nset yrange [0:1]\nset size ratio -1\n" }
        if lines.contains(where: \.rightAxis) {
            if let rightLabel, !target.isText { s += "set y2label \(Gnuplot.literal(rightLabel)) noenhanced\n" }
            s += "set y2tics\nset ytics nomirror\n"
        }
        var plots: [String] = []
        // The ideal first, so the models' lines are drawn over it; dark and dashed to stand apart from them.
        if unitSquareWithDiagonal { plots.append("x with lines dashtype 2 linewidth 2 linecolor rgb '#444444' title 'ideal'") }
        // Colours in order of first appearance, one per colour group (a line without one is its own).
        var groups: [Int: Int] = [:]
        for (k, line) in lines.enumerated() {
            s += "$line\(k) << EOD\n"
            for p in line.points where p.x.isFinite && p.y.isFinite { s += "\(p.x) \(p.y)\n" }
            s += "EOD\n"
            let group = line.colorGroup ?? (-1 - k)
            if groups[group] == nil { groups[group] = groups.count }
            let color = groups[group]!
            var plot = "$line\(k) using 1:2 with linespoints pointtype 7 pointsize 0.7 linewidth 1.5 \(Palette.style(color))"
            if line.dashed { plot += " dashtype 2" }
            if line.rightAxis { plot += " axes x1y2" }
            plots.append(plot + " title \(Gnuplot.literal(line.title))")
        }
        s += "plot " + plots.joined(separator: ", \\\n     ") + "\n"
        return s
    }
}
