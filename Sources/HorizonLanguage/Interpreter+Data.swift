import Foundation
import HorizonCore
import HorizonData
import HorizonModels

extension Interpreter {
    func load(_ path: Located<String>, _ load: LoadOptions, test: Located<String>?) throws {
        let started = Date()
        let data: LoadedData
        do {
            data = try PanelLoader.load(path: path.value, options: load)
        } catch let error as HorizonError {
            // Problems with the test file point at the test= option; the rest at the path.
            if let test, error.message.contains(test.value) { throw error.located(at: test.location) }
            throw error.located(at: path.location)
        }
        let seconds = Date().timeIntervalSince(started)
        session.data = data
        session.dataPath = path.value
        session.sourceFiles = [path.value] + (load.testPath.map { [$0] } ?? [])
        // Models fitted on other data cannot forecast this one: they go, and the summary says so.
        let dropped = session.models.map(\.name)
        session.models = []
        session.naive2Reference = nil
        let lengths = data.panel.series.map(\.count)
        var lines = ["loaded \(path.value): \(data.panel.count) series, \(lengths.min() ?? 0)–\(lengths.max() ?? 0) points each, \(data.rowsRead) rows in \(NumberFormat.duration(seconds))"]
        lines += data.report.map { "  " + $0 }
        lines.append("  horizon \(session.horizon)" + (session.horizonSetting == nil ? " (default for \(data.panel.frequency); change with 'set horizon N')" : ""))
        if !dropped.isEmpty {
            let shown = dropped.prefix(5).joined(separator: ", ") + (dropped.count > 5 ? ", …" : "")
            lines.append("  dropped the \(dropped.count) model\(dropped.count == 1 ? "" : "s") trained on the earlier data (\(shown)); "
                         + "'save model NAME to FILE' before a load keeps one")
        }
        emit(lines.joined(separator: "\n"))
    }

    /// One item: its attributes, span, level and spread, gaps, zeros, covariates, whether the
    /// seasonality test finds its season, and how much of it the holdout takes.
    func describe(_ item: Located<String>) throws {
        let data = try requireData(item.location)
        let panel = data.panel
        let series = try lookup(item, in: panel)
        let observed = series.values.filter { !$0.isNaN }
        let mean = observed.isEmpty ? Double.nan : observed.reduce(0, +) / Double(observed.count)
        let spread = observed.count < 2 ? Double.nan : (observed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(observed.count - 1)).squareRoot()
        var table = TextTable(title: series.id, headers: ["property", "value"])
        for (key, value) in series.statics.sorted(by: { $0.key < $1.key }) { table.append([key, value]) }
        table.append(["length", "\(series.count) points, \(panel.timeLabel(series.start)) – \(panel.timeLabel(panel.time(of: series, at: max(series.count - 1, 0))))"])
        table.append(["missing values", "\(series.count - observed.count)"])
        table.append(["zeros", "\(observed.filter { $0 == 0 }.count) (\(NumberFormat.fixed(observed.isEmpty ? 0 : 100 * Double(observed.filter { $0 == 0 }.count) / Double(observed.count), 1))%)"])
        table.append(["\(panel.targetName): mean, sd", "\(NumberFormat.value(mean)), \(NumberFormat.value(spread))"])
        table.append(["\(panel.targetName): min, max, last observed", "\(NumberFormat.value(observed.min() ?? .nan)), \(NumberFormat.value(observed.max() ?? .nan)), \(NumberFormat.value(observed.last ?? .nan))"
                      + (series.values.last?.isNaN == true ? " (the last point is missing)" : "")])
        for name in panel.dynamicNames {
            let values = (series.dynamic[name] ?? []).filter { $0.isFinite }
            table.append([name, values.isEmpty ? "none" : "\(NumberFormat.value(values.min()!))…\(NumberFormat.value(values.max()!)), last \(NumberFormat.value(values.last!))"
                          + " (\(Self.distinctCount(values)) distinct)"])
        }
        table.append(["season \(panel.season)", Self.seasonalityVerdict(series.values, season: panel.season)])
        let k = panel.index(of: series.id)!, counts = session.holdoutCounts()
        let held = k < counts.count ? min(counts[k], series.count) : 0
        table.append(["holdout", held == series.count ? "all \(held) points (no history before it)" : "last \(held) points"])
        output.emit(.table(table))
    }

    /// Values told apart to 10 significant digits: averaged prices (aggregate=) differ in their
    /// last bits where the data does not.
    static func distinctCount(_ values: [Double]) -> Int {
        Set(values.map { String(format: "%.10g", $0) }).count
    }

    /// What M4's seasonality test says of a series, and why when it cannot look: it needs three
    /// seasons and looks at lags up to ⌊10·log10 n⌋ only (a weekly season of 52 needs 1.6·10⁵
    /// points to be seen), so "not found" would claim more than the test did.
    static func seasonalityVerdict(_ values: [Double], season m: Int) -> String {
        switch SeasonalAdjustment.verdict(series: values, season: m) {
        case .seasonal: return "the seasonality test finds it"
        case .notSeasonal: return "the seasonality test does not find it (naive2 is naive here)"
        case .noSeason: return "no season to test"
        case .tooShort(let n, let needed): return "not tested: the seasonality test needs 3 seasons (\(needed) points), this has \(n) (naive2 is naive here)"
        case .pastLagLimit(let lagMax): return "not tested: the seasonality test looks at lags up to ⌊10·log10 n⌋ = \(lagMax), below the season (naive2 is naive here)"
        }
    }

