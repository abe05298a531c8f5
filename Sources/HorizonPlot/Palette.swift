/// Line colours for charts with many models.
///
/// Why not gnuplot's default: it has eight colours, so the ninth model took the first one's
/// and a chart of the walkthrough's models could not be read. Twenty colours far enough apart
/// to tell on a white background (Tableau 10, then ten darker or distinct ones); past twenty
/// the dash pattern changes as well, so no two lines look alike.
public enum Palette {
    public static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
                                "#393b79", "#e6550d", "#31a354", "#843c39", "#7b4173", "#637939", "#3182bd", "#f768a1", "#000000", "#b8860b"]

    /// The gnuplot style of line k: its colour, and from the second round of colours a dash pattern.
    public static func style(_ k: Int) -> String {
        let round = k / colors.count
        return "linecolor rgb '\(colors[k % colors.count])'" + (round > 0 ? " dashtype \(round + 2)" : "")
    }
}

extension PlotTarget {
    /// Whether the chart is drawn in characters (dumb and ANSI terminals): no rotated text,
    /// and a legend inside the plot would overwrite the lines.
    var isText: Bool {
        if case .terminal(let style, _, _) = self { return style != "sixel" }
        return false
    }
}
