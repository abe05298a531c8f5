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

        // A model with nothing of its own per item says it is one model for every item.
        try interpreter.execute("report C", source: "s")
        #expect(text(output).hasPrefix("C — mean\n  one model for every item:") || text(output).hasPrefix("C — mean\n  holdout"), "\(text(output))")

        let missing = #expect(throws: HorizonError.self) { try interpreter.execute("report ets NOPE", source: "s", firstLine: 9) }
        #expect(missing?.description.hasPrefix("s:9:12: error: no series 'NOPE'") == true)
        let unknown = #expect(throws: HorizonError.self) { try interpreter.execute("report etz A", source: "s", firstLine: 10) }
        #expect(unknown?.location?.column == 8)
    }
}
