import Foundation
import HorizonCore
import Testing
@testable import HorizonData

/// `aggregate=`: a finer series summed to a coarser frequency, and items summed to a level of
/// the hierarchy — both "two rows for the same time" without it.
@Suite struct AggregationTests {
    /// Two items over 21 days from Wednesday 2024-01-03: item A sells the day's number (3, 4, …),
    /// B sells 1 a day; both in category "c", A at price 2, B at price 4.
    static let daily: String = {
        var csv = "item,day,sales,price,category\n"
        for d in 0..<21 {
            let day = Timestamp.format(Timestamp.seconds(year: 2024, month: 1, day: 3 + d))
            csv += "A,\(day),\(3 + d),2,c\nB,\(day),1,4,c\n"
        }
        return csv
    }()

    @Test func dailyRowsAreSummedIntoISOWeeksAndMonths() throws {
        var options = LoadOptions(frequency: .weekly)
        options.aggregation = .sum
        let weekly = try PanelLoader.load(path: try temporaryFile(Self.daily), options: options, showProgress: false)
        let a = try #require(weekly.panel["A"])
        // Weeks start on Monday: Jan 1 (Wed 3 … Sun 7), Jan 8, Jan 15, Jan 22 (Mon 22, Tue 23).
        #expect(a.start == Timestamp.seconds(year: 2024, month: 1, day: 1))
        let weeks: [Double] = [25, 77, 126, 45]  // 3+…+7, 8+…+14, 15+…+21, 22+23
        #expect(a.values == weeks)
        #expect(weekly.panel["B"]?.values == [5, 7, 7, 2])
        #expect(a.dynamic["price"] == [2, 2, 2, 2])
        #expect(weekly.report.contains { $0.hasPrefix("aggregated: 42 rows into 8 points, the target's sum per item and weekly period") })

        options.frequency = .monthly
        options.aggregation = .mean
        let monthly = try PanelLoader.load(path: try temporaryFile(Self.daily), options: options, showProgress: false)
        let january: [Double] = [273.0 / 21]  // the mean of 3…23
        #expect(monthly.panel["A"]?.values == january)
    }

    @Test func itemsAreSummedToTheirCategory() throws {
        var options = LoadOptions(itemColumns: ["category"], frequency: .daily)
        options.aggregation = .sum
        let data = try PanelLoader.load(path: try temporaryFile(Self.daily), options: options, showProgress: false)
        #expect(data.panel.ids == ["c"])
        let c = try #require(data.panel["c"])
        let firstThree: [Double] = [4, 5, 6]  // A's 3, 4, 5 plus B's 1
        #expect(Array(c.values.prefix(3)) == firstThree && c.count == 21)
        #expect(c.dynamic["price"]?.first == 3)  // the two items' prices averaged
        #expect(data.panel.categoricalNames.isEmpty && data.report.contains("ignored: item (text that varies within the rows aggregated)"))
    }

    @Test func withoutAggregateSharedRowsAreAnErrorThatSaysHow() throws {
        let error = #expect(throws: HorizonError.self) {
            try PanelLoader.load(path: try temporaryFile(Self.daily), options: LoadOptions(itemColumns: ["category"]), showProgress: false)
        }
        #expect(error?.message.contains("has two rows for the same time (if another column tells them apart — a store, an agency — name every item column, item=COL1,COL2; to add up rows that share an item and a period, say aggregate=sum") == true)
        var wide = LoadOptions(format: .wide)
        wide.aggregation = .sum
        let layout = #expect(throws: HorizonError.self) {
            try PanelLoader.load(path: try temporaryFile("day,A\n2024-01-01,1\n2024-01-02,2\n"), options: wide, showProgress: false)
        }
        #expect(layout?.message.hasPrefix("aggregate= combines rows that share an item and a period") == true)
    }
}
