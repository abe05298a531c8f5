/// `plot errors`: a metric at each forecast step, one line per model, to see how fast
/// accuracy decays with the horizon.
public enum ErrorChart {
    /// `models`: per model, the metric at steps 1, 2, ….
    public static func make(metric: String, models: [(name: String, byStep: [Double])], subtitle: String) -> LineChart {
        var chart = LineChart(title: "\(metric) by forecast step — \(subtitle)", xLabel: "steps ahead", yLabel: metric,
                              lines: models.map { m in
                                  LineChart.Line(title: m.name, points: m.byStep.enumerated().map { (Double($0.offset + 1), $0.element) })
                              })
        chart.integerX = true
        return chart
    }
}
