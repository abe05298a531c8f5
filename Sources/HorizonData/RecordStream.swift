import HorizonCore

/// Records of a CSV after its header: first the sampled ones kept for detection, then the
/// rest of the file, with a progress bar and Ctrl-C checks along the way.
final class RecordStream {
    let reader: CSVReader
    let header: [String]
    /// The sampled records, last first, so each is popped in file order.
    private var pending: [CSVRecord]
    private(set) var rowsRead = 0
    private let progress: ProgressBar?

    init(reader: CSVReader, header: [String], sample: [CSVRecord], showProgress: Bool) {
        self.reader = reader
        self.header = header
        self.pending = sample.reversed()
        self.progress = showProgress ? ProgressBar("loading \(reader.path)", total: 1000) : nil
    }

    /// However loading ends — the last record, a located error, Ctrl-C — the bar is erased
    /// when the stream goes, before the caller prints anything, so a message starts a clean line.
    deinit { progress?.finish() }

    var path: String { reader.path }

    /// The next record, checked to have no more fields than the header
    /// (fewer is allowed only when `allowShort`: the competition layout pads with nothing).
    func next(into record: inout CSVRecord, allowShort: Bool = false) throws -> Bool {
        if let sampled = pending.popLast() {
            record = sampled
        } else {
            guard try reader.next(into: &record) else {
                progress?.finish()
                return false
            }
        }
        rowsRead += 1
        if rowsRead & 0xFFFF == 0 {
            try Interrupt.check()
            if let f = reader.fractionRead { progress?.update(to: Int(f * 1000)) }
        }
        if record.count > header.count || (!allowShort && record.count < header.count) {
            throw HorizonError("\(path), row \(record.line): expected \(header.count) columns as in the header, found \(record.count)")
        }
        return true
    }

    /// A located error about one cell.
    func cellError(_ record: CSVRecord, _ column: Int, _ message: String) -> HorizonError {
        HorizonError("\(path), row \(record.line), column \(column + 1) ('\(header[column])'): \(message)")
    }

    /// The forms `Timestamp.parse` reads, for an error about a cell it cannot.
    static let dateForms = "(dates read: 2024-01-31, 2024/01/31, 2024-01, 20240131, 202401, each with an optional time 13:45[:00])"

    /// The cell as a time: seconds since 1970 for a timestamp column, else an integer step.
    func time(_ record: CSVRecord, _ column: Int, timestamps: Bool) throws -> Int64 {
        if timestamps {
            guard let t = record.timestamp(column) else {
                throw cellError(record, column, "cannot read '\(Visible.name(record.string(column)))' as a date or time " + Self.dateForms)
            }
            return t.seconds
        }
        guard let v = record.double(column), v.isFinite, v == v.rounded() else {
            throw cellError(record, column, "cannot read '\(Visible.name(record.string(column)))' as an integer time step")
        }
        guard abs(v) <= Self.largestStep else {
            throw cellError(record, column, "time step '\(Visible.name(record.string(column)))' is beyond ±2^53")
        }
        return Int64(v)
    }

    /// Integer time steps are read as doubles, exact up to 2^53; differences of two such steps
    /// still fit in an Int64.
    static let largestStep = 9_007_199_254_740_992.0

    /// The cell as a number, NaN when missing; a located error when it is text or infinite
    /// (`inf`, `1e999`): no model can learn from an infinite demand or price, and a missing
    /// value is spelled empty or NA.
    func number(_ record: CSVRecord, _ column: Int) throws -> Double {
        if column >= record.count { return .nan }
        guard let v = record.double(column) else {
            let text = record.string(column)
            throw cellError(record, column, "cannot read '\(Visible.name(text))' as a number"
                            + (record.decimalComma && text.contains(".") ? " (in this file the comma is the decimal mark, so a dot may be a "
                               + "thousands separator: write 1234 or 1,234)" : ""))
        }
        if v.isInfinite {
            throw cellError(record, column, "'\(Visible.name(record.string(column)))' is infinite: give a finite number, or leave the cell empty (or NA) if it is missing")
        }
        return v
    }
}
