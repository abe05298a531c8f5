import Foundation
import HorizonCore
import Testing
@testable import HorizonData

/// Whatever analysts' systems export: each hostile file either loads with a documented
/// handling (README, "Hostile data") or fails with an error that names the file, the row and,
/// for a cell, the column.
@Suite struct HostileDataTests {
    func load(_ text: String, name: String = "data.csv", _ options: LoadOptions = LoadOptions()) throws -> LoadedData {
        try PanelLoader.load(path: try temporaryFile(text, name: name), options: options, showProgress: false)
    }

    func loadError(_ text: String, name: String = "data.csv", _ options: LoadOptions = LoadOptions()) throws -> (path: String, message: String?) {
        let path = try temporaryFile(text, name: name)
        let error = #expect(throws: HorizonError.self) { try PanelLoader.load(path: path, options: options, showProgress: false) }
        return (path, error?.message)
    }

    @Test func emptyFileIsRefusedByName() throws {
        let (path, message) = try loadError("")
        #expect(message == "'\(path)' is empty: no header, no data")
        let (blank, blankMessage) = try loadError("\n\n\r\n")
        #expect(blankMessage == "'\(blank)' is empty: no header, no data")
    }

    @Test func headerOnlyIsRefusedByName() throws {
        let (path, message) = try loadError("item,week,sales\r\n")
        #expect(message == "'\(path)' has a header but no data rows")
    }

    @Test func byteOrderMarkIsNotPartOfTheFirstColumnName() throws {
        let data = try load("\u{FEFF}item,week,sales\nA,2020-01-06,1\nA,2020-01-13,2\n")
        #expect(data.report.contains("item: item"))
        #expect(data.panel["A"]?.values == [1, 2])
    }

    @Test func crlfLineEndsLeaveNoCarriageReturnInValuesOrNames() throws {
        let data = try load("item,week,sales\r\nA,2020-01-06,1\r\nA,2020-01-13,\r\nB,2020-01-06,3\r\n")
        #expect(data.panel.targetName == "sales")
        #expect(data.panel.ids == ["A", "B"])
        #expect(data.panel["A"]!.values[1].isNaN)
    }

    @Test func quotedFieldsWithCommasAndNewlinesKeepTheirTextAndRowNumbers() throws {
        let text = "store,week,sales,note\n\"Shop, North\",2020-01-06,1,\"two\nlines\"\n\"Shop, North\",2020-01-13,x,\n"
        let (path, message) = try loadError(text)
        // The quoted newline makes the bad record start on physical line 4.
        #expect(message == "\(path), row 4, column 3 ('sales'): cannot read 'x' as a number")
        let data = try load(text.replacingOccurrences(of: ",x,", with: ",2,"))
        #expect(data.panel.ids == ["Shop, North"])
        #expect(data.panel["Shop, North"]?.values == [1, 2])
    }

    /// Spreadsheets where the comma is the decimal mark write semicolon-separated files.
    @Test func semicolonFilesMayUseADecimalComma() throws {
        let data = try load("item;week;sales;price\nA;2020-01-06;1,5;2,99\nA;2020-01-13;2;-0,5e1\n")
        #expect(data.panel["A"]?.values == [1.5, 2])
        #expect(data.panel["A"]?.dynamic["price"] == [2.99, -5])
        // A point still reads in a semicolon file, and so do long mantissas (strtod's path).
        let mixed = try load("item;week;sales\nA;2020-01-06;1.5\nA;2020-01-13;0,123456789012345678901234\n")
        #expect(mixed.panel["A"]?.values == [1.5, 0.123456789012345678901234])
        let hint = " (in this file the comma is the decimal mark, so a dot may be a thousands separator: write 1234 or 1,234)"
        let (path, message) = try loadError("item;week;sales\nA;2020-01-06;1.234,5\n")
        #expect(message == "\(path), row 2, column 3 ('sales'): cannot read '1.234,5' as a number" + hint)
        // A dot with three digits after it could be either: refused, not read as 1.234 (1000× too small).
        let (thousands, thousandsMessage) = try loadError("item;week;sales;price\nA;2024-01-01;1.234;1,5\nA;2024-01-08;980;1,6\n")
        #expect(thousandsMessage == "\(thousands), row 2, column 3 ('sales'): cannot read '1.234' as a number" + hint)
        #expect(try load("item;week;sales\nA;2020-01-06;12.5\nA;2020-01-13;n.a.\nA;2020-01-20;#N/A\n").panel["A"]?.values.map { $0.isNaN ? -1 : $0 } == [12.5, -1, -1])
        let (twice, twiceMessage) = try loadError("item;week;sales\nA;2020-01-06;1,234,5\n")
        #expect(twiceMessage == "\(twice), row 2, column 3 ('sales'): cannot read '1,234,5' as a number")
        // In a comma-separated file a quoted "1,5" is text, as before.
        let (comma, commaMessage) = try loadError("item,week,sales\nA,2020-01-06,\"1,5\"\n", LoadOptions(targetColumn: "sales"))
        #expect(commaMessage == "\(comma), row 2, column 3 ('sales'): cannot read '1,5' as a number")
    }

