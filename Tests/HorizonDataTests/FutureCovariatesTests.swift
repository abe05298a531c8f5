import Testing
@testable import HorizonData

@Suite struct FutureCovariatesTests {
    let full = Panel(series: [
        Series(id: "A", values: [1, 2, 3, 4, 5], dynamic: ["price": [9, 9, 8, .nan, 7]], categorical: ["event": [-1, 0, -1, 1, -1]]),
        Series(id: "B", values: [1, 2, 3], dynamic: ["price": [4, .nan, .nan]], categorical: ["event": [0, -1, -1]]),
    ], frequency: .weekly, season: 1, hasTimestamps: false, dynamicNames: ["price"], categoricalNames: ["event"])

    @Test func recordedValuesFollowTheHistoryAndGapsCarryTheLastValue() {
        let history = full.droppingLast([3, 1])
        let future = FutureCovariates.recorded(in: full, after: history, horizon: 4)
        // A's history ends at step 2; steps 3…5 are recorded (8, missing → 8, 7), step 6 is past the data.
        #expect(future.dynamic[0]["price"] == [8, 8, 7, 7])
        #expect(future.categorical[0]["event"] == [-1, 1, -1, -1])
        // B's history ends at step 2 with price missing there: the last known (4) carries.
        #expect(future.dynamic[1]["price"] == [4, 4, 4, 4])
    }

    @Test func pastTheEndOfTheDataPricesCarryAndEventsAreAbsent() {
        let future = FutureCovariates.carriedForward(full, horizon: 2)
        #expect(future.dynamic[0]["price"] == [7, 7])
        #expect(future.categorical[1]["event"] == [-1, -1])
    }
}
