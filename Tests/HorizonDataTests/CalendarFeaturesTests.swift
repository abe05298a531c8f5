import Testing
@testable import HorizonData

@Suite struct CalendarFeaturesTests {
    @Test func isoWeeksAtYearBoundaries() {
        // 2020-12-31 is a Thursday in ISO week 53; 2021-01-04 starts week 1; 2019-12-30 is in 2020's week 1.
        #expect(CalendarFeatures.isoWeek(Timestamp.seconds(year: 2020, month: 12, day: 31)) == 53)
        #expect(CalendarFeatures.isoWeek(Timestamp.seconds(year: 2021, month: 1, day: 3)) == 53)
        #expect(CalendarFeatures.isoWeek(Timestamp.seconds(year: 2021, month: 1, day: 4)) == 1)
        #expect(CalendarFeatures.isoWeek(Timestamp.seconds(year: 2019, month: 12, day: 30)) == 1)
    }

    @Test func featuresAreScaledToHalfUnitRangeAndNamed() {
        let t = Timestamp.seconds(year: 2022, month: 12, day: 31) + 23 * 3600
        let hourly = CalendarFeatures.values(t, frequency: .hourly, season: 24)
        #expect(hourly.count == CalendarFeatures.names(.hourly, season: 24).count)
        #expect(hourly[0] == 0.5)  // hour 23
        #expect(hourly[1] == 5.0 / 6 - 0.5)  // a Saturday (Monday = 0)
        #expect(hourly[3] == 364.0 / 365 - 0.5)  // day 365 of 2022
        #expect(hourly.allSatisfy { $0 >= -0.5 && $0 <= 0.5 })
        #expect(CalendarFeatures.values(Timestamp.seconds(year: 2022, month: 1, day: 1), frequency: .monthly, season: 12) == [-0.5])
        #expect(CalendarFeatures.values(7, frequency: .steps, season: 4) == [3.0 / 3 - 0.5])
        #expect(CalendarFeatures.values(7, frequency: .yearly, season: 1).isEmpty)
    }
}