    @Test func tooManyAndTooFewColumnsAreLocated() throws {
        let (path, message) = try loadError("item,week,sales\nA,2020-01-06,1\nA,2020-01-13,2,9\n")
        #expect(message == "\(path), row 3: expected 3 columns as in the header, found 4")
        let (short, shortMessage) = try loadError("date,north,south\n2021-01-01,1,5\n2021-01-02,2\n")
        #expect(shortMessage == "\(short), row 3: expected 3 columns as in the header, found 2")
    }

    @Test func competitionRowsMayBeShortButNotLong() throws {
        let data = try load("V1,V2,V3,V4\nH1,1,2,3\nH2,4\n", LoadOptions(format: .rows))
        #expect(data.panel["H2"]?.values == [4])
        let (path, message) = try loadError("V1,V2,V3\nH1,1,2\nH2,4,5,6\n", LoadOptions(format: .rows))
        #expect(message == "\(path), row 3: expected 3 columns as in the header, found 4")
    }

    @Test func nonNumericTargetIsLocatedInEveryLayout() throws {
        let (long, longMessage) = try loadError("item,week,sales\nA,2020-01-06,1\nA,2020-01-13,n/a!\n")
        #expect(longMessage == "\(long), row 3, column 3 ('sales'): cannot read 'n/a!' as a number")
        // Undeclared, a text column in a wide file reads as an item column of long data.
        let (wide, wideMessage) = try loadError("date,north,south\n2021-01-01,1,5\n2021-01-02,2,five\n", LoadOptions(format: .wide))
        #expect(wideMessage == "\(wide), row 3, column 3 ('south'): cannot read 'five' as a number")
        let (rows, rowsMessage) = try loadError("V1,V2,V3\nH1,1,2\nH2,4,1.2.3\n", LoadOptions(format: .rows))
        #expect(rowsMessage == "\(rows), row 3, column 3 ('V3'): cannot read '1.2.3' as a number")
    }

    @Test func missingValueTokensAndNaNAreMissing() throws {
        let data = try load("item,week,sales\nA,2020-01-06,NaN\nA,2020-01-13,NA\nA,2020-01-20,null\nA,2020-01-27,\nA,2020-02-03,5\n")
        let a = data.panel["A"]!
        #expect(a.values.count == 5)
        #expect(a.values.prefix(4).allSatisfy { $0.isNaN } && a.values[4] == 5)
        #expect(a.observedCount == 1)
    }

    @Test(arguments: ["inf", "-Infinity", "1e999"])
    func infiniteValuesAreLocated(_ cell: String) throws {
        let (path, message) = try loadError("item,week,sales,price\nA,2020-01-06,1,2\nA,2020-01-13,\(cell),2\n")
        #expect(message == "\(path), row 3, column 3 ('sales'): '\(cell)' is infinite: give a finite number, or leave the cell empty (or NA) if it is missing")
        let (covariate, covariateMessage) = try loadError("item,week,sales,price\nA,2020-01-06,1,2\nA,2020-01-13,1,\(cell)\n")
        #expect(covariateMessage == "\(covariate), row 3, column 4 ('price'): '\(cell)' is infinite: give a finite number, or leave the cell empty (or NA) if it is missing")
    }

    @Test func negativeValuesAreKept() throws {
        let data = try load("item,week,sales\nA,2020-01-06,-3\nA,2020-01-13,-0.5\nA,2020-01-20,2\n")
        #expect(data.panel["A"]?.values == [-3, -0.5, 2])
    }

    @Test func unsortedTimestampsAreSorted() throws {
        let data = try load("item,week,sales\nA,2020-01-20,3\nA,2020-01-06,1\nB,2020-01-13,5\nA,2020-01-13,2\nB,2020-01-06,4\n")
        #expect(data.panel["A"]?.values == [1, 2, 3])
        #expect(data.panel["A"]?.start == Timestamp.parse("2020-01-06")?.seconds)
        #expect(data.panel["B"]?.values == [4, 5])
    }

