import Foundation
import HorizonCore
import Testing
@testable import HorizonData

/// Files found, in a review of the loader, to crash it, fill memory or be misread: each now
/// loads as written or fails with an error naming where (`HostileDataTests`' helpers).
extension HostileDataTests {
    @Test func aTestFileFarAfterTheTrainingDataIsRefusedNotAllocated() throws {
        let test = try temporaryFile("item,t,sales\nA,9007199254740000,5\nA,9007199254740001,6\n", name: "test.csv")
        var options = LoadOptions()
        options.testPath = test
        let (_, message) = try loadError("item,t,sales\nA,1,1\nA,2,2\nA,3,3\nA,4,4\n", options)
        #expect(message == "test file '\(test)': series 'A' starts 9007199254739995 steps (integer steps) after its training data ends; is a time wrong, or is this the test file of other data?")
    }

    @Test func farApartRowsOverManyColumnsOrItemsAreRefusedNotAllocated() throws {
        // Each series alone stays under its limit (100,000 steps); together they would take 30 million cells.
        let columns = (0..<300).map { "c\($0)" }
        let wide = "t," + columns.joined(separator: ",") + "\n0," + columns.map { _ in "1" }.joined(separator: ",")
            + "\n99999," + columns.map { _ in "2" }.joined(separator: ",") + "\n"
        let (path, message) = try loadError(wide)
        #expect(message?.hasPrefix("'\(path)': its series would take 30000000 cells (240 MB)") == true)
        let long = "item,t,sales\n" + (0..<300).map { "I\($0),0,1\nI\($0),99999,2\n" }.joined()
        let (longPath, longMessage) = try loadError(long)
        #expect(longMessage?.hasPrefix("'\(longPath)': its series would take") == true)
        // Fewer far-apart series fit: 50 × 100,000 cells.
        #expect(try load("item,t,sales\n" + (0..<50).map { "I\($0),0,1\nI\($0),99999,2\n" }.joined()).panel.count == 50)
    }

    @Test func theDelimiterIsSniffedFromTheWholeHeaderLine() throws {
        // A long first column name once left the sniffer six bytes, none of them a semicolon.
        for text in ["product;week;sales\nA;2019-01-07;1,5\nA;2019-01-14;2\n",
                     "\u{FEFF}item;week;sales\nA;2019-01-07;1,5\nA;2019-01-14;2\n",
                     "product\tweek\tsales\nA\t2019-01-07\t1.5\nA\t2019-01-14\t2\n"] {
            #expect(try load(text).panel["A"]?.values == [1.5, 2])
        }
    }

    @Test func itemColumnsWhoseJoinedIdsMeetAreRefused() throws {
        var options = LoadOptions()
        options.itemColumns = ["store", "brand"]
        let text = "store,brand,week,sales\na/b,c,2019-01-07,1\na,b/c,2019-01-14,2\nx,y,2019-01-07,3\n"
        let (path, message) = try loadError(text, options)
        #expect(message == "\(path), rows 2 and 3: items (a/b, c) and (a, b/c) would both be 'a/b/c': the item columns join with '/', which one of their values holds")
        // In a batch job the meeting id fails alone.
        options.isolatesSeries = true
        let batch = try load(text, options)
        #expect(batch.panel.ids == ["x/y"] && batch.failures.map(\.item) == ["a/b/c"])
        #expect(try load("store,brand,week,sales\na,c,2019-01-07,1\na,b,2019-01-07,2\na,c,2019-01-14,3\n", options).panel.ids == ["a/c", "a/b"])
    }

    @Test func repeatedColumnNamesGetSuffixesNoOtherColumnHas() throws {
        let data = try load("item,week,sales,price,price,price_2\nA,2019-01-07,1,10,20,30\nA,2019-01-14,2,11,21,31\n")
        #expect(data.panel.dynamicNames == ["price", "price_3", "price_2"])
        #expect(data.panel["A"]?.dynamic["price_3"] == [20, 21])
        #expect(data.panel["A"]?.dynamic["price_2"] == [30, 31])
        #expect(PanelLoader.uniqueHeader(["", "column1", "a", "a", "a_2"]) == ["column1_2", "column1", "a", "a_3", "a_2"])
    }

    @Test func oneColumnCannotTakeTwoRoles() throws {
        var options = LoadOptions()
        options.timeColumn = "sales"
        options.targetColumn = "sales"
        let (path, message) = try loadError("item,t,sales\nA,1,5\nA,2,7\n", options)
        #expect(message == "column 'sales' of '\(path)' cannot be the target: it is the time column")
        options = LoadOptions()
        options.itemColumns = ["t"]
        options.timeColumn = "t"
        let (other, otherMessage) = try loadError("item,t,sales\nA,1,5\nA,2,7\n", options)
        #expect(otherMessage == "column 't' of '\(other)' is named twice among the item and time columns: each role takes its own column")
    }

