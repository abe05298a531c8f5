import HorizonCore

/// Turns source text into tokens: words, quoted strings, `=` and line ends.
///
/// `#` starts a comment (at the start of a token), `\` at the end of a line continues the
/// command on the next line, and strings take `"…"` or `'…'` with `\"` and `\\` escapes.
public struct Lexer {
    public let source: String
    private let chars: [Character]
    private var index = 0
    private var line = 1
    private var column = 1

    /// - Parameter firstLine: the line number of the text's first line (a REPL cell number,
    ///   or the line of a piped input), so errors point where the user typed.
    public init(_ text: String, source: String, firstLine: Int = 1) {
        self.source = source
        // Scripts saved on Windows end lines with CR LF (one Character in Swift) or old Macs with CR.
        // A quote or backslash followed by a combining mark is one Character too, which would hide
        // it from the lexer although every other tool (an editor's search, Python's escaping in
        // horizon-spark) sees it: such a Character is taken apart. Only those three: `#` starts
        // the keycap emoji #️⃣, which must stay a word, not become a comment.
        self.chars = text.flatMap { c -> [Character] in
            if c == "\r\n" || c == "\r" { return ["\n"] }
            guard c.unicodeScalars.count > 1, let first = c.unicodeScalars.first, "\"'\\".unicodeScalars.contains(first) else { return [c] }
            var rest = String.UnicodeScalarView()
            rest.append(contentsOf: c.unicodeScalars.dropFirst())
            return [Character(first)] + Array(String(rest))  // the rest may be more than one Character
        }
        self.line = firstLine
    }

    /// `text` as a string the lexer reads back as `text`: in double quotes, with `\` and `"`
    /// escaped code point by code point (as the lexer reads them; a Character-wise replace would
    /// miss a quote carrying a combining mark).
    public static func quoted(_ text: String) -> String {
        "\"" + escaped(text, inside: "\"") + "\""
    }

    /// `text` as it must be written between two `quote`s: `\` and the quote escaped, scalar by
    /// scalar. Tab completion writes candidates this way inside a quote the user opened.
    public static func escaped(_ text: String, inside quote: Character) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\\" || quote.unicodeScalars.contains(scalar) { out.append("\\") }
            out.append(scalar)
        }
        return String(out)
    }

    private var location: SourceLocation { SourceLocation(source: source, line: line, column: column) }

    private mutating func advance() -> Character {
        let c = chars[index]
        index += 1
        if c == "\n" { line += 1; column = 1 } else { column += 1 }
        return c
    }

    private func peek(_ offset: Int = 0) -> Character? {
        index + offset < chars.count ? chars[index + offset] : nil
    }

    /// All tokens, ending with `.end`.
    public mutating func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private static func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\r" }

    public mutating func next() throws -> Token {
        while let c = peek() {
            if Self.isSpace(c) { _ = advance(); continue }
            if c == "\\" {
                // A line continuation: backslash, optional spaces, then the line end.
                var k = 1
                while let d = peek(k), Self.isSpace(d) { k += 1 }
                if peek(k) == "\n" || peek(k) == nil {
                    for _ in 0...k where peek() != nil { _ = advance() }
                    continue
                }
            }
            if c == "#" {
                while let d = peek(), d != "\n" { _ = advance() }
                continue
            }
            break
        }
        let start = location
        guard let c = peek() else { return Token(kind: .end, location: start) }
        if c == "\n" { _ = advance(); return Token(kind: .newline, location: start) }
        if c == "=" { _ = advance(); return Token(kind: .equals, location: start) }
        if c == "\"" || c == "'" {
            let quote = advance()
            var text = ""
            while true {
                guard let d = peek(), d != "\n" else {
                    throw HorizonError("unterminated string: add the closing \(quote)", at: start)
                }
                _ = advance()
                if d == quote { break }
                if d == "\\", let e = peek(), e == quote || e == "\\" { text.append(advance()); continue }
                text.append(d)
            }
            return Token(kind: .string(text), location: start)
        }
        var word = ""
        while let d = peek(), !Self.isSpace(d), d != "\n", d != "=", d != "\"", d != "'" {
            if d == "\\", peek(1) == "\n" || peek(1) == nil { break }
            word.append(advance())
        }
        return Token(kind: .word(word), location: start)
    }
}
