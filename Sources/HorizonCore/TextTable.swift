/// A table as data: commands return these and the front end decides how to show them
/// (aligned text in the terminal; a real table in a notebook).
public struct TextTable: Equatable, Sendable {
    public enum Alignment: Sendable { case left, right }

    public var title: String?
    public var headers: [String]
    /// Per column; nil aligns each column by its content (numbers right, text left).
    public var alignments: [Alignment]?
    public var rows: [[String]]
    /// Lines printed under the table (definitions, caveats).
    public var notes: [String] = []

    public init(title: String? = nil, headers: [String], alignments: [Alignment]? = nil, rows: [[String]] = []) {
        self.title = title
        self.headers = headers
        self.alignments = alignments
        self.rows = rows
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == headers.count, "row has \(row.count) cells, table has \(headers.count) columns")
        rows.append(row)
    }

    /// The alignment of each column: as given, else right for columns whose cells are all
    /// numbers (or a dash for "none"), so digits line up, and left for text.
    public var resolvedAlignments: [Alignment] {
        if let alignments { return alignments }
        return headers.indices.map { i in
            let cells = rows.map { $0[i] }.filter { !$0.isEmpty && $0 != "–" }
            let numeric = !cells.isEmpty && cells.allSatisfy { Self.looksNumeric($0) }
            return numeric ? .right : .left
        }
    }

    /// A number as the tables print them: a decimal with an optional unit ("0.42 s", "12%",
    /// "1.8×"), a clock duration ("1:23"), or a missing or infinite value.
    static func looksNumeric(_ cell: String) -> Bool {
        var body = Substring(cell)
        for suffix in [" s", "%", "×"] where body.hasSuffix(suffix) { body = body.dropLast(suffix.count); break }
        if ["NA", "inf", "-inf"].contains(body) || Double(body) != nil { return true }
        return body.contains(":") && body.allSatisfy { $0.isNumber || $0 == ":" }
    }

    /// Plain aligned text: header, a rule, the rows, then the notes. Cells come from data, so
    /// their control characters are shown as escapes (a newline in an id would break the row,
    /// an escape sequence would reach the terminal).
    public func rendered() -> String {
        let headers = self.headers.map(Visible.name), rows = self.rows.map { $0.map(Visible.name) }
        let title = self.title.map(Visible.name), notes = self.notes.map(Visible.lines)
        var widths = headers.map(DisplayWidth.of)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(cell)) } }
        let alignments = resolvedAlignments
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - DisplayWidth.of(cell))
                return alignments[i] == .left ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var out: [String] = []
        if let title { out.append(title) }
        out.append(line(headers))
        out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        out += rows.map(line)
        out += notes
        return out.map { trimTrailing($0) }.joined(separator: "\n")
    }

    private func trimTrailing(_ s: String) -> String {
        var s = Substring(s)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
