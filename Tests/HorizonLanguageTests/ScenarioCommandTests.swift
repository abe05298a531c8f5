import Foundation
import HorizonCore
import HorizonPlot
import Testing
@testable import HorizonLanguage

/// Price scenarios as an analyst uses them: the forecast beside the baseline, exported, and a
/// forgotten `%` caught.
@Suite struct ScenarioCommandTests {
    /// Two items × 104 weeks whose demand is 100·(p/10)^−2 exactly, the price moving between
    /// 8 and 12 without promotions: +elasticity learns −2 (the prior barely moves it), so a
    /// 20% cut multiplies the forecast by 0.8^−2 = 1.5625.
    static func pricedFile() throws -> String {
        var csv = "item,week,sales,price,category\n"
        for item in ["HEAD-01", "HEAD-02"] {
            for w in 0..<104 {
                let price = 10 + 2 * sin(Double(w) * 0.9 + Double(item.count))
                let date = Date(timeIntervalSince1970: 1_546_819_200 + Double(w) * 604_800)
                let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
                csv += "\(item),\(day),\(Int((100 * pow(price / 10, -2)).rounded())),\(String(format: "%.2f", price)),audio\n"
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("priced-\(UUID().uuidString).csv").path
        try csv.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    @Test func aScenarioIsShownBesideTheBaselineExportedAndCheckedForRange() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(try Self.pricedFile())\nset horizon 4\ntrain naive +elasticity", source: "<repl>")
        let summary = output.blocks.compactMap { if case .text(let t) = $0 { return t } else { return nil } }.joined(separator: "\n")
        #expect(summary.contains("  audio: -1.9") || summary.contains("  audio: -2.0"), "\(summary)")
        #expect(summary.contains("95%") && summary.contains("2 items with price changes"))

        try interpreter.execute("forecast naive+elasticity head-02 price=-20%", source: "<repl>")
        let table = try #require(output.blocks.compactMap { if case .table(let t) = $0 { return t } else { return nil } }.last)
        #expect(table.title?.hasPrefix("HEAD-02:") == true && table.title?.contains("price=-20%") == true)
        #expect(Array(table.headers.prefix(4)) == ["time", "baseline", "price=-20%", "change"])
        for row in table.rows {
            let baseline = try #require(Double(row[1])), scenario = try #require(Double(row[2]))
            #expect(abs(scenario / baseline - pow(0.8, -2)) < 0.08, "\(row)")
            #expect(row[3].hasPrefix("+5") || row[3].hasPrefix("+6"), "\(row)")
        }
        #expect(table.rows.last?.first == "total")

        // The export writes the scenario's numbers: every point 0.8^ε times the baseline's.
        let dir = FileManager.default.temporaryDirectory.path + "/scenario-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try interpreter.execute("export forecasts naive+elasticity to \(dir)/base.csv\nexport forecasts naive+elasticity price=-20% to \(dir)/cut.csv",
                                source: "<repl>")
        func points(_ name: String) throws -> [Double] {
            try String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8).split(separator: "\n").dropFirst()
                .map { Double($0.split(separator: ",")[3])! }
        }
        let base = try points("base.csv"), cut = try points("cut.csv")
        #expect(base.count == 8 && cut.count == 8)
        let ratio = cut[0] / base[0]
        #expect(zip(base, cut).allSatisfy { abs($1 / $0 - ratio) < 1e-9 } && abs(ratio - pow(0.8, -2)) < 0.08)
        guard case .text(let wrote)? = output.blocks.last else { Issue.record("no summary"); return }
        #expect(wrote.contains("with price=-20%"))

        // A forgotten % sets every price to −20: a warning gives the observed range.
        try interpreter.execute("forecast naive+elasticity price=-20", source: "<repl>")
        let warning = output.blocks.compactMap { if case .text(let t) = $0, t.hasPrefix("warning:") { return t } else { return nil } }.last
        #expect(warning?.contains("outside the observed price (8.0") == true, "\(warning ?? "no warning")")
        #expect(warning?.contains("price=-20%") == true)
    }

