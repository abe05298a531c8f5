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
}
