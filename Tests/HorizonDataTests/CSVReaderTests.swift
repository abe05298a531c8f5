import Foundation
import HorizonCore
import Testing
@testable import HorizonData

/// Writes `text` to a fresh temporary file and returns its path.
func temporaryFile(_ text: String, name: String = "data.csv") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(name).path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

func records(_ text: String) throws -> [[String]] {
    let reader = try CSVReader(path: try temporaryFile(text))
    var record = CSVRecord()
    var rows: [[String]] = []
    while try reader.next(into: &record) { rows.append(record.strings) }
    return rows
}

@Suite struct CSVReaderTests {
    @Test func quotedFieldsWithDelimitersQuotesAndNewlines() throws {
        let rows = try records("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n")
        #expect(rows == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"]])
    }

    @Test func crlfBomAndBlankLines() throws {
        let rows = try records("\u{FEFF}id,v\r\nA,1\r\n\r\nB,2\r\n")
        #expect(rows == [["id", "v"], ["A", "1"], ["B", "2"]])
    }

    @Test func semicolonAndTabDelimitersAreSniffed() throws {
        #expect(try records("a;b\n1;2\n") == [["a", "b"], ["1", "2"]])
        #expect(try records("a\tb\n1\t2\n") == [["a", "b"], ["1", "2"]])
    }

    @Test func emptyTrailingFieldsAreKept() throws {
        #expect(try records("id,v1,v2\nA,1,\n") == [["id", "v1", "v2"], ["A", "1", ""]])
    }

    /// Latin-1 bytes are refused where they are, not decoded to U+FFFD: `Café` and `Cafè`
    /// would both become `Caf\u{FFFD}` and merge into one series.
    @Test func textThatIsNotUTF8IsALocatedError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-latin1-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/latin1.csv"
        try Data(Array("item,date,sales\nok,2024-01-01,1\n".utf8) + [0x43, 0x61, 0x66, 0xE9] + Array(",2024-01-02,2\n".utf8)).write(to: URL(fileURLWithPath: path))
        let reader = try CSVReader(path: path)
        var record = CSVRecord()
        let error = #expect(throws: HorizonError.self) { while try reader.next(into: &record) {} }
        #expect(error?.message == "\(path): line 3, field 1: not UTF-8 text (byte 0xE9 is not a character on its own there): save the file as UTF-8")
        #expect(try records("id,v\nCafé,1\n東京,2\n") == [["id", "v"], ["Café", "1"], ["東京", "2"]])
    }

    @Test func unterminatedQuoteNamesTheLine() throws {
        let error = #expect(throws: HorizonError.self) { try records("a,b\n1,\"open\n2,3\n") }
        #expect(error?.message.contains("line 2") == true)
    }

    @Test func recordLinesCountQuotedNewlines() throws {
        let reader = try CSVReader(path: try temporaryFile("h\n\"a\nb\"\nc\n"))
        var record = CSVRecord()
        _ = try reader.next(into: &record)
        _ = try reader.next(into: &record)
        #expect(record.line == 2)
        _ = try reader.next(into: &record)
        #expect(record.line == 4)
    }

    @Test func numbersParseExactlyAndMissingTokensAreNaN() throws {
        let reader = try CSVReader(path: try temporaryFile("v\n0.1\n-2.5e3\n12345678901234567890\nNA\n\nabc\n 7 \n"))
        var record = CSVRecord()
        _ = try reader.next(into: &record)
        var values: [Double?] = []
        while try reader.next(into: &record) { values.append(record.double(0)) }
        #expect(values[0] == 0.1)
        #expect(values[1] == -2500)
        #expect(values[2] == 12345678901234567890.0)
        #expect(values[3]!.isNaN)
        #expect(values[4] == nil)  // "abc" (the blank line was skipped)
        #expect(values[5] == 7)
    }
}

@Suite struct TimestampTests {
    @Test func parsesCommonLayouts() {
        #expect(Timestamp.parse("1970-01-02")?.seconds == 86_400)
        #expect(Timestamp.parse("2019/01/07")?.seconds == Timestamp.seconds(year: 2019, month: 1, day: 7))
        #expect(Timestamp.parse("2020-02-29 13:30")?.seconds == Timestamp.seconds(year: 2020, month: 2, day: 29) + 13 * 3600 + 1800)
        #expect(Timestamp.parse("2020-02-29T13:30:15Z")?.hasTime == true)
        #expect(Timestamp.parse("2021-03")?.seconds == Timestamp.seconds(year: 2021, month: 3, day: 1))
        #expect(Timestamp.parse("2019-02-30") == nil)
        #expect(Timestamp.parse("d_1") == nil)
        #expect(Timestamp.parse("2019") == nil)
    }

    @Test func civilRoundTripsAndWeekday() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let c = Timestamp.civil(Int64(days) * 86_400)
            #expect(Timestamp.days(year: c.year, month: c.month, day: c.day) == Int64(days))
        }
        #expect(Timestamp.weekday(Timestamp.seconds(year: 2019, month: 1, day: 7)) == 0)  // a Monday
    }

    @Test func monthlyStepsClampTheDay() {
        let jan31 = Timestamp.seconds(year: 2021, month: 1, day: 31)
        #expect(Timestamp.format(Frequency.monthly.advance(jan31, by: 1)) == "2021-02-28")
        // Month-end data that starts in a short month stays at month ends (it drifted to the 28th).
        let feb28 = Timestamp.seconds(year: 2023, month: 2, day: 28), jun30 = Timestamp.seconds(year: 2022, month: 6, day: 30)
        #expect((1...4).map { Timestamp.format(Frequency.monthly.advance(feb28, by: $0)) } == ["2023-03-31", "2023-04-30", "2023-05-31", "2023-06-30"])
        #expect(Timestamp.format(Frequency.quarterly.advance(jun30, by: 2)) == "2022-12-31")
        #expect(Timestamp.format(Frequency.monthly.advance(Timestamp.seconds(year: 2024, month: 2, day: 28), by: 1)) == "2024-03-28")
        #expect(Frequency.quarterly.steps(from: jan31, to: Timestamp.seconds(year: 2021, month: 7, day: 31)) == 2)
        #expect(Frequency.weekly.steps(from: 0, to: 3 * 604_800) == 3)
        #expect(Frequency.weekly.steps(from: 0, to: 86_400) == nil)
    }

    @Test func frequencyFromGaps() {
        #expect(Frequency.infer(gaps: [3600, 3600, 7200]) == .hourly)
        #expect(Frequency.infer(gaps: [31, 28, 31, 30].map { Int64($0) * 86_400 }) == .monthly)
        #expect(Frequency.infer(gaps: [604_800]) == .weekly)
    }
}
