import Foundation
import HorizonCore

/// The competition layout (M3, M4): one row per series, the id first, values after, empty
/// cells padding rows to the longest series.
enum RowsFormat {
    static func load(_ stream: RecordStream, options: LoadOptions) throws -> LoadedData {
        let path = stream.path
        var report: [String] = ["item: \(stream.header[0]) (one row per series)"]
        let rows = try readRows(stream)
        let series = rows.map { Series(id: $0.id, start: 1, values: $0.values) }
        let (frequency, why) = options.frequency.map { ($0, "given") } ?? detectFrequency(path: path, ids: rows.map(\.id))
        let season = options.season ?? frequency.m4Season
        report.append("frequency: \(frequency) (\(why))")
        report.append("season: \(season)" + (options.season == nil ? " (M4 convention for \(frequency); change with season=N)" : " (given)"))
        let panel = Panel(series: series, frequency: frequency, season: season, hasTimestamps: false, targetName: "value")
        return LoadedData(panel: panel, testLengths: nil, report: report, rowsRead: stream.rowsRead)
    }

    private static func readRows(_ stream: RecordStream) throws -> [(id: String, values: [Double])] {
        var rows: [(id: String, values: [Double])] = []
        var seen: [String: Int] = [:]
        var record = CSVRecord()
        while try stream.next(into: &record, allowShort: true) {
            let id = record.string(0)
            if id.isEmpty { throw stream.cellError(record, 0, "the series id is empty") }
            if id.contains("\n") { throw stream.cellError(record, 0, "the series id holds a line break") }
            if let other = seen[id] {
                throw HorizonError("\(stream.path), rows \(other) and \(record.line): series '\(id)' appears twice")
            }
            seen[id] = record.line
            var values: [Double] = []
            values.reserveCapacity(record.count - 1)
            for i in 1..<max(1, record.count) { values.append(try stream.number(record, i)) }
            while let last = values.last, last.isNaN { values.removeLast() }
            rows.append((id, values))
        }
        return rows
    }

    /// The competition files carry no timestamps: the frequency comes from the file name
    /// (`Hourly-train.csv`) or from the id prefix (`H1`, `W12`).
    static func detectFrequency(path: String, ids: [String]) -> (Frequency, String) {
        let name = (path as NSString).lastPathComponent.lowercased()
        let words: [(String, Frequency)] = [("hourly", .hourly), ("daily", .daily), ("weekly", .weekly),
                                            ("monthly", .monthly), ("quarterly", .quarterly), ("yearly", .yearly)]
        for (word, f) in words where name.contains(word) { return (f, "from the file name") }
        if let first = ids.first?.first, let f = Frequency(code: String(first)),
           ids.allSatisfy({ $0.first == first && $0.dropFirst().allSatisfy(\.isNumber) }) {
            return (f, "from the id prefix '\(first)'")
        }
        return (.steps, "unknown: give freq=H|D|W|M|Q|Y")
    }
}
