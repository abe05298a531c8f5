import Foundation

/// A script seen as a notebook: its text cut into cells.
///
/// A cell ends at a blank line or a `# %%` line (text after `# %%` is the next cell's title).
/// The `#` comment lines at the top of a cell are its prose, in Markdown; the rest is its code,
/// comments included. A cell of prose alone is a text cell. Cells only group lines for
/// display: the script is still parsed and run as one, with the same line numbers.
public struct Notebook: Sendable {
    /// A numbered line of the script.
    public struct Line: Sendable, Equatable {
        public var number: Int
        public var text: String
    }

    public struct Cell: Sendable, Equatable {
        public var title: String?
        /// The prose, one Markdown line per comment line (`#` and one space removed).
        public var prose: [String]
        /// The lines after the prose.
        public var code: [Line]

        /// Whether the statement starting on `line` belongs to this cell.
        public func contains(line: Int) -> Bool {
            guard let first = code.first?.number, let last = code.last?.number else { return false }
            return (first...last).contains(line)
        }
    }

    /// The script's path as given (shown in the notebook and in error locations).
    public var source: String
    public var text: String
    public var cells: [Cell]

    public init(text: String, source: String) {
        self.source = source
        self.text = text
        cells = Self.cells(of: text)
    }

    /// The cell holding `line` (a statement's first line, or where a parse error is); a line
    /// between cells belongs to the cell before it.
    public func cellIndex(containing line: Int) -> Int? {
        if let exact = cells.firstIndex(where: { $0.contains(line: line) }) { return exact }
        return cells.lastIndex { ($0.code.first?.number ?? Int.max) <= line } ?? (cells.isEmpty ? nil : 0)
    }

    private static func cells(of text: String) -> [Cell] {
        var cells: [Cell] = []
        var title: String?
        var lines: [Line] = []
        func finish() {
            if title != nil || !lines.isEmpty { cells.append(cell(title: title, lines: lines)) }
            title = nil
            lines = []
        }
        // "\r\n" is one Character in Swift, so it is a separator of its own; a lone CR ends a
        // line too, as the lexer reads it (else a command after it would hide in a comment).
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).enumerated() {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let marker = cellMarker(trimmed) {
                finish()
                title = marker.isEmpty ? nil : marker
            } else if trimmed.isEmpty {
                // A blank line right after a `# %%` title keeps the titled cell open.
                if !lines.isEmpty { finish() }
            } else {
                lines.append(Line(number: index + 1, text: line))
            }
        }
        finish()
        return cells
    }

    /// The title after `# %%` (empty when there is none), or nil for any other line.
    private static func cellMarker(_ line: String) -> String? {
        guard line.hasPrefix("#") else { return nil }
        let rest = line.dropFirst().drop { $0 == " " || $0 == "\t" }
        guard rest.hasPrefix("%%") else { return nil }
        return rest.dropFirst(2).trimmingCharacters(in: .whitespaces)
    }

    private static func cell(title: String?, lines: [Line]) -> Cell {
        let proseCount = lines.prefix { $0.text.trimmingCharacters(in: .whitespaces).hasPrefix("#") }.count
        let prose = lines.prefix(proseCount).map { line -> String in
            let comment = line.text.trimmingCharacters(in: .whitespaces).dropFirst()
            return String(comment.hasPrefix(" ") ? comment.dropFirst() : comment)
        }
        return Cell(title: title, prose: prose, code: Array(lines.dropFirst(proseCount)))
    }
}
