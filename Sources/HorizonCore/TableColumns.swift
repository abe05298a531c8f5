/// Choosing a table's columns: by name (`columns=`), and to fit a terminal's width.
extension TextTable {
    /// The leading text columns that label the rows (model, item, window…): kept whatever
    /// is chosen, since a row means nothing without them.
    public var labelColumns: Int {
        let alignments = resolvedAlignments
        return max(1, alignments.prefix { $0 == .left }.count)
    }

    /// The label columns and the columns `names` choose, in the order named. A name matches a
    /// header ignoring case, or the headers it abbreviates through `aliases` (`wql` for
    /// `mean wQL`, `p10` for `wQL[p10]`, `cov` for every coverage column). An unknown name is
    /// an error listing the names there are.
    public func selectingColumns(_ names: [String], aliases: [String: [String]] = [:]) throws -> TextTable {
        let labels = labelColumns
        var chosen: [Int] = []
        for name in names {
            let lowered = name.lowercased()
            let targets = aliases[lowered] ?? [name]
            let matched = headers.indices.filter { i in i >= labels && targets.contains { $0.lowercased() == headers[i].lowercased() } }
            guard !matched.isEmpty else {
                let known = headers.dropFirst(labels).map { $0 } + aliases.keys.sorted()
                throw HorizonError("no column '\(Visible.name(name))' (columns: \(known.joined(separator: ", ")))",
                                   suggestion: Suggestions.didYouMean(name, in: known))
            }
            for i in matched where !chosen.contains(i) { chosen.append(i) }
        }
        return keeping(Array(0..<labels) + chosen)
    }

    /// The table cut to `width` characters: trailing columns are left out (never the labels)
    /// and a note names them. Why not wrap: a wrapped row of numbers cannot be read.
    public func fitted(toWidth width: Int) -> TextTable {
        let labels = labelColumns
        var kept = Array(headers.indices)
        func renderedWidth(_ columns: [Int]) -> Int {
            columns.map { i in rows.reduce(DisplayWidth.of(Visible.name(headers[i]))) { max($0, DisplayWidth.of(Visible.name($1[i]))) } }.reduce(0, +) + 2 * (columns.count - 1)
        }
        while kept.count > labels + 1, renderedWidth(kept) > width { kept.removeLast() }
        guard kept.count < headers.count else { return self }
        var fitted = keeping(kept)
        let hidden = headers[kept.count...].map { $0 }
        fitted.notes.append("\(hidden.count) more column\(hidden.count == 1 ? "" : "s") than the terminal is wide: \(hidden.joined(separator: ", ")) "
                            + "('columns=' chooses columns; 'to PATH.csv' writes them all)")
        return fitted
    }

    /// Only the columns `indices`, in that order.
    func keeping(_ indices: [Int]) -> TextTable {
        var table = TextTable(title: title, headers: indices.map { headers[$0] },
                              alignments: alignments.map { a in indices.map { a[$0] } }, rows: rows.map { row in indices.map { row[$0] } })
        table.notes = notes
        return table
    }
}