    /// A price far beyond the data drives the response past any number: refused at the
    /// scenario, not a table of inf, and the session goes on.
    @Test func aScenarioWhoseForecastIsNotFiniteIsRefused() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try Self.pricedFile())\nset horizon 2\ntrain naive +elasticity as e", source: "s")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("forecast e HEAD-01 price=1e-300", source: "s", firstLine: 4) }
        #expect(error?.description == "s:4:20: error: with price=1e-300, e's forecast of 'HEAD-01' is not a finite number: keep the values near the data's")
        try interpreter.execute("forecast e HEAD-01 price=-20%", source: "s")
        #expect(throws: HorizonError.self) { try interpreter.execute("export forecasts e price=1e-300 to /dev/null", source: "s") }
        #expect(throws: HorizonError.self) { try interpreter.execute("plot HEAD-02 future model=e price=1e-300 to /dev/null", source: "s") }
    }

    /// On weekly data too short for the test at lag 52, `train naive2` says that no series
    /// passed, and the evaluation table says what OWA is relative to.
    @Test func naive2SaysWhenNoSeriesPassedTheSeasonalityTest() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(try demoFile())\nset horizon 4\nholdout 4\ntrain naive2\nevaluate naive2", source: "<repl>")
        let texts = output.blocks.compactMap { if case .text(let t) = $0 { return t } else { return nil } }
        #expect(texts.contains { $0.contains("naive2: 0 of 3 series passed the seasonality test at lag 52") && $0.contains("naive2 is the naive forecast here") },
                "\(texts)")
        let table = try #require(output.blocks.compactMap { if case .table(let t) = $0 { return t } else { return nil } }.last)
        #expect(table.notes.contains { $0.hasPrefix("OWA is relative to naive2: 0 of 3 series passed") })
    }
}

/// `plot ITEM future`: the baseline's fan, the scenario's against it, the origin line, the last
/// N points of history, and the change in the title.
@Suite struct FutureChartTests {
    @Test func aFutureChartDrawsTheScenarioAgainstTheBaseline() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try ScenarioCommandTests.pricedFile())\nset horizon 4\ntrain naive +elasticity", source: "s")
        let chart = try #require(try Parser().parse("plot head-01 future price=-20% last=10", source: "s")[0].command as? PlotCommand)
        guard case .item(let request) = chart.form else { Issue.record("not an item chart"); return }
        #expect(request.future && request.last?.value == 10 && request.scenario.map(\.key.value) == ["price"])

        let svg = FileManager.default.temporaryDirectory.appendingPathComponent("future-\(UUID().uuidString).svg").path
        try interpreter.execute("plot head-01 future price=-20% last=10 to \(svg)", source: "s")
        let drawn = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(drawn.contains("HEAD-01 — naive+elasticity: price=-20% +5") && drawn.contains("% over 4 steps"))
        #expect(drawn.contains("price=-20% (median)") && drawn.contains("baseline (median)") && drawn.contains(">week<"))

        // The script itself: an origin line, exactly 10 points of history, both fans.
        let data = try #require(interpreter.session.data)
        let base = try interpreter.futureForecast(0, data: data).items[0]
        let fan = FanChart(title: "t", panel: data.panel, history: data.panel.series[0], actuals: [], forecast: base,
                           scenario: (base, "price=-20%"), lastPoints: 10)
        let script = fan.script(for: .svgDocument)
        #expect(script.contains("set arrow from '") && script.contains("nohead dashtype 3"))
        let history = script.components(separatedBy: "$history << EOD\n")[1].components(separatedBy: "EOD\n")[0]
        #expect(history.split(separator: "\n").count == 10)
        #expect(script.contains("$scenariomedian") && script.contains("$basemedian") && script.contains("set xlabel 'week'"))
    }

    /// A scenario belongs to the future chart; on the holdout chart it is refused where written.
    @Test func aScenarioOnTheHoldoutChartIsRefused() throws {
        let error = #expect(throws: HorizonError.self) { try Parser().parse("plot A price=-20%", source: "s") }
        #expect(error?.description.hasPrefix("s:1:8: error: 'plot ITEM' has no option 'price'") == true)
        #expect(error?.description.contains("a scenario needs 'plot ITEM future'") == true)
    }
}
