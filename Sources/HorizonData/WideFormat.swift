import HorizonCore

/// A time column plus one column per series.
enum WideFormat {
    static func load(_ stream: RecordStream, profiles: [ColumnProfile], options: LoadOptions) throws -> LoadedData {
        let header = stream.header, path = stream.path
        let timeIndex: Int
        if let name = options.timeColumn {
            timeIndex = try PanelLoader.column(name, in: header, path: path, role: "the time")
        } else {
            timeIndex = profiles.firstIndex { $0.isTimestamp }
                ?? ColumnNames.find(ColumnNames.time, in: header) { profiles[$0].isIntegral } ?? 0
        }
        // Steps are numbers: a time column of text holds dates, read or refused cell by cell.
        let time = profiles[timeIndex]
        let hasTimestamps = time.isTimestamp || time.isCompactDates || (!time.isNumeric && !time.isEmpty)
        let seriesColumns = header.indices.filter { $0 != timeIndex }
        guard !seriesColumns.isEmpty else { throw HorizonError("'\(path)' has a time column but no series columns") }
        var report = ["time: \(header[timeIndex])" + (hasTimestamps ? "" : " (integer steps)"),
                      "series: \(seriesColumns.count) columns"]

        var times: [Int64] = [], lines: [Int32] = []
        var columns = Array(repeating: [Double](), count: seriesColumns.count)
        var record = CSVRecord()
        while try stream.next(into: &record) {
            let time = try stream.time(record, timeIndex, timestamps: hasTimestamps)
            times.append(time)
            lines.append(Int32(clamping: record.line))
            for (c, i) in seriesColumns.enumerated() { columns[c].append(try stream.number(record, i)) }
        }
        let inferred = TimeGrid.inferFrequency([times])
        let (frequency, season) = FrequencyReport.resolve(inferred: inferred, options: options, hasTimestamps: hasTimestamps, report: &report)
        let grid = TimeGrid(frequency: frequency, hasTimestamps: hasTimestamps, inferred: options.frequency == nil)
        let (start, length, at) = try grid.positions(times: times, lines: lines, path: path, item: "(all)")
        try TimeGrid.checkPanel(cells: length * seriesColumns.count, values: times.count * seriesColumns.count, path: path)
        var offDay = TimeGrid.OffDayRows()
        offDay.check(times, lines: lines, start: start, item: "(all)", grid: grid)
        if let note = offDay.note { report.append(note) }
        var series: [Series] = []
        for (c, i) in seriesColumns.enumerated() {
            var values = [Double](repeating: .nan, count: length)
            for (j, p) in at.enumerated() { values[p] = columns[c][j] }
            // A column that starts or ends later than others: trim its leading/trailing gaps.
            let first = values.firstIndex { !$0.isNaN } ?? 0
            let last = values.lastIndex { !$0.isNaN } ?? -1
            let trimmed = last >= first ? Array(values[first...last]) : []
            let seriesStart = hasTimestamps ? frequency.advance(start, by: first) : start + Int64(first)
            series.append(Series(id: header[i], start: seriesStart, values: trimmed))
        }
        let panel = Panel(series: series, frequency: frequency, season: season, hasTimestamps: hasTimestamps,
                          targetName: "value")
        return LoadedData(panel: panel, testLengths: nil, report: report, rowsRead: stream.rowsRead)
    }
}
