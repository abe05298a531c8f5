/// Text from data, files or the command line made safe to show: every control character is
/// written out as an escape (`\x1b`, `\r`, `\u{202e}`) instead of reaching a terminal, a
/// notebook or another program raw.
///
/// Why: an item id, column name or model name can carry ESC sequences (an OSC 52 sequence
/// writes the user's clipboard), a CR that overwrites what was printed, bytes that make an
/// XHTML page invalid, or a bidirectional override that shows text reversed. What these
/// functions return holds none of them. Backslashes are left as they are: an id written
/// `A\B` reads as written, at the cost that `\x1b` typed literally looks like an escape.
public enum Visible {
    /// A name on one line: every control character escaped, newlines and tabs included.
    public static func name(_ text: String) -> String {
        escaped(text, keepingLineBreaks: false)
    }

    /// Multi-line text (messages, command output): line feeds and tabs kept, every other
    /// control character escaped.
    public static func lines(_ text: String) -> String {
        escaped(text, keepingLineBreaks: true)
    }

    /// Whether `text` holds any character that `name` would escape.
    public static func hasControl(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isControl)
    }

    /// C0 and C1 controls, DEL, the line and paragraph separators, the bidirectional marks,
    /// embeddings, overrides and isolates (U+061C among them), and the invisible characters
    /// that join nothing in any script (the zero-width space, the word joiner and the invisible
    /// operators), which make two ids that look the same. The zero-width joiner and non-joiner
    /// stay: Persian words and emoji sequences need them.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0xFEFF,
             0x061C, 0x200B, 0x2060...0x2064: return true
        default: return false
        }
    }

    private static func escaped(_ text: String, keepingLineBreaks: Bool) -> String {
        // The common case (no control character) returns the text as it is.
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where keepingLineBreaks, "\t" where keepingLineBreaks: out.append(scalar)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case _ where scalar.value <= 0xFF && isControl(scalar):
                out.append(contentsOf: "\\x\(hex(scalar.value, digits: 2))".unicodeScalars)
            case _ where isControl(scalar):
                out.append(contentsOf: "\\u{\(hex(scalar.value, digits: 4))}".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// `U+0063 U+0061 U+0066 U+00E9`: what tells apart two names that look alike (one
    /// spelled with a combining accent).
    public static func codePoints(_ text: String) -> String {
        text.unicodeScalars.map { "U+" + hex($0.value, digits: 4).uppercased() }.joined(separator: " ")
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
