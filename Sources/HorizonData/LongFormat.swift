import HorizonCore

/// item / time / target rows, any other columns as covariates.
enum LongFormat {
    /// Text covariates with more distinct values than this are identifiers, not features.
    static let maxCategoricalLevels = 1000

    private struct Item {
        var times: [Int64] = []
        var lines: [Int32] = []
        var target: [Double] = []
        var numeric: [[Double]]
        var text: [[Int32]]
        init(numeric: Int, text: Int) {
            self.numeric = Array(repeating: [], count: numeric)
            self.text = Array(repeating: [], count: text)
        }
    }

    static func load(_ stream: RecordStream, profiles: [ColumnProfile], options: LoadOptions) throws -> LoadedData {
        let header = stream.header, path = stream.path
        var report: [String] = []

        // Which column is which.
        let timeIndex: Int
        if let name = options.timeColumn {
            timeIndex = try PanelLoader.column(name, in: header, path: path, role: "the time")
        } else if let t = ColumnNames.find(ColumnNames.time, in: header, where: { profiles[$0].isTimestamp })
                    ?? profiles.firstIndex(where: { $0.isTimestamp })
                    ?? ColumnNames.find(ColumnNames.time, in: header, where: { profiles[$0].isIntegral })
                    // A time column by its name whose cells mostly do not read as dates: its cells
                    // then get errors naming their row (a time zone, a fraction of a second).
                    ?? ColumnNames.find(ColumnNames.time, in: header, where: { !profiles[$0].isNumeric && !profiles[$0].isEmpty }) {
            timeIndex = t
        } else {
            throw HorizonError("cannot find the time column in '\(path)': name it with time=COL (columns: \(header.joined(separator: ", ")))")
        }
        // Declared columns come with a declared frequency: integer steps or timestamps follow
        // from it, not from what this file's sample happens to hold.
        // Otherwise a time column whose sampled cells are more often numbers than dates holds
        // integer steps, and any other dates: either way a bad cell gets an error at its own
        // row, not the first row's as "not an integer" or "not a date".
        let time = profiles[timeIndex]
        let hasTimestamps = options.declared != nil ? options.frequency != .steps
            : time.isTimestamp || time.isCompactDates || (!time.isNumeric && time.timestamps >= time.numeric)
        let itemIndices: [Int]
        if let names = options.itemColumns {
            itemIndices = try names.map { try PanelLoader.column($0, in: header, path: path, role: "the item") }
        } else if let i = ColumnNames.find(ColumnNames.item, in: header, where: { $0 != timeIndex && !profiles[$0].isTimestamp }) {
            itemIndices = [i]
        } else if let i = profiles.indices.first(where: { $0 != timeIndex && profiles[$0].isText }) {
            itemIndices = [i]
        } else {
            itemIndices = []
        }
        if let i = itemIndices.first(where: { $0 == timeIndex }) ?? itemIndices.indices.first(where: { itemIndices[..<$0].contains(itemIndices[$0]) }).map({ itemIndices[$0] }) {
            throw HorizonError("column '\(header[i])' of '\(path)' is named twice among the item and time columns: each role takes its own column")
        }
        let taken = Set(itemIndices + [timeIndex])
        let targetIndex: Int
        if let name = options.targetColumn {
            targetIndex = try PanelLoader.column(name, in: header, path: path, role: "the target")
        } else if let t = ColumnNames.find(ColumnNames.target, in: header, where: { !taken.contains($0) && !profiles[$0].isTimestamp }) {
            // A conventional name wins even when some sampled cells are not numbers: those
            // cells then get located errors instead of a vague "which column?".
            targetIndex = t
        } else {
            let numeric = profiles.indices.filter { !taken.contains($0) && profiles[$0].isNumeric }
            guard numeric.count == 1 else {
                throw HorizonError("cannot tell which column of '\(path)' is the target: name it with target=COL (numeric columns: \(numeric.map { header[$0] }.joined(separator: ", ")))")
            }
            targetIndex = numeric[0]
        }
        if taken.contains(targetIndex) {
            throw HorizonError("column '\(header[targetIndex])' of '\(path)' cannot be the target: it is the \(targetIndex == timeIndex ? "time" : "item") column")
        }
        if itemIndices.isEmpty && profiles[timeIndex].distinct.count < profiles[timeIndex].nonMissing {
            throw HorizonError("the time column '\(header[timeIndex])' of '\(path)' repeats, so this is long data with several series, but no item column was found: name it with item=COL (or item=COL1,COL2)")
        }
        let used = taken.union([targetIndex])
        var numericCovariates: [Int] = [], textCovariates: [Int] = [], ignored: [String] = []
        var declaredStatics = Set<Int>()
        if let declared = options.declared {
            func indices(_ names: [String], _ role: String) throws -> [Int] {
                try names.map { name in
                    let i = try PanelLoader.column(name, in: header, path: path, role: role)
                    guard !used.contains(i) else { throw HorizonError("column '\(name)' of '\(path)' is the item, time or target, not \(role)") }
                    return i
                }
            }
            numericCovariates = try indices(declared.numeric, "a numeric covariate")
            textCovariates = try indices(declared.categorical, "a categorical covariate")
            let statics = try indices(declared.statics, "an attribute")
            declaredStatics = Set(textCovariates.count..<(textCovariates.count + statics.count))
            textCovariates += statics
            let all = numericCovariates + textCovariates
            guard Set(all).count == all.count else { throw HorizonError("a column of '\(path)' is declared twice") }
            ignored = header.indices.filter { !used.contains($0) && !all.contains($0) }.map { "\(header[$0]) (not declared)" }
        } else {
            for i in header.indices where !used.contains(i) {
                if profiles[i].isNumeric { numericCovariates.append(i) }
                else if profiles[i].isTimestamp { ignored.append("\(header[i]) (a second time column)") }
                else if !profiles[i].isEmpty { textCovariates.append(i) }
            }
            // Columns with nothing in the sampled rows are read as text, and sorted out once
            // every row is read (a covariate recorded only from some date on is still one).
            textCovariates += header.indices.filter { !used.contains($0) && profiles[$0].isEmpty }
        }
        let unsampled = Set(textCovariates.indices.filter { profiles[textCovariates[$0]].isEmpty && options.declared == nil })
        report.append("item: " + (itemIndices.isEmpty ? "(one series)" : itemIndices.map { header[$0] }.joined(separator: "+")))
        report.append("time: \(header[timeIndex])" + (!hasTimestamps ? " (integer steps)" : time.isCompactDates ? " (dates written as 20240131 or 202401)" : ""))
        report.append("target: \(header[targetIndex])")

        // Read every row.
        var items: [Item] = []
        var itemIDs: [String] = []
        var itemIndexByKey: [String: Int] = [:]
        var vocabularies = Array(repeating: [String](), count: textCovariates.count)
        var codes = Array(repeating: [String: Int32](), count: textCovariates.count)
        var record = CSVRecord()
        let singleName = header[targetIndex]
        // With `isolatesSeries`, the first problem of each item (by index), which leaves it out.
        var failed: [Int: String] = [:]
        // Each item's first row and, when its joined id has more slashes than the joins, its
        // parts: ids joined with '/' must not merge `a/b`+`c` and `a`+`b/c`. In a batch job, ids
        // canonically equal to an earlier one but written otherwise (`twins`, by their bytes).
        var parts: [[String]] = [], firstLines: [Int] = [], ambiguous: [Bool] = []
        var twins: [[UInt8]: Int] = [:]
        // A session trims the spaces around ids, so ` x` and `x` are one item: whether each
        // item's first row had them, and the first item written both ways (said in a note).
        var padded: [Bool] = [], paddedBoth = Set<Int>(), firstPadded: (item: Int, line: Int)?
        // A batch job (`isolatesSeries`) keeps ids exactly as written, spaces included, so its
        // output joins back to its input; it leaves out the rows of an id it cannot take, as
        // a series of its own, where a session refuses the file.
        let exact = options.isolatesSeries
        while try stream.next(into: &record) {
            let key: String
            switch itemIndices.count {
            case 0: key = singleName
            case 1: key = record.string(itemIndices[0], trimmed: !exact)
            default: key = itemIndices.map { record.string($0, trimmed: !exact) }.joined(separator: "/")
            }
            if key.isEmpty && !exact { throw stream.cellError(record, itemIndices[0], "the item id is empty") }
            let k: Int
            if let existing = itemIndexByKey[key], itemIDs[existing].utf8.elementsEqual(key.utf8) {
                k = existing
                if !exact, padded[k] != itemIndices.contains(where: { record.isPadded($0) }), paddedBoth.insert(k).inserted, firstPadded == nil {
                    firstPadded = (k, record.line)
                }
                // Parts holding a '/' can join alike: checked only for ids with more slashes than the joins.
                if ambiguous[k], itemIndices.map({ record.string($0, trimmed: !exact) }) != parts[k] {
                    let message = "\(path), rows \(firstLines[k]) and \(record.line): items (\(parts[k].map { Visible.name($0) }.joined(separator: ", "))) and "
                        + "(\(itemIndices.map { Visible.name(record.string($0, trimmed: !exact)) }.joined(separator: ", "))) would both be '\(Visible.name(key))': "
                        + "the item columns join with '/', which one of their values holds"
                    guard exact else { throw HorizonError(message) }
                    failed[k] = failed[k] ?? message
                }
            } else if let existing = itemIndexByKey[key], !exact {
                // Swift's strings compare by canonical equivalence: 'é' as one character and as
                // 'e' plus an accent would be one item without a word.
                throw HorizonError("\(path), rows \(firstLines[existing]) and \(record.line): item ids '\(Visible.name(itemIDs[existing]))' (\(Visible.codePoints(itemIDs[existing]))) "
                                   + "and '\(Visible.name(key))' (\(Visible.codePoints(key))) are the same text in different Unicode characters; write them alike")
            } else if let twin = twins[Array(key.utf8)] {
                k = twin
            } else {
                k = items.count
                // A batch job keeps a canonically equal id written otherwise as a series of its own.
                if itemIndexByKey[key] == nil { itemIndexByKey[key] = k } else { twins[Array(key.utf8)] = k }
                itemIDs.append(key)
                items.append(Item(numeric: numericCovariates.count, text: textCovariates.count))
                firstLines.append(record.line)
                padded.append(itemIndices.contains(where: { record.isPadded($0) }))
                ambiguous.append(itemIndices.count > 1 && key.utf8.reduce(0) { $1 == 0x2F ? $0 + 1 : $0 } > itemIndices.count - 1)
                parts.append(ambiguous[k] ? itemIndices.map { record.string($0, trimmed: !exact) } : [])
                let unusable = key.isEmpty ? itemIndices.first.map { ($0, "the item id is empty") }
                    : itemIndices.first(where: { record.string($0).contains("\n") }).map { ($0, "the item id holds a line break") }
                if let (column, problem) = unusable {
                    let error = stream.cellError(record, column, problem)
                    guard exact else { throw error }
                    failed[k] = error.message
                }
            }
            if failed[k] != nil { continue }
            do {
                // A row that fails part-way leaves its item's columns uneven, which is harmless:
                // without isolation the load stops, with it the item's rows are dropped below.
                items[k].times.append(try stream.time(record, timeIndex, timestamps: hasTimestamps))
                items[k].lines.append(Int32(clamping: record.line))
                items[k].target.append(try stream.number(record, targetIndex))
                for (c, i) in numericCovariates.enumerated() { items[k].numeric[c].append(try stream.number(record, i)) }
            } catch let error as HorizonError where options.isolatesSeries {
                failed[k] = error.message
                items[k] = Item(numeric: 0, text: 0)
                continue
            }
            for (c, i) in textCovariates.enumerated() {
                if record.isMissing(i) { items[k].text[c].append(-1); continue }
                let value = record.string(i)
                if let code = codes[c][value] { items[k].text[c].append(code) } else {
                    let code = Int32(vocabularies[c].count)
                    codes[c][value] = code
                    vocabularies[c].append(value)
                    items[k].text[c].append(code)
                }
            }
        }
        if options.isolatesSeries {
            // A declared attribute must keep one value per item.
            for c in declaredStatics {
                for k in items.indices where failed[k] == nil {
                    let observed = Set(items[k].text[c].filter { $0 >= 0 })
                    if observed.count > 1 {
                        let values = observed.sorted().prefix(2).map { "'\(vocabularies[c][Int($0)])'" }.joined(separator: " and ")
                        failed[k] = "its attribute '\(header[textCovariates[c]])' is not one value per item (\(values))"
                    }
                }
            }
        }

        // The unsampled columns: empty throughout (ignored), all numbers (a numeric covariate),
        // or text like any other.
        var numericFromText: [Int: [Double]] = [:]
        for c in unsampled.sorted() {
            if vocabularies[c].isEmpty {
                ignored.append("\(header[textCovariates[c]]) (empty)")
                continue
            }
            let mark = record.decimalComma ? UInt8(ascii: ",") : UInt8(ascii: ".")
            let numbers = vocabularies[c].map { text -> Double? in
                var copy = text
                return copy.withUTF8 { NumberParser.parse($0, decimalMark: mark) }.flatMap { $0.isFinite ? $0 : nil }
            }
            let bad = Set(numbers.indices.filter { numbers[$0] == nil })
            if bad.isEmpty {
                numericFromText[c] = numbers.map { $0! }
            } else {
                // Nine in ten cells numbers: a number column with bad cells, the first named at its
                // row as in a sampled column (not taken for a text column without a word).
                var first: (line: Int32, value: String)?, cells = 0, badCells = 0
                for k in items.indices where failed[k] == nil {
                    for (j, code) in items[k].text[c].enumerated() where code >= 0 {
                        cells += 1
                        guard bad.contains(Int(code)) else { continue }
                        badCells += 1
                        if first == nil || items[k].lines[j] < first!.line { first = (items[k].lines[j], vocabularies[c][Int(code)]) }
                    }
                }
                if let first, badCells * 10 <= cells {
                    throw HorizonError("\(path), row \(first.line), column \(textCovariates[c] + 1) ('\(header[textCovariates[c]])'): cannot read '\(Visible.name(first.value))' as a number")
                }
            }
        }
        let leftText = textCovariates.indices.filter { !(unsampled.contains($0) && (vocabularies[$0].isEmpty || numericFromText[$0] != nil)) }
        for k in items.indices where failed[k] == nil {
            for c in numericFromText.keys.sorted() { items[k].numeric.append(items[k].text[c].map { $0 >= 0 ? numericFromText[c]![Int($0)] : .nan }) }
            items[k].text = leftText.map { items[k].text[$0] }
        }
        numericCovariates += numericFromText.keys.sorted().map { textCovariates[$0] }
        vocabularies = leftText.map { vocabularies[$0] }
        textCovariates = leftText.map { textCovariates[$0] }

        let inferred = TimeGrid.inferFrequency(items.map(\.times))
        let (frequency, season) = FrequencyReport.resolve(inferred: inferred, options: options, hasTimestamps: hasTimestamps, report: &report)

        // Text covariates: the same value on every row of each item → static attribute;
        // else (values change, or are sometimes missing) a categorical covariate over time.
        var staticColumns: [Int] = [], categoricalColumns: [Int] = []
        for c in textCovariates.indices {
            if options.declared != nil {
                if declaredStatics.contains(c) { staticColumns.append(c) } else { categoricalColumns.append(c) }
                continue
            }
            let constant = items.allSatisfy { item in
                guard let first = item.text[c].first, first >= 0 else { return false }
                return item.text[c].allSatisfy { $0 == first }
            }
            if constant { staticColumns.append(c) }
            else if options.aggregation != nil {
                // Rows combined into one point have no one value of it (the item ids summed into a category).
                ignored.append("\(header[textCovariates[c]]) (text that varies within the rows aggregated)")
            } else if vocabularies[c].count > maxCategoricalLevels {
                ignored.append("\(header[textCovariates[c]]) (\(vocabularies[c].count) distinct text values)")
            } else { categoricalColumns.append(c) }
        }

        var grid = TimeGrid(frequency: frequency, hasTimestamps: hasTimestamps, inferred: options.frequency == nil)
        grid.aggregating = options.aggregation != nil
        // `load` takes aggregate=; a batch job (its columns declared) has no such option to suggest.
        grid.suggestsAggregation = options.declared == nil
        var combinedRows = 0, combinedPoints = 0
        // With aggregate=sum, points that add up far fewer observed rows than their series
        // usually does (a partial week at an edge, missing days, a member not there yet): a sum
        // that low looks like a fall in demand, so they are counted and the first is named.
        var thinPoints = 0, firstThin: (item: Int, rows: Int, usual: Int)?
        // Checked as each series is placed, before its columns are allocated.
        let columnsPerStep = 1 + numericCovariates.count + categoricalColumns.count
        var cells = 0
        let values = stream.rowsRead * columnsPerStep
        var offDay = TimeGrid.OffDayRows()
        var series: [Series] = []
        series.reserveCapacity(items.count)
        var failures: [SeriesFailure] = []
        for k in items.indices {
            if let message = failed[k] {
                failures.append(SeriesFailure(item: itemIDs[k], stage: "load", message: message))
                continue
            }
            // Each item's rows are released as its series is built, so the rows as read and the
            // panel are never both held in full (the peak memory of a big file).
            let item = items[k]
            items[k] = Item(numeric: 0, text: 0)
            let placed: (start: Int64, length: Int, at: [Int])
            do {
                placed = try grid.positions(times: item.times, lines: item.lines, path: path, item: itemIDs[k])
            } catch let error as HorizonError where options.isolatesSeries {
                failures.append(SeriesFailure(item: itemIDs[k], stage: "load", message: error.message))
                continue
            }
            let (start, length, at) = placed
            cells += length * columnsPerStep
            try TimeGrid.checkPanel(cells: cells, values: values, path: path)
            offDay.check(item.times, lines: item.lines, start: start, item: itemIDs[k], grid: grid)
            /// One value per position: the row's, or with `aggregate=` the observed rows' sum or
            /// mean (NaN where none was observed).
            func place(_ values: [Double], _ combine: Aggregation? = nil) -> [Double] {
                guard let combine else {
                    var out = [Double](repeating: .nan, count: length)
                    for (j, p) in at.enumerated() { out[p] = values[j] }
                    return out
                }
                var total = [Double](repeating: 0, count: length), count = [Int](repeating: 0, count: length)
                for (j, p) in at.enumerated() where !values[j].isNaN { total[p] += values[j]; count[p] += 1 }
                return total.indices.map { p in count[p] == 0 ? .nan : combine == .sum ? total[p] : total[p] / Double(count[p]) }
            }
            /// The target's observed rows per point, for the thin-sum note.
            func observedRows() -> [Int] {
                var count = [Int](repeating: 0, count: length)
                for (j, p) in at.enumerated() where !item.target[j].isNaN { count[p] += 1 }
                return count.filter { $0 > 0 }
            }
            // A series with nothing observed has no usual count (it is dropped later, and named).
            if options.aggregation == .sum, case let rows = observedRows(), !rows.isEmpty {
                // Under 80 % of the series' median count: a February (28 of 31 days) or a month of
                // four weeks beside five is not thin; a week of 4 days is.
                let usual = rows.sorted()[rows.count / 2]
                for r in rows where Double(r) < 0.8 * Double(usual) {
                    thinPoints += 1
                    if firstThin == nil { firstThin = (k, r, usual) }
                }
            }
            var s = Series(id: itemIDs[k], start: start, values: place(item.target, options.aggregation))
            if options.aggregation != nil { combinedRows += item.times.count; combinedPoints += Set(at).count }
            for (c, i) in numericCovariates.enumerated() { s.dynamic[header[i]] = place(item.numeric[c], options.aggregation.map { _ in .mean }) }
            for c in categoricalColumns {
                var out = [Int32](repeating: -1, count: length)
                for (j, p) in at.enumerated() { out[p] = item.text[c][j] }
                s.categorical[header[textCovariates[c]]] = out
            }
            for c in staticColumns {
                if let code = item.text[c].first(where: { $0 >= 0 }) { s.statics[header[textCovariates[c]]] = vocabularies[c][Int(code)] }
            }
            series.append(s)
        }

        let dynamicNames = numericCovariates.map { header[$0] }
        let categoricalNames = categoricalColumns.map { header[textCovariates[$0]] }
        let staticNames = staticColumns.map { header[textCovariates[$0]] }
        var vocab: [String: [String]] = [:]
        for c in categoricalColumns { vocab[header[textCovariates[c]]] = vocabularies[c] }
        if !dynamicNames.isEmpty { report.append("covariates over time: \(dynamicNames.joined(separator: ", "))") }
        if !categoricalNames.isEmpty { report.append("categorical covariates: \(categoricalNames.joined(separator: ", "))") }
        if !staticNames.isEmpty { report.append("static attributes: \(staticNames.joined(separator: ", "))") }
        if !ignored.isEmpty { report.append("ignored: \(ignored.joined(separator: "; "))") }
        if let note = offDay.note { report.append(note) }
        if let (k, line) = firstPadded {
            report.append("note: \(paddedBoth.count) item id\(paddedBoth.count == 1 ? " is" : "s are") written both with and without spaces around "
                          + "\(paddedBoth.count == 1 ? "it" : "them") (first: '\(Visible.name(itemIDs[k]))', rows \(firstLines[k]) and \(line)); "
                          + "the spaces are trimmed, so \(paddedBoth.count == 1 ? "it is" : "each is") one item")
        }
        if let aggregation = options.aggregation {
            report.append("aggregated: \(combinedRows) rows into \(combinedPoints) points, the target's \(aggregation.rawValue) per item and "
                          + (hasTimestamps ? "\(frequency) period" : "time") + " (covariates averaged)")
            if let thin = firstThin {
                report.append("note: \(thinPoints) of those points add up under 80% of the observed rows their series usually adds (first: '\(Visible.name(itemIDs[thin.item]))', "
                              + "\(thin.rows) rows against \(thin.usual)): partial periods at the edges, missing rows or values, or members not there yet; "
                              + "their sums are low for that reason")
            }
        }

        let panel = Panel(series: series, frequency: frequency, season: season, hasTimestamps: hasTimestamps,
                          targetName: header[targetIndex], dynamicNames: dynamicNames, categoricalNames: categoricalNames,
                          staticNames: staticNames, vocabularies: vocab)
        return LoadedData(panel: panel, testLengths: nil, report: report, rowsRead: stream.rowsRead, failures: failures)
    }
}
