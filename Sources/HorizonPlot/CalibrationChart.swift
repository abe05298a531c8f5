/// `plot calibration`: observed coverage against the nominal level, one line per model. A
/// calibrated model lies on the diagonal; below it, its quantiles are too low.
public enum CalibrationChart {
    /// `models`: per model, (nominal level, observed share of actuals at or below it).
    public static func make(models: [(name: String, points: [(level: Double, coverage: Double)])], subtitle: String) -> LineChart {
        var chart = LineChart(title: "calibration — \(subtitle)", xLabel: "nominal level τ", yLabel: "share of actuals ≤ the τ quantile",
                              lines: models.map { LineChart.Line(title: $0.name, points: $0.points.map { ($0.level, $0.coverage) }) })
        chart.unitSquareWithDiagonal = true
        return chart
    }
}