    func describe() throws {
        let data = try requireData()
        let panel = data.panel
        let lengths = panel.series.map(\.count).sorted()
        let missing = panel.series.reduce(0) { $0 + $1.count - $1.observedCount }
        let total = lengths.reduce(0, +)
        let zeros = panel.series.reduce(0) { acc, s in acc + s.values.reduce(0) { $1 == 0 ? $0 + 1 : $0 } }
        let negative = panel.series.contains { $0.values.contains { $0 < 0 } }
        var table = TextTable(title: "\(session.dataPath ?? "data")", headers: ["property", "value"])
        table.append(["series", "\(panel.count)"])
        table.append(["length", "\(lengths.first ?? 0)–\(lengths.last ?? 0) (median \(lengths.isEmpty ? 0 : lengths[lengths.count / 2]))"])
        table.append(["frequency", panel.frequency.description])
        table.append(["season", "\(panel.season)"])
        if panel.hasTimestamps {
            let starts = panel.series.map(\.start), ends = panel.series.map { panel.time(of: $0, at: $0.count - 1) }
            table.append(["time span", "\(panel.timeLabel(starts.min() ?? 0)) – \(panel.timeLabel(ends.max() ?? 0))"])
        }
        table.append(["target", panel.targetName + (negative ? "" : " (never negative)")])
        table.append(["missing values", "\(missing) of \(total) (\(NumberFormat.fixed(total > 0 ? 100 * Double(missing) / Double(total) : 0, 1))%)"])
        // Of the values observed, as for one item (a missing value is neither zero nor not).
        table.append(["zeros", "\(zeros) (\(NumberFormat.fixed(total > missing ? 100 * Double(zeros) / Double(total - missing) : 0, 1))% of those observed)"])
        table.append(["covariates over time", panel.dynamicNames.isEmpty ? "none" : panel.dynamicNames.joined(separator: ", ")])
        if !panel.categoricalNames.isEmpty { table.append(["categorical covariates", panel.categoricalNames.joined(separator: ", ")]) }
        if !panel.staticNames.isEmpty {
            let described = panel.staticNames.map { name in
                "\(name) (\(Set(panel.series.compactMap { $0.statics[name] }).count) levels)"
            }
            table.append(["static attributes", described.joined(separator: ", ")])
        }
        let counts = session.holdoutCounts()
        let holdout = data.testLengths != nil && session.holdoutSetting == nil ? "from the test file" : "last \(counts.first ?? 0) points"
        table.append(["holdout", holdout])
        table.append(["horizon", "\(session.horizon)"])
        output.emit(.table(table))
    }

    func show(_ item: Located<String>, rows: Int) throws {
        let data = try requireData(item.location)
        let series = try lookup(item, in: data.panel)
        let panel = data.panel
        var table = TextTable(title: "\(series.id): last \(min(rows, series.count)) of \(series.count) points",
                              headers: ["time", panel.targetName] + panel.dynamicNames + panel.categoricalNames)
        for t in max(0, series.count - rows)..<series.count {
            var row = [panel.timeLabel(panel.time(of: series, at: t)), NumberFormat.value(series.values[t])]
            row += panel.dynamicNames.map { NumberFormat.value(series.dynamic[$0]?[t] ?? .nan) }
            row += panel.categoricalNames.map { name in
                let code = series.categorical[name]?[t] ?? -1
                return code >= 0 ? panel.vocabularies[name]?[Int(code)] ?? "" : ""
            }
            table.append(row)
        }
        if !series.statics.isEmpty {
            table.notes.append(series.statics.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        output.emit(.table(table))
    }

    /// A series by id, or a located error suggesting the closest id.
    func lookup(_ item: Located<String>, in panel: Panel) throws -> Series {
        if let s = panel[item.value] { return s }
        let caseless = panel.series.first { $0.id.lowercased() == item.value.lowercased() }
        if let caseless { return caseless }
        // A pasted 20,000-character id is named by its start, not echoed whole.
        let shown = item.value.count > 80 ? item.value.prefix(60) + "… (\(item.value.count) characters)" : item.value
        // A typo is suggested by edit distance; the start of an id by the ids it starts.
        var suggestion = Suggestions.didYouMean(item.value, in: panel.ids)
        if suggestion == nil, !item.value.isEmpty, item.value.count <= Suggestions.maxLength {
            let lowered = item.value.lowercased()
            let starting = panel.ids.filter { $0.lowercased().hasPrefix(lowered) }
            if !starting.isEmpty {
                suggestion = "items starting with '\(Visible.name(item.value))': " + starting.prefix(5).map(Visible.name).joined(separator: ", ")
                    + (starting.count > 5 ? ", … (\(starting.count))" : "")
            }
        }
        throw HorizonError("no series '\(shown)' in the data", at: item.location, suggestion: suggestion)
    }
}
