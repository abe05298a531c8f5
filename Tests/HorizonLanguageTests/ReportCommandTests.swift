import Foundation
import HorizonCore
import Testing
@testable import HorizonLanguage

/// `report MODEL ITEM`: a local model's chosen form for the item, an add-on's estimate for its
/// group, a global model's summary; then the item's scores and forecast.
@Suite struct ReportCommandTests {
    func text(_ output: OutputBuffer) -> String {
        guard case .text(let t)? = output.blocks.last else { return "" }
        return t
    }

    @Test func reportsSayWhatTheModelIsForTheItem() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(try demoFile())\nset horizon 4\nholdout 4\ntrain ets\ntrain arima\ntrain naive +seasonality\ntrain mean", source: "s")

        try interpreter.execute("report ets a", source: "s")
        let ets = text(output)
        #expect(ets.hasPrefix("A — ets\n  ETS(") && ets.contains("chosen by AICc") && ets.contains("smoothing: α "), "\(ets)")
        #expect(ets.contains("  holdout (4 steps): mean wQL ") && ets.contains("  next 4 steps (median): "), "\(ets)")

        try interpreter.execute("report arima A", source: "s")
        #expect(text(output).contains("ARIMA(") && text(output).contains("innovation sd"), "\(text(output))")

        try interpreter.execute("report naive+seasonality C", source: "s")
        #expect(text(output).contains("+seasonality: peak ×") && text(output).contains("(the profile of toys, "), "\(text(output))")

        // A local model with nothing to show of its fit says so, not that it is one model for every item.
        try interpreter.execute("report C", source: "s")
        #expect(text(output).hasPrefix("C — mean\n  fitted to each item's own history (the method has no form or parameters to show)\n  holdout"), "\(text(output))")

        let missing = #expect(throws: HorizonError.self) { try interpreter.execute("report ets NOPE", source: "s", firstLine: 9) }
        #expect(missing?.description.hasPrefix("s:9:12: error: no series 'NOPE'") == true)
        let unknown = #expect(throws: HorizonError.self) { try interpreter.execute("report etz A", source: "s", firstLine: 10) }
        #expect(unknown?.location?.column == 8)
    }

    /// A combination's report sets its members beside it on the item: each one's weight, its
    /// holdout scores and median, then the combination's. They are the forecasts the
    /// combination combined, made on the whole panel: its row agrees with the holdout line
    /// above it, and a member's with that model trained alone (the seasonal naive's quantiles
    /// come from errors pooled over every series, so forecasting the item alone would differ).
    @Test func aCombinationsReportShowsEachMemberBesideIt() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(try demoFile())\nset horizon 4\nholdout 4\ntrain combo members=ets,snaive,qrf method=weighted", source: "s")
        try interpreter.execute("report combo A", source: "s")
        guard case .table(let table)? = output.blocks.last, case .text(let summary)? = output.blocks.dropLast().last else {
            Issue.record("a combination's report ends with its members' table: \(output.blocks)")
            return
        }
        #expect(table.title == "A: the members of combo")
        #expect(table.headers == ["model", "weight", "holdout wQL", "MASE", "p10–p90 covered", "next 4 steps (median)"])
        #expect(table.rows.map { $0[0] } == ["ets", "snaive", "qrf", "combo"])
        let weights = table.rows.dropLast().map { Double($0[1]) ?? .nan }
        #expect(abs(weights.reduce(0, +) - 1) < 0.02 && Set(weights).count > 1, "weighted members' weights: \(weights)")
        let combo = table.rows[3]
        #expect(summary.contains("  holdout (4 steps): mean wQL \(combo[2]), MASE \(combo[3]), p10–p90 covered \(combo[4])"), "\(summary)\n\(table.rendered())")
        #expect(summary.contains("  next 4 steps (median): \(combo[5])"), "\(summary)\n\(table.rendered())")
        // Each member's row is its own forecast, not the combination's.
        #expect(Set(table.rows.map { $0[2] }).count == 4, "\(table.rendered())")
        try interpreter.execute("train snaive\nreport snaive A", source: "s")
        let snaive = table.rows[1]
        #expect(text(output).contains("  holdout (4 steps): mean wQL \(snaive[2]), MASE \(snaive[3]), p10–p90 covered \(snaive[4])"), "\(text(output))\n\(table.rendered())")
        #expect(text(output).contains("  next 4 steps (median): \(snaive[5])"), "\(text(output))\n\(table.rendered())")

        // Without a holdout there is nothing to score: the table keeps the weights and medians.
        try interpreter.execute("holdout 0\ntrain combo members=ets,snaive as whole\nreport whole A", source: "s")
        guard case .table(let unscored)? = output.blocks.last, case .text(let line)? = output.blocks.dropLast().last else {
            Issue.record("no members' table without a holdout")
            return
        }
        #expect(unscored.headers == ["model", "weight", "next 4 steps (median)"])
        #expect(line.contains("  no holdout to score it on ('holdout N' sets one)") && !line.contains("wQL"), "\(line)")

        // A median weighs none of its members.
        try interpreter.execute("holdout 4\ntrain combo members=ets,snaive,naive method=median as med\nreport med A", source: "s")
        guard case .table(let median)? = output.blocks.last else { Issue.record("no members' table"); return }
        #expect(median.rows.map { $0[1] } == ["–", "–", "–", ""])
    }
}
