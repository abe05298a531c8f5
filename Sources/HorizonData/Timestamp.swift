/// Timestamps as seconds since 1970-01-01 UTC, parsed by hand from CSV bytes.
///
/// Hand-written because `DateFormatter` is two orders of magnitude slower, and loaders parse
/// a timestamp on every row. Time zones are ignored: forecasting data is in local calendar time.
public enum Timestamp {
    public struct Parsed: Equatable, Sendable {
        public var seconds: Int64
        /// Whether the text carried a time of day (so hourly data can be recognised).
        public var hasTime: Bool
    }

    /// Accepts `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY-MM` (the month's first day),
    /// `YYYY-MM-DD HH:MM[:SS[.000]]` (also with `T`) and a trailing `Z`; and the compact
    /// `YYYYMMDD` and `YYYYMM` that databases export, for years 1800–2200 (a time column of
    /// integers is read this way only when every sampled cell is such a date: `ColumnProfile`).
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Parsed? {
        var lo = 0, hi = b.count
        while lo < hi, b[lo] == 0x20 { lo += 1 }
        while hi > lo, b[hi - 1] == 0x20 { hi -= 1 }
        if hi > lo, b[hi - 1] == UInt8(ascii: "Z") { hi -= 1 }
        var i = lo
        func number(_ width: Int) -> Int? {
            guard i + width <= hi else { return nil }
            var v = 0
            for k in i..<(i + width) {
                let c = b[k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += width
            return v
        }
        /// One or two digits (so `2019-1-5` also reads).
        func small() -> Int? {
            guard i < hi, b[i] >= 0x30, b[i] <= 0x39 else { return nil }
            var v = Int(b[i] - 0x30); i += 1
            if i < hi, b[i] >= 0x30, b[i] <= 0x39 { v = v * 10 + Int(b[i] - 0x30); i += 1 }
            return v
        }
        guard let year = number(4), i < hi else { return nil }
        if hi - lo == 8 || hi - lo == 6, (1800...2200).contains(year), let month = number(2) {
            guard (1...12).contains(month) else { return nil }
            if i == hi { return Parsed(seconds: seconds(year: year, month: month, day: 1), hasTime: false) }
            guard let day = number(2), day >= 1, day <= daysIn(year: year, month: month) else { return nil }
            return Parsed(seconds: seconds(year: year, month: month, day: day), hasTime: false)
        }
        let sep = b[i]
        guard sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/") else { return nil }
        i += 1
        guard let month = small(), (1...12).contains(month) else { return nil }
        if i == hi { return Parsed(seconds: seconds(year: year, month: month, day: 1), hasTime: false) }
        guard b[i] == sep else { return nil }
        i += 1
        guard let day = small(), day >= 1, day <= daysIn(year: year, month: month) else { return nil }
        var total = seconds(year: year, month: month, day: day)
        if i == hi { return Parsed(seconds: total, hasTime: false) }
        guard b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "T") else { return nil }
        i += 1
        guard let hour = small(), hour < 24, i < hi, b[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        guard let minute = number(2), minute < 60 else { return nil }
        var second = 0
        if i < hi, b[i] == UInt8(ascii: ":") {
            i += 1
            // No leap second: the grid has none, and 23:59:60 would silently be the next day.
            guard let s = number(2), s < 60 else { return nil }
            second = s
            // Whole seconds only: a fraction would be dropped, and two rows a quarter second
            // apart would meet as one time.
            if i < hi, b[i] == UInt8(ascii: ".") {
                i += 1
                while i < hi, b[i] == 0x30 { i += 1 }
            }
        }
        guard i == hi else { return nil }
        total += Int64(hour * 3600 + minute * 60 + second)
        return Parsed(seconds: total, hasTime: true)
    }

    public static func parse(_ text: String) -> Parsed? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    /// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func seconds(year: Int, month: Int, day: Int) -> Int64 {
        days(year: year, month: month, day: day) * 86_400
    }

    /// The civil date and time of day of a timestamp.
    public static func civil(_ seconds: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day, Int(rest / 3600), Int(rest % 3600 / 60), Int(rest % 60))
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// ISO-style text: the date, plus the time when it is not midnight.
    public static func format(_ seconds: Int64, withTime: Bool = false) -> String {
        let c = civil(seconds)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        // Four digits at least, as `parse` reads them back (year 999 is `0999`).
        let year = c.year >= 0 && c.year < 1000 ? String(repeating: "0", count: 4 - "\(c.year)".count) + "\(c.year)" : "\(c.year)"
        var text = "\(year)-\(two(c.month))-\(two(c.day))"
        if withTime || c.hour != 0 || c.minute != 0 || c.second != 0 {
            text += " \(two(c.hour)):\(two(c.minute))"
            if c.second != 0 { text += ":\(two(c.second))" }
        }
        return text
    }

    /// 0 = Monday … 6 = Sunday.
    public static func weekday(_ seconds: Int64) -> Int {
        let days = Int((seconds >= 0 ? seconds : seconds - 86_399) / 86_400)
        return ((days + 3) % 7 + 7) % 7
    }
}
