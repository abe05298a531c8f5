import HorizonCore

/// Places observations collected in file order onto a regular time grid: sorts them,
/// rejects duplicates with both rows named, and fills gaps with NaN.
struct TimeGrid {
    let frequency: Frequency
    let hasTimestamps: Bool
    /// Whether the frequency was inferred (not given), so an off-grid time suggests `freq=`.
    var inferred = false
    /// Whether rows sharing a period are combined (`aggregate=`): each time is placed in its
    /// period (`Frequency.periodStart`) and several may share a position.
    var aggregating = false
    /// Whether a duplicate's error suggests `aggregate=` (only the long layout takes it).
    var suggestsAggregation = false

    /// Positions on the grid for the given times (in any order), starting at the earliest.
    /// - Returns: the start time, the grid length, and each observation's position.
    func positions(times: [Int64], lines: [Int32], path: String, item: String) throws -> (start: Int64, length: Int, at: [Int]) {
        guard let first = times.min(), let end = times.max() else { return (0, 0, []) }
        let start = aggregating && hasTimestamps ? frequency.periodStart(first) : first
        try checkSpan(start: start, end: end, times: times, lines: lines, path: path, item: item)
        var at = [Int](repeating: 0, count: times.count)
        var owner: [Int: Int] = [:]
        var length = 0
        for (k, t) in times.enumerated() {
            let p: Int?
            if aggregating, hasTimestamps { p = frequency.stepsBetween(start, frequency.periodStart(t)) }
            else if hasTimestamps { p = frequency.steps(from: start, to: t) } else { p = Int(t - start) }
            guard let p else {
                throw HorizonError("\(path), row \(lines[k]): time \(Timestamp.format(t)) of item '\(item)' is not on the \(frequency) grid that starts at \(Timestamp.format(start))"
                                   + (inferred ? "; say the frequency with freq=H|D|W|M|Q|Y" : ""))
            }
            if let other = owner[p], !aggregating {
                let (a, b) = (min(lines[other], lines[k]), max(lines[other], lines[k]))
                throw HorizonError("\(path), rows \(a) and \(b): item '\(item)' has two rows for the same time"
                                   + (suggestsAggregation ? " (if another column tells them apart — a store, an agency — name every item column, "
                                      + "item=COL1,COL2; to add up rows that share an item and a period, say aggregate=sum, or aggregate=mean)" : ""))
            }
            owner[p] = k
            at[k] = p
            length = max(length, p + 1)
        }
        return (start, length, at)
    }

    /// A series is stored as one value per step from its first time to its last, so one wrong
    /// time (year 9999, step 10^12) would ask for memory out of all proportion to the rows. A
    /// span beyond `maxSteps(rows)` is refused, naming the two rows that make it.
    func checkSpan(start: Int64, end: Int64, times: [Int64], lines: [Int32], path: String, item: String) throws {
        let limit = Self.maxSteps(rows: times.count)
        let span: Int
        if hasTimestamps {
            // Steps in whole units of the frequency, rounded down: enough to compare with the limit.
            span = frequency.stepsBetween(start, end)
        } else {
            span = Int(end - start)
        }
        guard span >= limit else { return }
        let first = lines[times.firstIndex(of: start)!], last = lines[times.firstIndex(of: end)!]
        let label = { (t: Int64) in hasTimestamps ? Timestamp.format(t) : String(t) }
        throw HorizonError("\(path), rows \(min(first, last)) and \(max(first, last)): item '\(item)' would span \(span) steps (\(frequency)) "
                           + "from \(label(start)) to \(label(end)) with only \(times.count) rows; is one of those times wrong"
                           + (hasTimestamps ? ", or the frequency finer than the data (say freq=H|D|W|M|Q|Y)?" : "?"))
    }

    /// Rows placed in their month (quarter, year) though not on the grid's day of it: how many,
    /// and the first, for a note in the load report — a mid-month row is kept, not refused,
    /// but never moved to the month's start without a word.
    struct OffDayRows {
        var count = 0
        var first: (line: Int32, time: Int64, item: String)?

        mutating func check(_ times: [Int64], lines: [Int32], start: Int64, item: String, grid: TimeGrid) {
            guard grid.hasTimestamps, !grid.aggregating else { return }
            for (k, t) in times.enumerated() where !grid.frequency.isOnGridDay(t, origin: start) {
                count += 1
                if first == nil || lines[k] < first!.line { first = (lines[k], t, item) }
            }
        }

        var note: String? {
            guard let first else { return nil }
            return "note: \(count) row\(count == 1 ? " is" : "s are") not on the day of the month of \(count == 1 ? "its" : "their") series' first row "
                + "(first: row \(first.line), \(Timestamp.format(first.time)) of item '\(Visible.name(first.item))'); each is placed in its period"
        }
    }

    /// The longest grid a series with `rows` observations may have: 1000 steps per row, and
    /// at least 100,000 (sparse data such as intermittent demand has long gaps, not absurd ones).
    static func maxSteps(rows: Int) -> Int { max(100_000, 1000 * rows) }

    /// The whole panel under the same proportion as one series: its grids, summed over the
    /// series and the columns stored per step, may hold 1000 cells per value read (10 million,
    /// 80 MB, in any case) and must fit the memory budget. Each series alone may reach 100,000
    /// steps from two rows, so without this a file of a few kilobytes — two far-apart rows for
    /// each of a few thousand items or columns — would ask for gigabytes.
    static func checkPanel(cells: Int, values: Int, path: String) throws {
        let bytes = Double(cells) * Double(MemoryLayout<Double>.size)
        guard cells > max(10_000_000, 1000 * values) || bytes > MemoryBudget.bytes else { return }
        throw HorizonError("'\(path)': its series would take \(cells) cells (\(MemoryBudget.describe(bytes))) from their first times to their last, "
                           + "for only \(values) values read; is a time wrong, or the frequency finer than the data (say freq=H|D|W|M|Q|Y)?")
    }

    /// Frequency from the gaps between consecutive distinct times of (up to 200) series.
    static func inferFrequency(_ timesPerSeries: [[Int64]]) -> Frequency? {
        var gaps: [Int64] = []
        for times in timesPerSeries.prefix(200) {
            let sorted = Array(Set(times)).sorted()
            for k in sorted.indices.dropFirst() { gaps.append(sorted[k] - sorted[k - 1]) }
        }
        return Frequency.infer(gaps: gaps)
    }
}

/// Words for the frequency and season decisions, shared by the layouts.
enum FrequencyReport {
    static func resolve(inferred: Frequency?, options: LoadOptions, hasTimestamps: Bool, report: inout [String]) -> (Frequency, Int) {
        let frequency: Frequency
        if let given = options.frequency {
            frequency = given
            report.append("frequency: \(given) (given)")
        } else if hasTimestamps, let inferred {
            frequency = inferred
            report.append("frequency: \(inferred) (inferred from the timestamps)")
        } else {
            frequency = hasTimestamps ? .daily : .steps
            report.append(hasTimestamps ? "frequency: daily (assumed: too few timestamps to tell)" : "frequency: integer steps (no timestamps)")
        }
        let season = options.season ?? frequency.defaultSeason
        report.append("season: \(season)" + (options.season == nil ? " (default for \(frequency); change with season=N)" : " (given)"))
        return (frequency, season)
    }
}
