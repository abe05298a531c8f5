import Foundation
import HorizonCore
import Testing
@testable import HorizonData

/// Where the shared benchmark data lives, if this checkout has it beside it.
let sharedDatasets: String? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/datasets").path
    return FileManager.default.fileExists(atPath: root + "/m4/Hourly-train.csv.xz") ? root : nil
}()

@Suite struct PanelLoaderTests {
    let longCSV = """
        item,week,sales,price,event,category
        A,2020-01-06,10,2.5,,food
        A,2020-01-13,12,2.5,promo,food
        A,2020-01-27,9,2.0,,food
        B,2020-01-13,3,1.0,,toys
        B,2020-01-06,4,1.0,,toys
        """

    @Test func longFormatIsDetectedWithCovariatesAndGaps() throws {
        let data = try PanelLoader.load(path: try temporaryFile(longCSV), showProgress: false)
        let panel = data.panel
        #expect(data.report.first == "format: long (detected)")
        #expect(panel.frequency == .weekly)
        #expect(panel.season == 52)
        #expect(panel.targetName == "sales")
        #expect(panel.ids == ["A", "B"])
        let a = panel["A"]!
        #expect(a.values.count == 4)  // the missing week of 2020-01-20 is a gap
        #expect(a.values[2].isNaN && a.values[3] == 9)
        #expect(a.dynamic["price"]![3] == 2.0)
        #expect(panel.dynamicNames == ["price"])
        #expect(panel.categoricalNames == ["event"])
        #expect(panel.vocabularies["event"] == ["promo"])
        #expect(a.categorical["event"] == [-1, 0, -1, -1])
        #expect(panel.staticNames == ["category"])
        #expect(panel["B"]!.statics["category"] == "toys")
        #expect(panel["B"]!.values == [4, 3])  // sorted by time
    }

    /// Dates written as databases export them (20240131, 202401) are dates: read as integer
    /// steps, the last day of January and the first of February were 70 steps apart, with 69
    /// missing values between. Integer steps stay steps.
    @Test func compactDatesInTheTimeColumnAreDates() throws {
        var daily = "item,date,sales\n", monthly = "item,month,store,sales\n", steps = "item,t,sales\n"
        for k in 0..<40 {
            let day = Timestamp.format(Timestamp.seconds(year: 2024, month: 1, day: 1) + Int64(k) * 86_400).replacingOccurrences(of: "-", with: "")
            daily += "A,\(day),\(k)\n"
            steps += "A,\(k + 1),\(k)\n"
        }
        for k in 0..<24 { monthly += "A,\(2013 + k / 12)\(String(format: "%02d", k % 12 + 1)),200012,\(k)\n" }
        let days = try PanelLoader.load(path: try temporaryFile(daily), showProgress: false)
        #expect(days.panel.frequency == .daily && days.panel["A"]!.values.count == 40 && !days.panel["A"]!.values.contains { $0.isNaN })
        #expect(days.panel.timeLabel(days.panel["A"]!.start) == "2024-01-01")
        #expect(days.report.contains("time: date (dates written as 20240131 or 202401)"))
        let months = try PanelLoader.load(path: try temporaryFile(monthly), showProgress: false)
        #expect(months.panel.frequency == .monthly && months.panel["A"]!.values.count == 24)
        #expect(months.panel.dynamicNames == ["store"], "a number that reads as a month is a covariate outside the time column")
        let integers = try PanelLoader.load(path: try temporaryFile(steps), showProgress: false)
        #expect(integers.panel.frequency == .steps && integers.panel["A"]!.values.count == 40)
        #expect(Timestamp.parse("20240229")?.seconds == Timestamp.seconds(year: 2024, month: 2, day: 29))
        #expect(Timestamp.parse("20230229") == nil && Timestamp.parse("12345678") == nil && Timestamp.parse("202413") == nil)
    }

    @Test func wideFormat() throws {
        let data = try PanelLoader.load(path: try temporaryFile("date,north,south\n2021-01-01,1,5\n2021-01-02,2,\n2021-01-03,3,7\n"),
                                        showProgress: false)
        #expect(data.report.first == "format: wide (detected)")
        #expect(data.panel.frequency == .daily && data.panel.season == 7)
        #expect(data.panel.ids == ["north", "south"])
        #expect(data.panel["south"]!.values[1].isNaN)
    }

    @Test func rowsFormatWithTestFile() throws {
        let train = try temporaryFile("\"V1\",\"V2\",\"V3\",\"V4\"\n\"H1\",1,2,3\n\"H2\",4,5,\n", name: "Hourly-train.csv")
        let test = try temporaryFile("\"V1\",\"V2\",\"V3\"\n\"H1\",7,8\n\"H2\",9,10\n", name: "Hourly-test.csv")
        let data = try PanelLoader.load(path: train, options: LoadOptions(format: .rows, testPath: test), showProgress: false)
        #expect(data.panel.frequency == .hourly && data.panel.season == 24)
        #expect(data.panel["H1"]!.values == [1, 2, 3, 7, 8])
        #expect(data.panel["H2"]!.values == [4, 5, 9, 10])
        #expect(data.testLengths == [2, 2])
    }

