import HorizonCore

/// Text made safe for HTML: every `&`, `<`, `>` and quote becomes an entity, so item names,
/// titles and command output can never open a tag, and every control character other than a
/// line feed or tab is shown as an escape (`\x1b`), so the page stays well-formed XML.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in Visible.lines(text).unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
