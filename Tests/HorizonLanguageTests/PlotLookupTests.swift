import Foundation
import HorizonCore
import HorizonData
import Testing
@testable import HorizonLanguage

/// `plot ITEM` for an item that exists but has nothing before the holdout says so, rather than
/// that there is no such series.
@Test func plottingAnItemWithNoHistoryBeforeTheHoldoutSaysSo() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-plot-\(UUID().uuidString).csv").path
    var csv = "item,week,sales\n"
    for w in 0..<20 { csv += "A,\(Timestamp.format(Timestamp.seconds(year: 2024, month: 1, day: 1) + Int64(w) * 604_800)),\(10 + w % 3)\n" }
    for w in 17..<20 { csv += "NEW,\(Timestamp.format(Timestamp.seconds(year: 2024, month: 1, day: 1) + Int64(w) * 604_800)),5\n" }
    try csv.write(toFile: path, atomically: false, encoding: .utf8)
    let interpreter = Interpreter(output: OutputBuffer())
    try interpreter.execute("load \(path)\nset horizon 4\ntrain snaive", source: "s")
    let error = #expect(throws: HorizonError.self) { try interpreter.execute("plot new", source: "s", firstLine: 4) }
    #expect(error?.description == "s:4:6: error: 'NEW' has no history before the holdout (all 3 of its points are held out), "
            + "so no model was fitted on it; 'show NEW' lists its points")
    let missing = #expect(throws: HorizonError.self) { try interpreter.execute("plot NOPE", source: "s", firstLine: 5) }
    #expect(missing?.message == "no series 'NOPE' in the data")
}
