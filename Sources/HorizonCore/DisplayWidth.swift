/// How many terminal columns text takes, so tables stay aligned around ids in Chinese,
/// Japanese or Korean, and emoji: each takes two columns, while `String.count` counts one.
///
/// Written by hand because no package on this machine's mirror offers `wcwidth`, and the C
/// library's depends on the process locale. It follows East Asian Width (Wide and Fullwidth:
/// two columns) and emoji presentation (two), by grapheme cluster, so a letter with combining
/// marks stays one column.
public enum DisplayWidth {
    /// The columns `text` takes on a terminal.
    public static func of(_ text: String) -> Int {
        // The common case (ASCII, Latin, Greek, Cyrillic…) is one column per Character.
        guard text.unicodeScalars.contains(where: { $0.value >= 0x1100 }) else { return text.count }
        return text.reduce(0) { $0 + width(of: $1) }
    }

    static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.properties.isEmojiPresentation || isWide(first.value) { return 2 }
        // An emoji written as text plus the emoji selector (U+FE0F) is drawn two columns wide.
        if character.unicodeScalars.contains("\u{FE0F}"), first.properties.isEmoji { return 2 }
        return 1
    }

    /// The East Asian Wide and Fullwidth blocks.
    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD: return true
        default: return false
        }
    }
}
