import HorizonCore

/// Reads a CSV (plain, gzip or xz) in any of the three layouts into a `Panel`, detecting the
/// layout, the item/time/target columns and the frequency when the user did not say, and
/// reporting in words what it decided.
public enum PanelLoader {
    /// How many records are read ahead to detect the layout.
    static let sampleSize = 2000

    public static func load(path: String, options: LoadOptions = LoadOptions(), showProgress: Bool = true) throws -> LoadedData {
        try load(reader: CSVReader(path: path), options: options, showProgress: showProgress)
    }

    /// Loads from any byte source (`path` names it in messages and, for the competition
    /// layout, gives the frequency by its file name); the path's own file is not opened.
    public static func load(source: ByteSource, path: String, options: LoadOptions = LoadOptions(),
                            showProgress: Bool = true) throws -> LoadedData {
        try load(reader: CSVReader(path: path, source: source), options: options, showProgress: showProgress)
    }

    /// `dropsUnobserved`: whether series with no observed target are dropped (a training
    /// file's are: nothing to learn or forecast from; a test file's are not: see below).
    static func load(reader: CSVReader, options: LoadOptions, showProgress: Bool, dropsUnobserved: Bool = true) throws -> LoadedData {
        let path = reader.path
        var record = CSVRecord()
        guard try reader.next(into: &record) else { throw HorizonError("'\(path)' is empty: no header, no data") }
        let names = record.strings
        if let c = names.firstIndex(where: { $0.contains("\n") }) {
            throw HorizonError("\(path), line \(record.line), column \(c + 1): the column name '\(Visible.name(names[c]))' holds a line break")
        }
        let header = uniqueHeader(names)
        var sample: [CSVRecord] = []
        while sample.count < sampleSize, try reader.next(into: &record) { sample.append(record) }
        guard !sample.isEmpty else { throw HorizonError("'\(path)' has a header but no data rows") }

        var profiles = header.map { ColumnProfile(name: $0) }
        for r in sample { for i in header.indices { profiles[i].observe(r, i) } }

        let stream = RecordStream(reader: reader, header: header, sample: sample, showProgress: showProgress)
        let format = try options.format ?? detectFormat(header: header, profiles: profiles, options: options, path: path)
        let detected = options.format == nil ? "detected" : "given"
        if options.aggregation != nil, format != .long {
            throw HorizonError("aggregate= combines rows that share an item and a period, which only the long layout has (this is \(format.rawValue))")
        }
        var data: LoadedData
        switch format {
        case .rows:
            data = try RowsFormat.load(stream, options: options)
        case .wide:
            data = try WideFormat.load(stream, profiles: profiles, options: options)
        case .long:
            data = try LongFormat.load(stream, profiles: profiles, options: options)
        }
        if let testPath = options.testPath {
            var testOptions = options
            testOptions.format = format
            testOptions.testPath = nil
            testOptions.frequency = data.panel.frequency
            // The test file is read as it is: a series it holds only missing values for is still
            // a series of the training data, and the holdout simply scores nothing there.
            let test = try load(reader: CSVReader(path: testPath), options: testOptions, showProgress: showProgress,
                                dropsUnobserved: false)
            let dropped = try dropUnobserved(&data, path: path)
            let kept = test.panel.replacingSeries(test.panel.series.filter { !dropped.contains($0.id) })
            data = try appendTest(kept, to: data, testPath: testPath, continuesPositions: format == .rows)
        } else if dropsUnobserved {
            let dropped = try dropUnobserved(&data, path: path)
            if options.isolatesSeries {
                data.failures += dropped.sorted().map { SeriesFailure(item: $0, stage: "load", message: "it has no observed target values") }
            }
        }
        data.report.insert("format: \(format.rawValue) (\(detected))", at: 0)
        return data
    }

    /// Series whose target is missing everywhere in the training data give a model nothing to
    /// learn from or forecast from: they are dropped, and the report names them. With a test
    /// file this runs before its values are appended, so a series observed only in the test
    /// part is dropped too (and the test file's rows for it are ignored). Returns their ids.
    static func dropUnobserved(_ data: inout LoadedData, path: String) throws -> Set<String> {
        let empty = data.panel.series.indices.filter { data.panel.series[$0].observedCount == 0 }
        guard !empty.isEmpty else { return [] }
        guard empty.count < data.panel.count else { throw HorizonError("'\(path)' has no observed target values in any series") }
        let names = empty.prefix(5).map { data.panel.series[$0].id }.joined(separator: ", ") + (empty.count > 5 ? ", …" : "")
        let dropped = Set(empty), ids = Set(empty.map { data.panel.series[$0].id })
        data.panel = data.panel.replacingSeries(data.panel.series.indices.filter { !dropped.contains($0) }.map { data.panel.series[$0] })
        if let lengths = data.testLengths { data.testLengths = lengths.indices.filter { !dropped.contains($0) }.map { lengths[$0] } }
        data.report.append("dropped \(empty.count) series with no observed values: \(names)")
        return ids
    }

