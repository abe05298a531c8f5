import HorizonForecast

/// `plot loss`: training curves — training loss per epoch (left axis) and, where a model
/// kept validation windows, validation wQL (dashed, right axis).
public enum LossChart {
    public static func make(models: [(name: String, curve: [TrainingEpoch])]) -> LineChart {
        var lines: [LineChart.Line] = []
        for m in models {
            lines.append(LineChart.Line(title: "\(m.name) training loss",
                                        points: m.curve.map { (Double($0.epoch), $0.trainingLoss) }))
            let validation = m.curve.compactMap { e in e.validationWQL.map { (x: Double(e.epoch), y: $0) } }
            if !validation.isEmpty {
                lines.append(LineChart.Line(title: "\(m.name) validation wQL", points: validation, rightAxis: true, dashed: true))
            }
        }
        return LineChart(title: "training curves", xLabel: "epoch", yLabel: "training loss", rightLabel: "validation wQL", lines: lines)
    }
}
