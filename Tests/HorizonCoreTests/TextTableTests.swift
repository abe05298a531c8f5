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
}
