import Foundation

/// gnuplot's SVG made fit to sit inside an HTML page next to others: the XML declaration and
/// gnuplot's own `<title>` go, and every id (with the references to it) gets a prefix of its
/// own, since each chart defines the same ids (`gpPt6`, `gnuplot_canvas`, …) and a page may
/// hold many charts.
enum InlineSVG {
    static func embed(_ svg: String, prefix: String) -> String {
        var text = svg
        if let start = text.range(of: "<svg") { text = String(text[start.lowerBound...]) }
        text = text.replacingOccurrences(of: "<title>Gnuplot</title>", with: "")
        let rules = [("id=(['\"])([^'\"]+)\\1", "id=$1\(prefix)-$2$1"), ("href=(['\"])#([^'\"]+)\\1", "href=$1#\(prefix)-$2$1"),
                     ("url\\(#([^)]+)\\)", "url(#\(prefix)-$1)")].map { (try! NSRegularExpression(pattern: $0.0), $0.1) }
        // Inside tags only: a chart's text (an item id such as `x id="evil" y`) is drawn as
        // written. gnuplot escapes `<` in text, so every `<` opens a tag.
        var out = "", rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            out += rest[..<open]
            let close = rest[open...].firstIndex(of: ">").map { rest.index(after: $0) } ?? rest.endIndex
            var tag = String(rest[open..<close])
            for (regex, template) in rules {
                tag = regex.stringByReplacingMatches(in: tag, range: NSRange(tag.startIndex..., in: tag), withTemplate: template)
            }
            out += tag
            rest = rest[close...]
        }
        out += rest
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
