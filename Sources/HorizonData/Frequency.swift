/// How far apart consecutive observations are, and what that implies for seasonality.
public enum Frequency: Equatable, Hashable, Sendable, CustomStringConvertible {
    case hourly, daily, weekly, monthly, quarterly, yearly
    /// A regular spacing in seconds that is none of the calendar units (e.g. 15 minutes).
    case fixed(seconds: Int64)
    /// Plain integer steps: the data had no timestamps (competition layouts, a week number).
    case steps

    /// Parses the letter codes of the `freq=` option.
    public init?(code: String) {
        switch code.uppercased() {
        case "H": self = .hourly
        case "D": self = .daily
        case "W": self = .weekly
        case "M": self = .monthly
        case "Q": self = .quarterly
        case "Y", "A": self = .yearly
        case "S", "STEPS": self = .steps
        default: return nil
        }
    }

    public static let codes = ["H", "D", "W", "M", "Q", "Y"]

    public var code: String {
        switch self {
        case .hourly: return "H"
        case .daily: return "D"
        case .weekly: return "W"
        case .monthly: return "M"
        case .quarterly: return "Q"
        case .yearly: return "Y"
        case .fixed(let s): return "\(s)s"
        case .steps: return "steps"
        }
    }

    public var description: String {
        switch self {
        case .hourly: return "hourly"
        case .daily: return "daily"
        case .weekly: return "weekly"
        case .monthly: return "monthly"
        case .quarterly: return "quarterly"
        case .yearly: return "yearly"
        case .fixed(let s): return "every \(s) s"
        case .steps: return "integer steps"
        }
    }

    /// The seasonal period a demand forecaster expects: H 24, D 7, W 52, M 12, Q 4, Y 1.
    public var defaultSeason: Int {
        switch self {
        case .hourly: return 24
        case .daily: return 7
        case .weekly: return 52
        case .monthly: return 12
        case .quarterly: return 4
        case .yearly, .fixed, .steps: return 1
        }
    }

    /// The M4 competition's seasonal period (its `Frequency` column): daily and weekly are 1,
    /// because M4 scores them with m = 1 in MASE and the Naive2 seasonality test.
    public var m4Season: Int {
        switch self {
        case .daily, .weekly: return 1
        default: return defaultSeason
        }
    }

    private var monthsPerStep: Int? {
        switch self {
        case .monthly: return 1
        case .quarterly: return 3
        case .yearly: return 12
        default: return nil
        }
    }

    private var secondsPerStep: Int64 {
        switch self {
        case .hourly: return 3600
        case .daily: return 86_400
        case .weekly: return 604_800
        case .fixed(let s): return s
        case .steps: return 1
        case .monthly, .quarterly, .yearly: return 0
        }
    }

    /// The time `n` steps after `time` (calendar months for M/Q/Y, clamping the day). A month's
    /// last day steps to the last day of each month, as `isOnGridDay` reads month-end data: a
    /// series of month ends that starts on 28 February continues 31 March, not 28 March.
    public func advance(_ time: Int64, by n: Int) -> Int64 {
        guard let months = monthsPerStep else { return time + secondsPerStep * Int64(n) }
        let c = Timestamp.civil(time)
        let total = c.year * 12 + (c.month - 1) + months * n
        let year = Int((Double(total) / 12).rounded(.down)), month = total - year * 12 + 1
        let days = Timestamp.daysIn(year: year, month: month)
        let day = c.day == Timestamp.daysIn(year: c.year, month: c.month) ? days : min(c.day, days)
        return Timestamp.seconds(year: year, month: month, day: day)
            + Int64(c.hour * 3600 + c.minute * 60 + c.second)
    }

    /// The step index of `time` counted from `origin`, or nil when it is not on the grid.
    public func steps(from origin: Int64, to time: Int64) -> Int? {
        if let months = monthsPerStep {
            let a = Timestamp.civil(origin), b = Timestamp.civil(time)
            let diff = (b.year - a.year) * 12 + (b.month - a.month)
            return diff % months == 0 ? diff / months : nil
        }
        let d = time - origin, s = secondsPerStep
        return d % s == 0 ? Int(d / s) : nil
    }