    @Test func aLineBreakInAnIdOrAColumnNameIsLocated() throws {
        // Printed in a message, it would start a line of its own ("error: …" forged by the data).
        let (path, message) = try loadError("item,week,sales\n\"A\nerror: fake\",2019-01-07,1\n")
        #expect(message == "\(path), row 2, column 1 ('item'): the item id holds a line break")
        let (rows, rowsMessage) = try loadError("id,V1,V2\n\"Y\n1\",1,2\n")
        #expect(rowsMessage == "\(rows), row 2, column 1 ('id'): the series id holds a line break")
        let (header, headerMessage) = try loadError("item,week,\"sales\nx\"\nA,2019-01-07,1\n")
        #expect(headerMessage == "\(header), line 1, column 3: the column name 'sales\\nx' holds a line break")
    }

    /// A first column named as time whose dates this reader cannot read (US order, ISO weeks)
    /// is a located date error, not the competition layout with each date as a series.
    @Test func unreadableDatesInAFirstTimeColumnAreLocatedNotRows() throws {
        for (csv, cell, column) in [("date,A,B\n01/02/2024,1,5\n01/03/2024,2,6\n01/04/2024,3,7\n", "01/02/2024", "date"),
                                    ("week,sales,price\n2024-W01,10,1.5\n2024-W02,11,1.5\n2024-W03,12,1.4\n", "2024-W01", "week")] {
            let (path, message) = try loadError(csv)
            #expect(message == "\(path), row 2, column 1 ('\(column)'): cannot read '\(cell)' as a date or time " + RecordStream.dateForms)
        }
    }

    @Test func timesThatWouldBeAlteredAreLocatedAtTheirRow() throws {
        for (cell, shown) in [("2019-01-07 00:00:00.25", "2019-01-07 00:00:00.25"), ("2019-01-07 23:59:60", "2019-01-07 23:59:60"),
                              ("2019-01-07T00:00:00+05:00", "2019-01-07T00:00:00+05:00")] {
            let (path, message) = try loadError("item,time,sales\nA,\(cell),1\nA,2019-01-08,2\n")
            #expect(message == "\(path), row 2, column 2 ('time'): cannot read '\(shown)' as a date or time " + RecordStream.dateForms)
        }
        #expect(try load("item,time,sales\nA,2019-01-07 00:00:00.000,1\nA,2019-01-08 00:00:00,2\n").panel["A"]?.values == [1, 2])
        // A bad step among integers is named at its own row, not read as a date at the first.
        let (steps, stepsMessage) = try loadError("item,step,y\nA,1,1\nA,2,2\nA,x,3\nA,4,4\n")
        #expect(stepsMessage == "\(steps), row 4, column 2 ('step'): cannot read 'x' as an integer time step")
        // A bad date among good ones is named at its own row, not read as an integer step at the first.
        var options = LoadOptions()
        options.timeColumn = "week"
        let (path, message) = try loadError("item,week,sales\nA,2020-01-06,1\nA,2020-13-45,2\n", options)
        #expect(message == "\(path), row 3, column 2 ('week'): cannot read '2020-13-45' as a date or time " + RecordStream.dateForms)
    }

    @Test func aMonthlyRowOnAnotherDayIsPlacedInItsMonthWithANote() throws {
        let data = try load("item,month,sales\nA,2019-01-01,1\nA,2019-02-01,2\nA,2019-03-01,3\nA,2019-04-23,4\nA,2019-05-01,5\n")
        #expect(data.panel["A"]?.values == [1, 2, 3, 4, 5])
        #expect(data.report.last == "note: 1 row is not on the day of the month of its series' first row (first: row 5, 2019-04-23 of item 'A'); each is placed in its period")
        // Month-end data keeps to its grid, from a 31st or a 28th alike.
        for start in ["2019-01-31", "2019-02-28"] {
            let ends = ["2019-01-31", "2019-02-28", "2019-03-31", "2019-04-30", "2019-05-31"].drop(while: { $0 < start })
            let month = try load("item,month,sales\n" + ends.map { "A,\($0),1\n" }.joined())
            #expect(!month.report.contains { $0.hasPrefix("note:") })
        }
    }

