import Foundation
import HorizonData
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

/// One item described; ids completed and suggested ignoring case and by their start.
@Suite struct ItemLookupTests {
    @Test func describeItemShowsItsProfile() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ndescribe c", source: "s")
        guard case .table(let table)? = output.blocks.last else { Issue.record("no table"); return }
        #expect(table.title == "C")
        let properties = Dictionary(uniqueKeysWithValues: table.rows.map { ($0[0], $0[1]) })
        #expect(properties["category"] == "toys")
        #expect(properties["length"]?.hasPrefix("120 points, 2019-01-07 – ") == true)
        #expect(properties["price"] == "9.99…9.99, last 9.99 (1 distinct)")
        #expect(properties["season 52"] == "not tested: the seasonality test needs 3 seasons (156 points), this has 120 (naive2 is naive here)")
        #expect(properties["holdout"] == "last 4 points")
    }

    /// The seasonality line says why the test could not look, rather than that it found nothing.
    @Test func theSeasonalityLineSaysWhenTheTestCannotLook() {
        let wave = (0..<200).map { 10 + 5 * sin(2 * Double.pi * Double($0) / 4) }
        #expect(Interpreter.seasonalityVerdict(wave, season: 4) == "the seasonality test finds it")
        #expect(Interpreter.seasonalityVerdict([Double.nan] + wave, season: 1) == "no season to test")
        #expect(Interpreter.seasonalityVerdict(Array(wave.prefix(11)), season: 4).hasPrefix("not tested: the seasonality test needs 3 seasons (12 points), this has 11"))
        #expect(Interpreter.seasonalityVerdict(wave, season: 52).hasPrefix("not tested: the seasonality test looks at lags up to ⌊10·log10 n⌋ = 23, below the season"))
        var rng = SeededGenerator(seed: 5)
        #expect(Interpreter.seasonalityVerdict((0..<200).map { _ in 10 + rng.normal() }, season: 4) == "the seasonality test does not find it (naive2 is naive here)")
    }

    /// Averaged values that differ only in their last bits are one value.
    @Test func distinctValuesAreCountedAsTheDataHasThem() {
        #expect(Interpreter.distinctCount([9.99, (9.99 + 9.99 + 9.99) / 3, 0.1 + 0.2, 0.3, 1]) == 3)
    }

    @Test func idsAreCompletedAndSuggestedByTheirStart() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ids-\(UUID().uuidString).csv").path
        var csv = "item,week,sales\n"
        for id in ["JACKET-01", "JACKET-02", "GLOVES-01"] {
            for w in 0..<10 { csv += "\(id),\(Timestamp.format(Timestamp.seconds(year: 2024, month: 1, day: 1) + Int64(w) * 604_800)),\(w)\n" }
        }
        try csv.write(toFile: path, atomically: false, encoding: .utf8)
        try interpreter.execute("load \(path)", source: "s")
        #expect(Completer(session: interpreter.session).complete(prefix: "jack", before: "plot ") == ["JACKET-01", "JACKET-02"])
        #expect(Completer(session: interpreter.session).complete(prefix: "glo", before: "describe ") == ["GLOVES-01"])
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("show jack", source: "s") }
        #expect(error?.suggestion == "items starting with 'jack': JACKET-01, JACKET-02")
    }
}