    /// Appends a test file's continuation of each series, placed by time after the training
    /// data; in the competition layout (`continuesPositions`) it simply follows the last value.
    static func appendTest(_ test: Panel, to data: LoadedData, testPath: String, continuesPositions: Bool) throws -> LoadedData {
        var result = data
        var lengths: [Int] = []
        var cells = 0
        let columnsPerStep = 1 + data.panel.dynamicNames.count + data.panel.categoricalNames.count
        let values = (data.panel.series.reduce(0) { $0 + $1.observedCount } + test.series.reduce(0) { $0 + $1.count }) * columnsPerStep
        for k in result.panel.series.indices {
            var s = result.panel.series[k]
            guard let t = test[s.id] else {
                throw HorizonError("test file '\(testPath)' has no rows for series '\(s.id)'")
            }
            let difference = t.start.subtractingReportingOverflow(s.start)
            let offset = continuesPositions ? s.count
                : data.panel.hasTimestamps ? data.panel.frequency.steps(from: s.start, to: t.start)
                : difference.overflow ? nil : Int(exactly: difference.partialValue)
            guard let offset, offset >= s.count else {
                throw HorizonError("test file '\(testPath)': series '\(s.id)' does not start after the training data ends")
            }
            // The gap is stored as missing values, so it is held to a series' span limit.
            let gap = offset - s.count
            guard gap < TimeGrid.maxSteps(rows: t.count) else {
                throw HorizonError("test file '\(testPath)': series '\(s.id)' starts \(gap) steps (\(data.panel.frequency)) after its training data ends; "
                                   + "is a time wrong, or is this the test file of other data?")
            }
            cells += (s.count + gap + t.count) * columnsPerStep
            try TimeGrid.checkPanel(cells: cells, values: values, path: testPath)
            s.values += [Double](repeating: .nan, count: gap) + t.values
            for name in data.panel.dynamicNames {
                let tail = t.dynamic[name] ?? [Double](repeating: .nan, count: t.count)
                s.dynamic[name, default: []] += [Double](repeating: .nan, count: gap) + tail
            }
            for name in data.panel.categoricalNames {
                // Codes index the training vocabulary; a test file has its own, so map through the text.
                let trainVocabulary = data.panel.vocabularies[name] ?? []
                let testVocabulary = test.vocabularies[name] ?? []
                let index = Dictionary(trainVocabulary.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
                let tail = (t.categorical[name] ?? []).map { $0 >= 0 ? (index[testVocabulary[Int($0)]] ?? -1) : -1 }
                s.categorical[name, default: []] += [Int32](repeating: -1, count: gap) + tail
                    + [Int32](repeating: -1, count: t.count - tail.count)
            }
            result.panel.series[k] = s
            lengths.append(gap + t.count)
        }
        let trainIDs = Set(data.panel.ids)
        if let extra = test.ids.first(where: { !trainIDs.contains($0) }) {
            throw HorizonError("test file '\(testPath)' has series '\(extra)' that is not in the training data")
        }
        result.testLengths = lengths
        let (shortest, longest) = (lengths.min() ?? 0, lengths.max() ?? 0)
        result.report.append("test: \(testPath), \(shortest == longest ? "\(shortest)" : "\(shortest)–\(longest)") points per series held out")
        return result
    }

    /// Header names made unique and non-empty, so every column can be addressed: a repeated
    /// name gets the first free `_N` suffix, free of every name the file itself gives.
    static func uniqueHeader(_ names: [String]) -> [String] {
        var used = Set(names.filter { !$0.isEmpty })
        var seen: Set<String> = []
        return names.enumerated().map { i, raw in
            var name = raw.isEmpty ? "column\(i + 1)" : raw
            if seen.contains(name) || (raw.isEmpty && used.contains(name)) {
                var n = 2
                while used.contains("\(name)_\(n)") { n += 1 }
                name += "_\(n)"
            }
            used.insert(name)
            seen.insert(name)
            return name
        }
    }

    /// Index of a column the user named, or a located error with a suggestion.
    static func column(_ name: String, in header: [String], path: String, role: String) throws -> Int {
        if let i = header.firstIndex(where: { $0 == name }) ?? header.firstIndex(where: { $0.lowercased() == name.lowercased() }) {
            return i
        }
        throw HorizonError("no column '\(name)' in '\(path)' for \(role) (columns: \(header.joined(separator: ", ")))",
                           suggestion: Suggestions.didYouMean(name, in: header))
    }

    static func detectFormat(header: [String], profiles: [ColumnProfile], options: LoadOptions, path: String) throws -> DataFormat {
        if options.itemColumns != nil || options.targetColumn != nil { return .long }
        let first = profiles[0]
        let restNumeric = profiles.dropFirst().allSatisfy { $0.isNumeric || $0.isEmpty }
        // Competition layout: text ids in the first column, each on one row, numbers after. A
        // first column named as time (`date`, `week`) holds dates this reader cannot read
        // (01/02/2024, 2024-W05): each would become a two-point series, so it is not.
        let timeNamed = ColumnNames.find(ColumnNames.time, in: [header[0]]) != nil
        if !timeNamed, first.isText || (first.isIntegral && header[0].lowercased() == "id"),
           restNumeric, first.distinct.count == first.nonMissing, header.count > 2 {
            return .rows
        }
        if timeNamed, !first.isNumeric, !first.isEmpty, restNumeric, first.distinct.count == first.nonMissing { return .wide }
        let textColumns = profiles.indices.filter { profiles[$0].isText }
        let timeIndex = options.timeColumn.flatMap { name in header.firstIndex { $0.lowercased() == name.lowercased() } }
            ?? profiles.firstIndex { $0.isTimestamp }
            ?? ColumnNames.find(ColumnNames.time, in: header) { profiles[$0].isIntegral }
        if let t = timeIndex {
            let repeats = profiles[t].distinct.count < profiles[t].nonMissing
            if textColumns.isEmpty && !repeats { return .wide }
            if !textColumns.isEmpty || repeats { return .long }
        }
        if !textColumns.isEmpty { return .long }
        throw HorizonError("cannot tell the layout of '\(path)': say format=long, format=wide or format=rows")
    }
}
