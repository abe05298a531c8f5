/// What a column's sampled cells look like, for format detection.
struct ColumnProfile {
    var name: String
    var numeric = 0
    var integral = 0
    var timestamps = 0
    /// Integers that read as compact dates (20240131, 202401).
    var compactDates = 0
    var missing = 0
    var distinct = Set<String>()
    var cells = 0

    var nonMissing: Int { cells - missing }
    var isNumeric: Bool { nonMissing > 0 && numeric == nonMissing }
    var isIntegral: Bool { isNumeric && integral == numeric }
    /// Every sampled cell an integer that reads as a compact date: a time column of them holds
    /// dates, not steps (read as steps, 20240131 to 20240201 was 70 steps with 69 missing).
    /// Only a time column is read so: a store number like 200012 would read as a month too.
    var isCompactDates: Bool { isIntegral && compactDates == nonMissing }
    /// Nine in ten sampled cells read as dates: a time column with a few bad cells is still the
    /// time column, so those cells get errors naming their row instead of a vague "no time column".
    var isTimestamp: Bool { nonMissing > 0 && timestamps * 10 >= nonMissing * 9 }
    var isText: Bool { nonMissing > 0 && !isNumeric && !isTimestamp }
    var isEmpty: Bool { nonMissing == 0 }

    mutating func observe(_ record: CSVRecord, _ i: Int) {
        cells += 1
        if i >= record.count || record.isMissing(i) { missing += 1; return }
        if distinct.count < 10_000 { distinct.insert(record.string(i)) }
        if let v = record.double(i) {
            numeric += 1
            if v == v.rounded() {
                integral += 1
                if v >= 180_001, v <= 22_001_231, record.timestamp(i) != nil { compactDates += 1 }
            }
        } else if record.timestamp(i) != nil {
            timestamps += 1
        }
    }
}

/// Conventional column names, most specific first.
enum ColumnNames {
    static let item = ["unique_id", "series_id", "series", "id", "item", "item_id", "sku", "product", "product_id", "key"]
    static let time = ["ds", "timestamp", "datetime", "date", "time", "week", "period", "month", "day", "t", "step"]
    static let target = ["target", "y", "value", "sales", "demand", "volume", "quantity", "qty", "units", "count",
                         "logmove", "move"]

    /// The first conventional name present among `columns` (case-insensitive).
    static func find(_ names: [String], in columns: [String], where ok: (Int) -> Bool = { _ in true }) -> Int? {
        for name in names {
            if let i = columns.firstIndex(where: { $0.lowercased() == name }), ok(i) { return i }
        }
        return nil
    }
}
