import HorizonCore
import HorizonData
import HorizonForecast
import HorizonPlot
import Testing

/// Charts people can read: no two models alike, a model's curves in one colour, whole epoch
/// ticks, a visible ideal, and terminal charts whose legend and y label stay off the data.
@Suite struct ChartStyleTests {
    static func styles(_ script: String) -> [String] {
        script.split(separator: "\n").filter { $0.contains("using 1:2 with linespoints") }.map { line in
            let color = line.range(of: "linecolor rgb '#[0-9a-f]{6}'", options: .regularExpression).map { String(line[$0]) } ?? ""
            let dash = line.range(of: "dashtype [0-9]+", options: .regularExpression).map { String(line[$0]) } ?? ""
            return color + " " + dash
        }
    }

    @Test func twentyFiveModelsGetTwentyFiveLooks() {
        let lines = (0..<25).map { LineChart.Line(title: "m\($0)", points: [(1, Double($0)), (2, Double($0))]) }
        let styles = Self.styles(LineChart(title: "t", xLabel: "x", yLabel: "y", lines: lines).script(for: .svgDocument))
        #expect(styles.count == 25 && Set(styles).count == 25, "\(styles)")
    }

    @Test func aModelsTrainingAndValidationCurvesShareItsColourOverWholeEpochs() {
        let curve = (1...100).map { TrainingEpoch(epoch: $0, trainingLoss: 1 / Double($0), validationWQL: 0.1 + 1 / Double($0), seconds: 1) }
        let chart = LossChart.make(models: [("mlp", curve), ("mqcnn", curve)])
        let script = chart.script(for: .svgDocument)
        let colors = Self.styles(script).map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
        #expect(colors.count == 4 && colors[0] == colors[1] && colors[2] == colors[3] && colors[0] != colors[2], "\(colors)")
        #expect(script.contains("set xtics 10\nset format x '%.0f'"))
    }

    @Test func theCalibrationIdealIsDrawnFirstAndBold() {
        let chart = CalibrationChart.make(models: [(name: "a", points: [(0.1, 0.2), (0.5, 0.5), (0.9, 0.8)])], subtitle: "s")
        let plot = chart.script(for: .svgDocument).components(separatedBy: "plot ").last ?? ""
        #expect(plot.hasPrefix("x with lines dashtype 2 linewidth 2 linecolor rgb '#444444' title 'ideal'"), "\(plot)")
    }

    @Test func terminalChartsKeepTheLegendBelowAndNameTheYAxisInTheTitle() {
        let series = Series(id: "A", start: Timestamp.seconds(year: 2024, month: 1, day: 1), values: (0..<30).map { Double($0 % 7) })
        let panel = Panel(series: [series], frequency: .weekly, season: 52, hasTimestamps: true, targetName: "sales")
        let fan = FanChart(title: "A", panel: panel, history: series, actuals: [], forecast: nil)
        let text = fan.script(for: .terminal(style: "dumb", width: 80, height: 24))
        #expect(text.contains("set key outside below") && !text.contains("set ylabel") && text.contains("set xlabel 'week (y: sales)'"))
        let svg = fan.script(for: .svgDocument)
        #expect(svg.contains("set key top left") && svg.contains("set ylabel 'sales'"))
    }

    /// A series whose last point is missing: the fan starts from the last observed value at
    /// its own time, not at the missing point's.
    @Test func theFanStartsWhereTheLineEnds() {
        let series = Series(id: "A", values: [1, 2, 3, .nan])
        let panel = Panel(series: [series], frequency: .steps, season: 1, hasTimestamps: false)
        let forecast = ItemForecast(id: "A", firstTime: 4, point: [3, 3], levels: [0.1, 0.5, 0.9], quantiles: [[2, 2], [3, 3], [4, 4]])
        let text = FanChart(title: "A", panel: panel, history: series, actuals: [], forecast: forecast).script(for: .svgDocument)
        #expect(text.contains("median << EOD\n2 3.0\n4 3.0\n"), "\(text)")
    }
}
