import Testing
@testable import HorizonCore

@Suite struct TextTableTests {
    @Test func numbersAlignRightAndTextLeft() {
        var table = TextTable(headers: ["model", "what it is", "MASE", "fit time"])
        table.append(["snaive", "seasonal naive", "1.193", "0.42 s"])
        table.append(["naive2", "M4's reference", "–", "1:23"])
        #expect(table.resolvedAlignments == [.left, .left, .right, .right])
        let lines = table.rendered().split(separator: "\n").map(String.init)
        #expect(lines[0] == "model   what it is       MASE  fit time")
        #expect(lines[2] == "snaive  seasonal naive  1.193    0.42 s")
        #expect(lines[3] == "naive2  M4's reference      –      1:23")
    }

    @Test func givenAlignmentsWin() {
        let table = TextTable(headers: ["a", "b"], alignments: [.right, .left], rows: [["x", "1"]])
        #expect(table.resolvedAlignments == [.right, .left])
    }

    static let scores = TextTable(headers: ["model", "wQL[p10]", "mean wQL", "cov[p10–p90]", "MASE", "OWA"],
                                  rows: [["ets", "0.0942", "0.1614", "0.721", "1.017", "0.637"], ["qrf", "0.0900", "0.1429", "0.800", "0.990", "0.600"]])

    /// On a narrow terminal the trailing columns are left out, never the labels, and a note
    /// names them; a wide one shows the table as it is.
    @Test func aTableFitsTheTerminalByLeavingOutTrailingColumns() {
        let narrow = Self.scores.fitted(toWidth: 30)
        #expect(narrow.headers == ["model", "wQL[p10]", "mean wQL"])
        let lines = narrow.rendered().split(separator: "\n").map(String.init)
        #expect(lines.dropLast(narrow.notes.count).allSatisfy { $0.count <= 30 })
        #expect(narrow.notes.last == "3 more columns than the terminal is wide: cov[p10–p90], MASE, OWA ('columns=' chooses columns; 'to PATH.csv' writes them all)")
        #expect(Self.scores.fitted(toWidth: 200) == Self.scores)
        // However narrow, the labels and one column stay.
        #expect(Self.scores.fitted(toWidth: 5).headers == ["model", "wQL[p10]"])
    }

    @Test func columnsAreChosenByNameOrAlias() throws {
        let chosen = try Self.scores.selectingColumns(["owa", "P10", "cov"], aliases: ["owa": ["OWA"], "p10": ["wQL[p10]"], "cov": ["cov[p10–p90]"]])
        #expect(chosen.headers == ["model", "OWA", "wQL[p10]", "cov[p10–p90]"])
        #expect(chosen.rows[1] == ["qrf", "0.600", "0.0900", "0.800"])
        #expect(try Self.scores.selectingColumns(["mase"]).headers == ["model", "MASE"])
        let unknown = #expect(throws: HorizonError.self) { try Self.scores.selectingColumns(["masse"]) }
        #expect(unknown?.suggestion == "did you mean 'MASE'?")
    }
}
