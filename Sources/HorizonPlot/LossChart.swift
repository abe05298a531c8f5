import HorizonForecast

/// `plot loss`: training curves — training loss per epoch (left axis) and, where a model
/// kept validation windows, validation wQL (dashed, right axis).
public enum LossChart {
    public static func make(models: [(name: String, curve: [TrainingEpoch])]) -> LineChart {
        var lines: [LineChart.Line] = []
        for (k, m) in models.enumerated() {
            // A model's two curves share its colour; validation is the dashed one.
            lines.append(LineChart.Line(title: "\(m.name) training loss",
                                        points: m.curve.map { (Double($0.epoch), $0.trainingLoss) }, colorGroup: k))
            let validation = m.curve.compactMap { e in e.validationWQL.map { (x: Double(e.epoch), y: $0) } }
            if !validation.isEmpty {
                lines.append(LineChart.Line(title: "\(m.name) validation wQL", points: validation, rightAxis: true, dashed: true, colorGroup: k))
            }
        }
        var chart = LineChart(title: "training curves", xLabel: "epoch", yLabel: "training loss", rightLabel: "validation wQL", lines: lines)
        chart.integerX = true
        return chart
    }
}
