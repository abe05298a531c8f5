import HorizonCore

/// Places observations collected in file order onto a regular time grid: sorts them,
/// rejects duplicates with both rows named, and fills gaps with NaN.
struct TimeGrid {
    let frequency: Frequency
    let hasTimestamps: Bool

    /// Positions on the grid for the given times (in any order), starting at the earliest.
    /// - Returns: the start time, the grid length, and each observation's position.
    func positions(times: [Int64], lines: [Int32], path: String, item: String) throws -> (start: Int64, length: Int, at: [Int]) {
        guard let start = times.min() else { return (0, 0, []) }
        var at = [Int](repeating: 0, count: times.count)
        var owner: [Int: Int] = [:]
        var length = 0
        for (k, t) in times.enumerated() {
            let p: Int?
            if hasTimestamps { p = frequency.steps(from: start, to: t) } else { p = Int(t - start) }
            guard let p else {
                throw HorizonError("\(path), row \(lines[k]): time \(Timestamp.format(t)) of item '\(item)' is not on the \(frequency) grid that starts at \(Timestamp.format(start))")
            }
            if let other = owner[p] {
                let (a, b) = (min(lines[other], lines[k]), max(lines[other], lines[k]))
                throw HorizonError("\(path), rows \(a) and \(b): item '\(item)' has two rows for the same time")
            }
            owner[p] = k
            at[k] = p
            length = max(length, p + 1)
        }
        return (start, length, at)
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
