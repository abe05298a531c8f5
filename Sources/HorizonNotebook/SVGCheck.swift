/// Whether an SVG document is inert enough to inline in a page: only the drawing elements
/// gnuplot writes, no event handler attribute, no link outside the document, no script,
/// no foreign content, no entity definitions, no CDATA.
///
/// A notebook inlines the charts Horizon drew, read back the moment they were written; this
/// check is the second line: a file that fails it (something else wrote there, or a chart
/// was replaced before it was read) is linked by its path, never inlined. It is an allow-list
/// over tags, so it needs no XML parser: gnuplot escapes `<` in text, so every `<` in its
/// output starts markup.
enum SVGCheck {
    static let elements: Set<String> = [
        "svg", "g", "title", "desc", "defs", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
        "tspan", "use", "clippath", "lineargradient", "radialgradient", "stop", "pattern", "marker", "symbol", "mask",
        "filter", "fecomposite", "feflood", "feoffset", "fegaussianblur", "feblend", "femerge", "femergenode",
    ]

    static func isInert(_ svg: String) -> Bool {
        let bytes = Array(svg.utf8)
        var i = 0
        var sawSVG = false
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            guard let end = tagEnd(bytes, from: i) else { return false }
            let tag = String(decoding: bytes[(i + 1)..<end], as: UTF8.self)
            i = end + 1
            if tag.hasPrefix("?") { continue }  // <?xml …?>
            if tag.hasPrefix("!--") { continue }
            if tag.hasPrefix("!") {
                // A DOCTYPE without an internal subset (no entity definitions); nothing else.
                guard tag.uppercased().hasPrefix("!DOCTYPE"), !tag.contains("[") else { return false }
                continue
            }
            let body = tag.hasPrefix("/") ? Substring(tag.dropFirst()) : Substring(tag)
            let name = body.prefix { !$0.isWhitespace && $0 != "/" && $0 != ">" }.lowercased()
            guard elements.contains(name) else { return false }
            if name == "svg" { sawSVG = true }
            guard attributesAreInert(body.dropFirst(name.count)) else { return false }
        }
        return sawSVG
    }

    /// The `>` closing the tag that starts at `start`, outside quoted attribute values.
    private static func tagEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var quote: UInt8?
        var k = start + 1
        while k < bytes.count {
            let b = bytes[k]
            if let q = quote {
                if b == q { quote = nil }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                quote = b
            } else if b == UInt8(ascii: ">") {
                return k
            } else if b == UInt8(ascii: "<") {
                return nil
            }
            k += 1
        }
        return nil
    }

    /// No `on…` handler, links only within the document, no `javascript:` or outside `url(…)`.
    private static func attributesAreInert(_ text: Substring) -> Bool {
        var rest = text[...]
        while true {
            rest = rest.drop { $0.isWhitespace || $0 == "/" }
            guard !rest.isEmpty else { return true }
            let name = rest.prefix { !$0.isWhitespace && $0 != "=" && $0 != "/" }.lowercased()
            guard !name.isEmpty else { return false }
            rest = rest.dropFirst(name.count).drop(while: \.isWhitespace)
            var value = ""
            if rest.first == "=" {
                rest = rest.dropFirst().drop(while: \.isWhitespace)
                guard let quote = rest.first, quote == "\"" || quote == "'" else { return false }
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: quote) else { return false }
                value = String(rest[..<close])
                rest = rest[rest.index(after: close)...]
            }
            let lowered = value.lowercased().filter { !$0.isWhitespace }
            if name.hasPrefix("on") { return false }
            if name == "href" || name.hasSuffix(":href") || name == "src" { if !lowered.hasPrefix("#") { return false } }
            if lowered.contains("javascript:") || lowered.contains("expression(") { return false }
            if lowered.contains("url(") && !lowered.replacingOccurrences(of: "url(#", with: "").contains("url(") { continue }
            if lowered.contains("url(") { return false }
        }
    }
}
