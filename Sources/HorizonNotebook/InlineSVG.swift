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
        for (pattern, template) in [("id=(['\"])([^'\"]+)\\1", "id=$1\(prefix)-$2$1"),
                                    ("href=(['\"])#([^'\"]+)\\1", "href=$1#\(prefix)-$2$1"),
                                    ("url\\(#([^)]+)\\)", "url(#\(prefix)-$1)")] {
            let regex = try! NSRegularExpression(pattern: pattern)
            text = regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