    @Test func aColumnEmptyInTheSampledRowsIsReadWithTheRest() throws {
        // The first 2,000 rows are sampled to tell the layout; a promotion recorded only after them is still a covariate.
        var text = "item,day,sales,promo,event\n"
        for d in 0..<2100 {
            let day = Timestamp.format(Timestamp.seconds(year: 2015, month: 1, day: 1) + Int64(d) * 86_400)
            text += "A,\(day),\(d % 7),\(d >= 2000 ? "1" : ""),\(d == 2050 ? "sale" : "")\n"
        }
        text += "B,2015-01-01,1,,\n"
        let data = try load(text)
        #expect(data.panel.dynamicNames == ["promo"])
        #expect(data.panel["A"]?.dynamic["promo"]?.suffix(100).allSatisfy { $0 == 1 } == true)
        #expect(data.panel["A"]?.dynamic["promo"]?.prefix(2000).allSatisfy(\.isNaN) == true)
        #expect(data.panel.categoricalNames == ["event"])
        let empty = try load("item,week,sales,note\nA,2019-01-07,1,\nA,2019-01-14,2,\n")
        #expect(empty.report.contains("ignored: note (empty)"))
        // One bad cell among numbers is named at its row, as in a sampled column.
        let bad = text.replacingOccurrences(of: "A,2020-06-25,0,1,", with: "A,2020-06-25,0,five,")
        #expect(bad != text)
        let (path, message) = try loadError(bad)
        #expect(message == "\(path), row 2004, column 4 ('promo'): cannot read 'five' as a number")
        // Beside a sampled numeric column, each keeps its own values.
        let both = try load(text.replacingOccurrences(of: "item,day,sales,promo,event", with: "item,day,sales,promo,event,price")
            .split(separator: "\n").enumerated().map { $0.offset == 0 ? String($0.element) : $0.element + ",9" }.joined(separator: "\n") + "\n")
        #expect(both.panel.dynamicNames == ["price", "promo"])
        #expect(both.panel["A"]?.dynamic["price"]?.allSatisfy { $0 == 9 } == true)
        #expect(both.panel["A"]?.dynamic["promo"]?.suffix(100).allSatisfy { $0 == 1 } == true)
    }

    @Test func linesEndingInACarriageReturnAloneAreLines() throws {
        #expect(try load("item,week,sales\rA,2019-01-07,1\rA,2019-01-14,2\r").panel["A"]?.values == [1, 2])
    }

    /// Spaces around ids are trimmed, so ` x` and `x` are one item: said, not done silently;
    /// a file that pads every id alike (`x, 1, 5`) has nothing to say.
    @Test func idsWrittenWithAndWithoutSpacesAreSaidToBeOne() throws {
        let data = try load("item,week,sales\nx,2019-01-07,5\n\" x\",2019-01-14,6\nx,2019-01-21,7\ny,2019-01-07,1\n y ,2019-01-14,1\n")
        #expect(data.panel["x"]?.values == [5, 6, 7])
        #expect(data.report.contains("note: 2 item ids are written both with and without spaces around them (first: 'x', rows 2 and 3); the spaces are trimmed, so each is one item"),
                "\(data.report)")
        let even = try load("item, week, sales\nx, 2019-01-07, 5\nx, 2019-01-14, 6\n")
        #expect(!even.report.contains { $0.hasPrefix("note: ") })
    }

    /// Days summed into weeks: a week of 4 days at the end, and one with 3 days missing, add up
    /// a thin sum, which a note counts; whole weeks do not.
    @Test func thinSumsAreCounted() throws {
        var csv = "item,day,sales\n"
        for d in 0..<25 where !(8...10).contains(d) {  // from Monday 2019-01-07: 3 whole weeks and 4 days; days 8–10 missing
            csv += "a,2019-01-\(String(format: "%02d", 7 + d)),1\n"
        }
        var options = LoadOptions(frequency: .weekly)
        options.aggregation = .sum
        let data = try load(csv, options)
        #expect(data.panel["a"]?.values == [7, 4, 7, 4])
        #expect(data.report.contains { $0.hasPrefix("note: 2 of those points add up under 80% of the observed rows their series usually adds (first: 'a', 4 rows against 7)") },
                "\(data.report)")
        // A series with nothing observed has no usual count: dropped and named, no crash.
        let empty = try load(csv + "b,2019-01-07,\nb,2019-01-08,\n", options)
        #expect(empty.panel.count == 1 && empty.report.contains { $0.contains("dropped 1 series with no observed values") })
    }

    @Test func idsSpelledWithDifferentUnicodeCharactersAreRefused() throws {
        let text = "item,week,sales\ncaf\u{E9},2019-01-07,1\ncafe\u{301},2019-01-14,2\nok,2019-01-07,3\n"
        let (path, message) = try loadError(text)
        #expect(message == "\(path), rows 2 and 3: item ids 'caf\u{E9}' (U+0063 U+0061 U+0066 U+00E9) and 'cafe\u{301}' (U+0063 U+0061 U+0066 U+0065 U+0301) "
                + "are the same text in different Unicode characters; write them alike")
        // A batch job keeps each spelling as a series of its own: its output joins back to its rows.
        var exact = LoadOptions()
        exact.isolatesSeries = true
        let data = try load(text, exact)
        #expect(data.panel.ids.map { Array($0.utf8) } == ["caf\u{E9}", "cafe\u{301}", "ok"].map { Array($0.utf8) })
        #expect(data.failures.isEmpty)
    }

    @Test func yearsBeforeOneThousandAreWrittenAsTheyAreRead() throws {
        let time = Timestamp.seconds(year: 999, month: 1, day: 28)
        #expect(Timestamp.format(time) == "0999-01-28")
        #expect(Timestamp.parse(Timestamp.format(time))?.seconds == time)
        #expect(Timestamp.format(Timestamp.seconds(year: 2019, month: 1, day: 7)) == "2019-01-07")
    }
}