    @Test func duplicateTimestampsNameBothRowsInLongAndWide() throws {
        let (long, longMessage) = try loadError("item,week,sales\nA,2020-01-20,3\nB,2020-01-20,3\nA,2020-01-20,4\n")
        #expect(longMessage == "\(long), rows 2 and 4: item 'A' has two rows for the same time"
                + " (if another column tells them apart — a store, an agency — name every item column, item=COL1,COL2; to add up rows that share an item and a period, say aggregate=sum, or aggregate=mean)")
        let wideText = "date,north\n2021-01-01,1\n2021-01-02,2\n2021-01-01,3\n"
        let (wide, wideMessage) = try loadError(wideText, LoadOptions(format: .wide))
        #expect(wideMessage == "\(wide), rows 2 and 4: item '(all)' has two rows for the same time")
        // Undeclared, a repeated time reads as long data, which then needs an item column.
        let (detected, detectedMessage) = try loadError(wideText)
        #expect(detectedMessage == "the time column 'date' of '\(detected)' repeats, so this is long data with several series, but no item column was found: name it with item=COL (or item=COL1,COL2)")
        let (rows, rowsMessage) = try loadError("V1,V2,V3\nQ1,1,2\nQ1,3,4\n", LoadOptions(format: .rows))
        #expect(rowsMessage == "\(rows), rows 2 and 3: series 'Q1' appears twice")
    }

    @Test func irregularTimestampsOffTheInferredGridAreLocated() throws {
        // Gaps of 1, 2 and 4 days: the typical gap is 2 days, and the 3rd of January is off that grid.
        let text = "date,sales\n2021-01-01,1\n2021-01-03,2\n2021-01-04,3\n2021-01-08,4\n"
        let (path, message) = try loadError(text)
        #expect(message == "\(path), row 4: time 2021-01-04 of item '(all)' is not on the every 172800 s grid that starts at 2021-01-01; say the frequency with freq=H|D|W|M|Q|Y")
        // Saying the frequency places them with gaps as missing values.
        let data = try load(text, LoadOptions(frequency: .daily))
        #expect(data.panel.series[0].values.count == 8)
        #expect(data.panel.series[0].observedCount == 4)
    }

    @Test func mixedFrequenciesTakeTheTypicalGapAndLeaveGaps() throws {
        // A daily series and a weekly one in one file: the panel is daily and the weekly series
        // has six missing days between its observations.
        var rows = ["item,date,sales"]
        for d in 0..<28 { rows.append("daily,\(Timestamp.format(Timestamp.seconds(year: 2021, month: 3, day: 1) + Int64(d) * 86_400)),\(d)") }
        for w in 0..<4 { rows.append("weekly,\(Timestamp.format(Timestamp.seconds(year: 2021, month: 3, day: 1) + Int64(w) * 7 * 86_400)),\(w)") }
        let data = try load(rows.joined(separator: "\n"))
        #expect(data.panel.frequency == .daily)
        let weekly = data.panel["weekly"]!
        #expect(weekly.count == 22 && weekly.observedCount == 4)
    }

    @Test func aTimeOfDayInDailyDataIsLocated() throws {
        let (path, message) = try loadError("date,sales\n2021-01-01,1\n2021-01-02,2\n2021-01-03 12:00,3\n2021-01-04,4\n")
        #expect(message == "\(path), row 4: time 2021-01-03 12:00 of item '(all)' is not on the daily grid that starts at 2021-01-01; say the frequency with freq=H|D|W|M|Q|Y")
    }

    /// One wrong time would make a series millions of steps long: refused, naming both rows.
    @Test func aFarOffTimeIsLocatedInsteadOfFillingMemory() throws {
        let days = (1...5).map { "A,2020-01-0\($0),\($0)" }.joined(separator: "\n")
        let (path, message) = try loadError("item,day,sales\n\(days)\nA,9999-12-31,3\n")
        #expect(message == "\(path), rows 2 and 7: item 'A' would span 2914634 steps (daily) from 2020-01-01 to 9999-12-31 with only 6 rows; is one of those times wrong, or the frequency finer than the data (say freq=H|D|W|M|Q|Y)?")
        let (steps, stepsMessage) = try loadError("t,v\n1,1\n2,2\n1e12,3\n")
        #expect(stepsMessage == "\(steps), rows 2 and 4: item '(all)' would span 999999999999 steps (integer steps) from 1 to 1000000000000 with only 3 rows; is one of those times wrong?")
        let (huge, hugeMessage) = try loadError("t,v\n1,1\n2,2\n1e300,3\n")
        #expect(hugeMessage == "\(huge), row 4, column 1 ('t'): time step '1e300' is beyond ±2^53")
    }

    @Test func onePointAndAllZeroSeriesLoad() throws {
        let data = try load("item,week,sales\nA,2020-01-06,0\nA,2020-01-13,0\nA,2020-01-20,0\nB,2020-01-06,7\n")
        #expect(data.panel["A"]?.values == [0, 0, 0])
        #expect(data.panel["B"]?.values == [7])
    }

    @Test func seriesNeverObservedAreDroppedAndNamed() throws {
        let data = try load("item,week,sales\nA,2020-01-06,1\nB,2020-01-06,NA\nB,2020-01-13,\n")
        #expect(data.panel.ids == ["A"])
        #expect(data.report.last == "dropped 1 series with no observed values: B")
        let (path, message) = try loadError("item,week,sales\nB,2020-01-06,NA\nB,2020-01-13,\n")
        #expect(message == "'\(path)' has no observed target values in any series")
    }

    /// With a test file, unobserved is judged on the training part: a series whose held-out
    /// values are all missing stays (nothing to score there), and one never observed in
    /// training is dropped with its test rows.
    @Test func unobservedIsJudgedOnTheTrainingPart() throws {
        let train = try temporaryFile("V1,V2,V3,V4\nH1,1,2,3\nH2,,,\nH3,4,5,6\n", name: "Hourly-train.csv")
        let test = try temporaryFile("V1,V2,V3\nH1,NA,\nH2,7,8\nH3,9,10\n", name: "Hourly-test.csv")
        let data = try PanelLoader.load(path: train, options: LoadOptions(format: .rows, testPath: test), showProgress: false)
        #expect(data.panel.ids == ["H1", "H3"])
        // H1's held-out cells are missing or padding: it keeps its training values, nothing to score.
        #expect(data.panel["H1"]!.values.prefix(3) == [1, 2, 3] && data.panel["H1"]!.values.dropFirst(3).allSatisfy(\.isNaN))
        #expect(data.panel["H3"]!.values == [4, 5, 6, 9, 10])
        #expect(data.testLengths?.last == 2)
        #expect(data.report.contains("dropped 1 series with no observed values: H2"))
    }

    @Test func anEmptyItemIdIsLocated() throws {
        let (path, message) = try loadError("item,week,sales\nA,2020-01-06,1\n,2020-01-13,2\n")
        #expect(message == "\(path), row 3, column 1 ('item'): the item id is empty")
    }

    @Test func anUnreadableTimeIsLocated() throws {
        // Nine good dates in ten make the column the time column; the bad one is named.
        let good = (1...9).map { "A,2020-01-0\($0),\($0)" }.joined(separator: "\n")
        let (path, message) = try loadError("item,day,sales\n\(good)\nA,2020-02-30,2\n")
        #expect(message == "\(path), row 11, column 2 ('day'): cannot read '2020-02-30' as a date or time " + RecordStream.dateForms)
    }

    @Test func binaryGarbageIsRefusedNotCrashed() throws {
        var bytes: [UInt8] = Array("item,week,sales\n".utf8)
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<5000 { bytes.append(UInt8(truncatingIfNeeded: generator.next())) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("garbage.csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: HorizonError.self) { try PanelLoader.load(path: path, showProgress: false) }
    }

    /// A file with no line ends (here an endless one) is not read whole into one record.
    @Test func aRecordBeyond64MiBIsRefused() throws {
        let error = #expect(throws: HorizonError.self) { try PanelLoader.load(path: "/dev/zero", showProgress: false) }
        #expect(error?.message == "/dev/zero: line 1: a record longer than 64 MiB (is this a CSV file?)")
    }

    @Test func truncatedCompressedFilesAreRefusedByName() throws {
        let path = try temporaryFile("item,week,sales\n" + (0..<2000).map { "A\($0 % 7),2020-01-06,\($0)" }.joined(separator: "\n"))
        for (tool, suffix) in [("gzip", "gz"), ("xz", "xz")] {
            let compress = Process()
            compress.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            compress.arguments = [tool, "-k", "-f", path]
            try compress.run()
            compress.waitUntilExit()
            let compressed = path + "." + suffix
            let bytes = try Data(contentsOf: URL(fileURLWithPath: compressed))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: compressed))
            let error = #expect(throws: HorizonError.self) { try PanelLoader.load(path: compressed, showProgress: false) }
            #expect(error?.message.hasPrefix("'\(compressed)' is not valid \(tool) data: ") == true, "\(tool): \(error?.message ?? "")")
            #expect(error?.message.hasSuffix("the stream ends early (truncated file?)") == true, "\(tool): \(error?.message ?? "")")
        }
    }
}