    @Test func rowsFormatIsDetectedAndWeeklyUsesTheM4Season() throws {
        let data = try PanelLoader.load(path: try temporaryFile("id,V1,V2,V3\nW1,1,2,3\nW2,4,5,6\n", name: "x.csv"), showProgress: false)
        #expect(data.report.first == "format: rows (detected)")
        #expect(data.panel.frequency == .weekly && data.panel.season == 1)
    }

    @Test func compressedFilesLoad() throws {
        let path = try temporaryFile(longCSV)
        for (tool, ext) in [("gzip", "gz"), ("xz", "xz")] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [tool, "-k", "-f", path]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { continue }
            let data = try PanelLoader.load(path: path + "." + ext, showProgress: false)
            #expect(data.panel.ids == ["A", "B"], "\(ext)")
        }
    }

    @Test func badCellNamesFileRowAndColumn() throws {
        let path = try temporaryFile("item,week,sales\nA,2020-01-06,1\nA,2020-01-13,lots\n")
        let error = #expect(throws: HorizonError.self) { try PanelLoader.load(path: path, showProgress: false) }
        #expect(error?.message == "\(path), row 3, column 3 ('sales'): cannot read 'lots' as a number")
    }

    @Test func wrongColumnCountIsLocated() throws {
        let path = try temporaryFile("item,week,sales\nA,2020-01-06,1\nA,2020-01-13\n")
        let error = #expect(throws: HorizonError.self) { try PanelLoader.load(path: path, showProgress: false) }
        #expect(error?.message == "\(path), row 3: expected 3 columns as in the header, found 2")
    }

    @Test func duplicateTimesNameBothRows() throws {
        let path = try temporaryFile("item,week,sales\nA,2020-01-06,1\nA,2020-01-13,2\nA,2020-01-06,3\n")
        let error = #expect(throws: HorizonError.self) { try PanelLoader.load(path: path, showProgress: false) }
        #expect(error?.message == "\(path), rows 2 and 4: item 'A' has two rows for the same time (if another column tells them apart — a store, an agency — name every item column, item=COL1,COL2; to add up rows that share an item and a period, say aggregate=sum, or aggregate=mean)")
    }

    @Test func emptyAndHeaderOnlyFiles() throws {
        #expect(throws: HorizonError.self) { try PanelLoader.load(path: try temporaryFile(""), showProgress: false) }
        let error = #expect(throws: HorizonError.self) { try PanelLoader.load(path: try temporaryFile("a,b\n"), showProgress: false) }
        #expect(error?.message.contains("no data rows") == true)
    }

    @Test func unknownColumnSuggestsTheClosest() throws {
        let path = try temporaryFile(longCSV)
        let error = #expect(throws: HorizonError.self) {
            try PanelLoader.load(path: path, options: LoadOptions(targetColumn: "sale"), showProgress: false)
        }
        #expect(error?.suggestion == "did you mean 'sales'?")
    }

    @Test func missingFileIsAClearError() {
        let error = #expect(throws: HorizonError.self) { try PanelLoader.load(path: "/nonexistent/nope.csv", showProgress: false) }
        #expect(error?.message == "no such file '/nonexistent/nope.csv'")
    }

    @Test(.enabled(if: sharedDatasets != nil, "needs ../shared/datasets"))
    func m4HourlyLoads() throws {
        let root = sharedDatasets!
        let data = try PanelLoader.load(path: root + "/m4/Hourly-train.csv.xz",
                                        options: LoadOptions(format: .rows, testPath: root + "/m4/Hourly-test.csv.xz"), showProgress: false)
        #expect(data.panel.count == 414)
        #expect(data.testLengths?.allSatisfy { $0 == 48 } == true)
        #expect(data.panel.season == 24)
    }

    @Test(.enabled(if: sharedDatasets != nil, "needs ../shared/datasets"))
    func m5LongWithEventsAndPrices() throws {
        let data = try PanelLoader.load(path: sharedDatasets! + "/m5/tiny_m5_long.csv.xz", showProgress: false)
        #expect(data.panel.count == 280)
        #expect(data.panel.frequency == .daily)
        #expect(data.panel.dynamicNames.contains("sell_price"))
        #expect(data.panel.categoricalNames.contains("event_name_1"))
        #expect(data.panel.staticNames.contains("store_id"))
        #expect(data.panel.series.allSatisfy { $0.count == 1913 })
    }
}