    /// Whether `time` is on the day of the month (and time of day) of `origin`'s grid. A
    /// monthly, quarterly or yearly grid is counted in months, so `steps(from:to:)` places any
    /// day of a month in it; this says whether the day is the grid's own. A month's last day
    /// stands for a day it lacks (31 January, then 28 February), and for any month's last day
    /// when the origin is one (month-end data). Other grids: always (`steps` checks them).
    public func isOnGridDay(_ time: Int64, origin: Int64) -> Bool {
        guard monthsPerStep != nil else { return true }
        let a = Timestamp.civil(origin), b = Timestamp.civil(time)
        guard a.hour == b.hour, a.minute == b.minute, a.second == b.second else { return false }
        let lastA = Timestamp.daysIn(year: a.year, month: a.month), lastB = Timestamp.daysIn(year: b.year, month: b.month)
        return a.day == b.day || (b.day == lastB && (a.day > lastB || a.day == lastA))
    }

    /// The start of the period holding `time`: the hour, midnight, the Monday of its ISO week,
    /// the first of its month, quarter (January, April, July, October) or year. What rows are
    /// summed into when a finer series is loaded at this frequency.
    public func periodStart(_ time: Int64) -> Int64 {
        func floor(_ t: Int64, _ unit: Int64) -> Int64 { t - ((t % unit) + unit) % unit }
        switch self {
        case .hourly: return floor(time, 3600)
        case .daily: return floor(time, 86_400)
        case .weekly:
            // 1970-01-01 was a Thursday: Monday 1969-12-29 is three days before.
            return floor(time + 3 * 86_400, 604_800) - 3 * 86_400
        case .monthly, .quarterly, .yearly:
            let c = Timestamp.civil(time)
            let month = self == .monthly ? c.month : self == .quarterly ? (c.month - 1) / 3 * 3 + 1 : 1
            return Timestamp.seconds(year: c.year, month: month, day: 1)
        case .fixed(let s): return floor(time, s)
        case .steps: return time
        }
    }

    /// Whole steps from `origin` to a later `time`, rounded down (calendar months for M/Q/Y).
    public func stepsBetween(_ origin: Int64, _ time: Int64) -> Int {
        if let months = monthsPerStep {
            let a = Timestamp.civil(origin), b = Timestamp.civil(time)
            return ((b.year - a.year) * 12 + (b.month - a.month)) / months
        }
        return Int((time - origin) / secondsPerStep)
    }

    /// Infers the frequency from the typical gap between consecutive timestamps.
    /// - Parameter gaps: positive differences between consecutive distinct times (seconds).
    public static func infer(gaps: [Int64]) -> Frequency? {
        guard !gaps.isEmpty else { return nil }
        let sorted = gaps.sorted()
        let typical = sorted[sorted.count / 2]
        let day: Int64 = 86_400
        switch typical {
        case 3600: return .hourly
        case day: return .daily
        case 7 * day: return .weekly
        case 28 * day...31 * day: return .monthly
        case 89 * day...92 * day: return .quarterly
        case 365 * day...366 * day: return .yearly
        default: return typical > 0 ? .fixed(seconds: typical) : nil
        }
    }
}

/// Stored as its code (`W`, `steps`, `900s`), as a person would write it; a code that is no
/// frequency is refused when read back.
extension Frequency: Codable {
    /// The frequency a code names, including a fixed spacing in seconds (`900s`); nil otherwise.
    public init?(storedCode code: String) {
        if let named = Frequency(code: code) {
            self = named
        } else if code.hasSuffix("s"), let seconds = Int64(code.dropLast()), seconds > 0 {
            self = .fixed(seconds: seconds)
        } else {
            return nil
        }
    }

    public init(from decoder: Decoder) throws {
        let code = try decoder.singleValueContainer().decode(String.self)
        guard let frequency = Frequency(storedCode: code) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "'\(code)' is not a frequency"))
        }
        self = frequency
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}
