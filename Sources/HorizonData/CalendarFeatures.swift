/// Numeric features of a time stamp that every covariate-aware model shares (trees and neural
/// nets alike), so "week of year" means the same thing to all of them.
///
/// As in GluonTS, each feature is scaled to [−0.5, 0.5] and chosen by frequency: hourly data
/// gets hour of day and the daily features; daily gets day of week, of month and of year;
/// weekly gets day of month and week of year; monthly and quarterly month of year. Data without
/// timestamps gets the position within the season (when there is one), so seasonal structure
/// is still visible.
public enum CalendarFeatures {
    /// The feature names for a frequency (and season, for integer steps), in output order.
    public static func names(_ frequency: Frequency, season: Int) -> [String] {
        switch frequency {
        case .hourly: return ["hour of day", "day of week", "day of month", "day of year"]
        case .daily: return ["day of week", "day of month", "day of year"]
        case .weekly: return ["day of month", "week of year"]
        case .monthly, .quarterly: return ["month of year"]
        case .yearly, .fixed: return []
        case .steps: return season > 1 ? ["position in season"] : []
        }
    }

    /// The features of `time` (seconds since 1970, or a step number for `.steps`).
    public static func values(_ time: Int64, frequency: Frequency, season: Int) -> [Double] {
        if frequency == .steps {
            guard season > 1 else { return [] }
            let m = Int64(season)
            return [Double(((time % m) + m) % m) / Double(season - 1) - 0.5]
        }
        let c = Timestamp.civil(time)
        let dayOfWeek = Double(Timestamp.weekday(time)) / 6 - 0.5
        let dayOfMonth = Double(c.day - 1) / 30 - 0.5
        let dayOfYear = Double(Self.dayOfYear(c.year, c.month, c.day) - 1) / 365 - 0.5
        switch frequency {
        case .hourly: return [Double(c.hour) / 23 - 0.5, dayOfWeek, dayOfMonth, dayOfYear]
        case .daily: return [dayOfWeek, dayOfMonth, dayOfYear]
        case .weekly: return [dayOfMonth, Double(isoWeek(time) - 1) / 52 - 0.5]
        case .monthly, .quarterly: return [Double(c.month - 1) / 11 - 0.5]
        case .yearly, .fixed, .steps: return []
        }
    }

    /// 1…366.
    static func dayOfYear(_ year: Int, _ month: Int, _ day: Int) -> Int {
        Int(Timestamp.days(year: year, month: month, day: day) - Timestamp.days(year: year, month: 1, day: 1)) + 1
    }

    /// The ISO 8601 week number, 1…53 (weeks start on Monday; week 1 holds the first Thursday).
    public static func isoWeek(_ time: Int64) -> Int {
        let weekday = Timestamp.weekday(time)  // 0 = Monday
        let thursday = time + Int64(3 - weekday) * 86_400
        let c = Timestamp.civil(thursday)
        return (dayOfYear(c.year, c.month, c.day) - 1) / 7 + 1
    }
}
