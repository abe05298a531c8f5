import Foundation
import HorizonCore
import Testing
@testable import HorizonLanguage

/// `evaluate`, `compare`, `compare cost` and `backtest` write their table as CSV with
/// `to PATH.csv`, besides showing it.
@Suite struct ResultsAsDataTests {
    static func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString)-\(name)").path
    }

    static func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func tablesAreWrittenAsCSV() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(try demoFile())\nset horizon 4\nholdout 4\ntrain naive\ntrain snaive as \"-seasonal\"", source: "s")

        let scores = Self.scratch("scores.csv")
        try interpreter.execute("evaluate sort=mase to \(scores)", source: "s")
        guard case .table(let shown)? = output.blocks.dropLast().last, case .text(let wrote)? = output.blocks.last else {
            Issue.record("no table then summary"); return
        }
        let csv = try Self.rows(scores)
        #expect(csv[0] == shown.headers && csv.count == shown.rows.count + 1)
        #expect(wrote == "wrote 2 rows to \(scores)")
        // Numbers as they are; a name that would start a spreadsheet formula is kept as text.
        let mase = try #require(csv[0].firstIndex(of: "MASE"))
        #expect(csv.dropFirst().allSatisfy { Double($0[mase]) != nil })
        #expect(csv.dropFirst().map { $0[0] }.sorted() == ["'-seasonal", "naive"])

        let cost = Self.scratch("cost.csv")
        try interpreter.execute("compare cost cu=4 co=1 to \(cost)", source: "s")
        #expect(try Self.rows(cost)[0].contains("cost"))
        let backtest = Self.scratch("backtest.csv")
        try interpreter.execute("backtest naive windows=2 to \(backtest)", source: "s")
        #expect(try Self.rows(backtest)[0].first == "window")

        // Writing the table is an effect of the line (the fuzz harness runs only lines without any).
        let line = try #require(try Parser().parse("evaluate to x.csv", source: "s").first)
        #expect(line.effects == .files && line.command.effects.isEmpty)

        // Only CSV, and only at the end of the line; nothing runs when refused.
        let notCSV = #expect(throws: HorizonError.self) { try interpreter.execute("evaluate to scores.txt", source: "s", firstLine: 9) }
        #expect(notCSV?.description == "s:9:13: error: tables are written as CSV: name the file PATH.csv")
        let middle = #expect(throws: HorizonError.self) { try interpreter.execute("evaluate to x.csv naive", source: "s", firstLine: 10) }
        #expect(middle?.message.hasPrefix("'to' ends the line with a file name") == true)
    }

    /// A new `load` drops the models trained on the earlier data, and says which.
    @Test func aLoadThatDropsModelsSaysSo() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        let path = try demoFile()
        try interpreter.execute("load \(path)\nset horizon 4\ntrain naive\ntrain snaive", source: "s")
        try interpreter.execute("load \(path)", source: "s")
        guard case .text(let loaded)? = output.blocks.last else { Issue.record("no summary"); return }
        #expect(loaded.contains("dropped the 2 models trained on the earlier data (naive, snaive)"))
        try interpreter.execute("load \(path)", source: "s")
        guard case .text(let again)? = output.blocks.last else { Issue.record("no summary"); return }
        #expect(!again.contains("dropped"))
    }
}
