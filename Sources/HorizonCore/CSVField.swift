/// A CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote, a CR or a LF
/// (quotes doubled inside), as is otherwise — so an item id from data can never end a field
/// or a row early in a file Horizon writes.
public enum CSVField {
    public static func quoted(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return text }
        // By scalar: a quote fused with a combining mark into one Character is still a quote.
        var out = String.UnicodeScalarView()
        out.append("\"")
        for scalar in text.unicodeScalars {
            out.append(scalar)
            if scalar == "\"" { out.append("\"") }
        }
        out.append("\"")
        return String(out)
    }

    /// A text field from data (an item id) in a file a spreadsheet may open: `quoted`, with an
    /// apostrophe in front when it starts with =, +, -, @, a tab or a CR — the characters a
    /// spreadsheet reads as the start of a formula (CSV injection), so an id such as
    /// `=HYPERLINK(…)` stays text there. Numbers are written as they are, never through this.
    public static func text(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return quoted(text) }
        return quoted("'" + text)
    }
}
