/// Whether an SVG document is inert enough to inline in a page: only the drawing elements
/// gnuplot writes, no event handler attribute, no link outside the document, no script,
/// no foreign content, no entity definitions, no CDATA, no character references in attributes.
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
        func starts(_ prefix: String, at k: Int) -> Bool {
            let p = Array(prefix.utf8)
            return k + p.count <= bytes.count && Array(bytes[k..<(k + p.count)]) == p
        }
        func find(_ needle: String, from k: Int) -> Int? {
            let n = Array(needle.utf8)
            var j = k
            while j + n.count <= bytes.count {
                if Array(bytes[j..<(j + n.count)]) == n { return j }
                j += 1
            }
            return nil
        }
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            // Markup that is not a tag ends where a browser ends it, whatever quotes it holds.
            if starts("<!--", at: i) {
                // A comment ends at the first "-->"; one holding "--" (as in "--!>") is refused.
                guard let end = find("-->", from: i + 4), find("--", from: i + 4) == end else { return false }
                i = end + 3
                continue
            }
            if starts("<?", at: i) || starts("<!", at: i) {
                // The XML declaration and a DOCTYPE without an internal subset, before the
                // drawing only (the notebook drops what precedes `<svg`); nothing else, no CDATA.
                let declaration = starts("<?xml", at: i) || String(decoding: bytes[i..<min(bytes.count, i + 9)], as: UTF8.self).uppercased() == "<!DOCTYPE"
                guard !sawSVG, declaration, let end = find(">", from: i),
                      !bytes[i..<end].contains(UInt8(ascii: "[")), !bytes[(i + 1)..<end].contains(UInt8(ascii: "<")) else { return false }
                i = end + 1
                continue
            }
            guard let end = tagEnd(bytes, from: i) else { return false }
            // gnuplot writes tags in ASCII: a non-ASCII byte in one (a combining mark fused to a
            // quote makes one Character of both) is refused, so the parse below is exact.
            guard !bytes[i...end].contains(where: { $0 >= 0x80 }) else { return false }
            let tag = String(decoding: bytes[(i + 1)..<end], as: UTF8.self)
            i = end + 1
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
            // Character references and CSS escapes could spell anything (`u&#114;l(`), and
            // xml:base would move every relative link: none of them is in what gnuplot writes.
            if value.contains("&") || value.contains("\\") || name == "xml:base" { return false }
            if name.hasPrefix("on") { return false }
            if name == "href" || name.hasSuffix(":href") || name == "src" { if !lowered.hasPrefix("#") { return false } }
            if lowered.contains("javascript:") || lowered.contains("expression(") { return false }
            if lowered.contains("url(") && !lowered.replacingOccurrences(of: "url(#", with: "").contains("url(") { continue }
            if lowered.contains("url(") { return false }
        }
    }
}
