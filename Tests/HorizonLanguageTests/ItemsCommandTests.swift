import HorizonCore
import Testing
@testable import HorizonLanguage

@Suite struct ItemsCommandTests {
    @Test func patternsMatchIgnoringCase() {
        #expect(ItemsCommand.matches("JACKET-01", "jacket"))
        #expect(ItemsCommand.matches("JACKET-01", "ket-0"))
        #expect(!ItemsCommand.matches("JACKET-01", "coat"))
        #expect(ItemsCommand.matches("JACKET-01", "jacket-0?"))
        #expect(!ItemsCommand.matches("JACKET-011", "jacket-0?"))
        #expect(ItemsCommand.matches("JACKET-01", "*-01") && !ItemsCommand.matches("JACKET-012", "*-01"))
        #expect(ItemsCommand.matches("a-b-c", "a*c") && ItemsCommand.matches("abc", "*") && ItemsCommand.matches("", "*"))
        #expect(!ItemsCommand.matches("ab", "a*c*"))
        // A pathological pattern stays fast: one backtrack point, no exponential search.
        #expect(!ItemsCommand.matches(String(repeating: "a", count: 5000), String(repeating: "*a", count: 200) + "b"))
    }

    @Test func listsMatchingItemsWithLengthAndLastValue() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(try demoFile())\nitems\nitems b\nitems ? n=2", source: "s")
        let tables = output.blocks.compactMap { block -> TextTable? in if case .table(let t) = block { return t } else { return nil } }
        #expect(tables.count == 3)
        #expect(tables[0].title == "3 of 3 items" && tables[0].rows.map { $0[0] } == ["A", "B", "C"])
        #expect(tables[0].rows[0][1] == "120" && tables[0].headers == ["item", "length", "last time", "last sales"])
        #expect(tables[1].title == "1 of 3 items matching 'b'" && tables[1].rows.map { $0[0] } == ["B"])
        #expect(tables[2].rows.count == 2 && tables[2].notes == ["1 more: n=3 lists them all"])
    }

    @Test func noMatchIsALocatedErrorAndNotReplayed() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())", source: "s")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("items zz", source: "s", firstLine: 2) }
        #expect(error?.description.hasPrefix("s:2:7: error: no item matches 'zz' (of 3)") == true)
        #expect(!(try Parser().parse("items", source: "s")[0].command.isReplayed))
        #expect(try Parser().parse("items", source: "s")[0].command.effects.isEmpty)
    }
}
