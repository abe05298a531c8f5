import Foundation
import HorizonCore
import HorizonLanguage

/// A notebook run as Markdown: prose as written, code and text output in fences, tables as
/// pipe tables, and charts as SVG files in a folder beside the `.md`, linked by relative path.
enum MarkdownNotebook {
    /// The Markdown and the chart files it links to (names inside `chartFolder`).
    /// `directory` is where the `.md` goes, for links to images that `plot … to` wrote.
    static func render(_ run: NotebookRun, chartFolder: String, directory: String) -> (text: String, charts: [(name: String, svg: String)]) {
        let notebook = run.notebook
        var out = "# \(escape((notebook.source as NSString).lastPathComponent))\n\n*\(escape(NotebookSummary.line(run)))*\n"
        var charts: [(name: String, svg: String)] = []
        for (c, cell) in notebook.cells.enumerated() {
            let notRun = run.didNotRun(c)
            out += "\n"
            if let title = cell.title { out += "## \(prose(title))\n\n" }
            if !cell.prose.isEmpty { out += cell.prose.map(prose).joined(separator: "\n") + "\n\n" }
            if !cell.code.isEmpty { out += fenced(cell.code.map(\.text).joined(separator: "\n"), info: "sh") }
            let steps = run.steps[c]
            var chartsInCell = 0
            for step in steps {
                if steps.count > 1 {
                    let label = String(String.UnicodeScalarView(Visible.name(step.statement.text).unicodeScalars.map { $0 == "`" ? "'" : $0 }))
                    out += "› `\(label)`\n\n"
                }
                for block in step.blocks {
                    switch block {
                    case .text(let text), .chart(let text):
                        out += fenced(text, info: "text")
                    case .table(let table):
                        out += self.table(table)
                    case .svg(let svg):
                        chartsInCell += 1
                        let name = "cell\(c + 1)-\(chartsInCell).svg"
                        charts.append((name, svg))
                        out += "![chart: \(escape(step.statement.text))](\(link(chartFolder + "/" + name)))\n\n"
                    case .image(let path):
                        let target = relativePath(of: path, from: directory)
                        out += ["svg", "png"].contains((path as NSString).pathExtension.lowercased())
                            ? "![\(escape(path))](\(link(target)))\n\n*wrote \(escape(path))*\n\n" : "*wrote \(escape(path))*\n\n"
                    }
                }
            }
            if let stop = run.stop, stop.cell == c {
                switch stop.reason {
                case .error, .interrupted:
                    out += "**Error** — \(run.stopWords):\n\n"
                    out += fenced(stop.message ?? "error", info: "text")
                case .quit:
                    if c + 1 < notebook.cells.count { out += "*quit: the cells below did not run.*\n\n" }
                }
            } else if notRun {
                out += "*not run*\n\n"
            }
        }
        while out.hasSuffix("\n\n") { out.removeLast() }
        return (out, charts)
    }

    /// A pipe table: numeric columns right-aligned, the title above in bold, notes below.
    private static func table(_ table: TextTable) -> String {
        var out = table.title.map { "**\(escape($0))**\n\n" } ?? ""
        func row(_ cells: [String]) -> String { "| " + cells.map(escape).joined(separator: " | ") + " |\n" }
        out += row(table.headers)
        out += "|" + table.resolvedAlignments.map { $0 == .right ? " ---: |" : " --- |" }.joined() + "\n"
        for r in table.rows { out += row(r) }
        out += "\n"
        for note in table.notes { out += "> \(escape(note))\n" }
        return out + (table.notes.isEmpty ? "" : "\n")
    }

    /// A fenced block whose fence is longer than any run of backticks inside it; control
    /// characters other than line feeds and tabs are shown as escapes.
    private static func fenced(_ text: String, info: String) -> String {
        let text = Visible.lines(text)
        var longest = 0, run = 0
        for c in text.unicodeScalars { run = c == "`" ? run + 1 : 0; longest = max(longest, run) }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(info)\n\(text)\n\(fence)\n\n"
    }

    /// Text that Markdown shows as written: its punctuation backslash-escaped, `<` and `&`
    /// as entities (Markdown would pass HTML through).
    static func escape(_ text: String) -> String {
        // By scalar: punctuation fused with a combining mark into one Character is still punctuation.
        var out = String.UnicodeScalarView()
        for c in Visible.name(text).unicodeScalars {
            switch c {
            case "\\", "`", "*", "_", "[", "]", "|", "#": out.append("\\"); out.append(c)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            default: out.append(c)
            }
        }
        return String(out)
    }

    /// A line of a cell's prose: the script's own Markdown, kept, except raw HTML (`<` and `&`
    /// outside code spans become entities: a script from someone else must not put markup in
    /// the page a viewer renders), links (a `[` is escaped, as the HTML notebook renders no
    /// links) and control characters (shown as escapes).
    static func prose(_ line: String) -> String {
        let scalars = Array(Visible.name(line).unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\\", i + 1 < scalars.count, scalars[i + 1] == "`" {
                // A backslash-escaped backtick is text and opens no code span (CommonMark).
                out.append(contentsOf: "\\`".unicodeScalars)
                i += 2
                continue
            }
            if c == "`" {
                // A run of n backticks opens a code span only where a run of exactly n closes it
                // (CommonMark); a lone one is literal text, and what follows it is still escaped.
                var n = 0
                while i + n < scalars.count, scalars[i + n] == "`" { n += 1 }
                // A span holding `|` is not kept: in a table row the cell is split at the pipe
                // before the span is seen, and the rest of its text (`<img …>`) would be raw HTML.
                if let close = Self.closingRun(of: n, in: scalars, after: i + n), !scalars[(i + n)..<close].contains("|") {
                    out.append(contentsOf: scalars[i..<(close + n)])
                    i = close + n
                } else {
                    for _ in 0..<n { out.append(contentsOf: "\\`".unicodeScalars) }
                    i += n
                }
                continue
            }
            switch c {
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            // Prose has no links (the HTML notebook renders none): `[text](javascript:…)` stays text.
            case "[": out.append(contentsOf: "\\[".unicodeScalars)
            default: out.append(c)
            }
            i += 1
        }
        return String(out)
    }

    /// Where a run of exactly `n` backticks starts at or after `start`, if one does.
    private static func closingRun(of n: Int, in scalars: [Unicode.Scalar], after start: Int) -> Int? {
        var i = start
        while i < scalars.count {
            guard scalars[i] == "`" else { i += 1; continue }
            var m = 0
            while i + m < scalars.count, scalars[i + m] == "`" { m += 1 }
            if m == n { return i }
            i += m
        }
        return nil
    }

    /// A link target with the characters that would end it (spaces, parentheses) encoded.
    private static func link(_ path: String) -> String {
        path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: " ", with: "%20")
            .replacingOccurrences(of: "(", with: "%28").replacingOccurrences(of: ")", with: "%29")
    }

    /// `path` (relative to the working directory, or absolute) as seen from `directory`.
    static func relativePath(of path: String, from directory: String) -> String {
        let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let base = URL(fileURLWithPath: directory).standardizedFileURL.pathComponents
        let shared = zip(target, base).prefix { $0 == $1 }.count
        return (Array(repeating: "..", count: base.count - shared) + target.dropFirst(shared)).joined(separator: "/")
    }
}
