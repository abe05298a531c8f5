import HorizonData

/// Where a time falls in the season, the same for every series of a panel whatever its start,
/// so that seasonal profiles can be pooled across items: the ISO week (week 53 joins 52) for
/// weekly data with m = 52, the month for monthly data with m = 12, the hour for hourly data
/// with m = 24, the weekday for daily data with m = 7; otherwise the number of steps since a
/// fixed origin, modulo m.
public enum SeasonPosition {
    public static func of(_ panel: Panel, _ series: Series, step t: Int) -> Int {
        let m = max(1, panel.season)
        let time = panel.time(of: series, at: t)
        if panel.hasTimestamps {
            switch (panel.frequency, m) {
            case (.weekly, 52): return min(CalendarFeatures.isoWeek(time), 52) - 1
            case (.monthly, 12): return Timestamp.civil(time).month - 1
            case (.hourly, 24): return Timestamp.civil(time).hour
            case (.daily, 7): return Timestamp.weekday(time)
            default:
                let steps = panel.frequency.steps(from: 0, to: time) ?? Int(time / 86_400)
                return ((steps % m) + m) % m
            }
        }
        return Int(((time % Int64(m)) + Int64(m)) % Int64(m))
    }
}
