import Foundation

/// The Markdown a cell's prose may use, rendered to HTML: paragraphs, `-`/`*`/`1.` lists,
/// `code`, *emphasis* and **strong** — all a walkthrough's comments need.
///
/// Written here rather than taken from a Markdown package because prose comes from a
/// script's comments and must be escaped like everything else in the notebook: general
/// Markdown passes raw HTML through, and the needed subset is small.
enum Prose {
    static func html(_ lines: [String]) -> String {
        var blocks: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?
        func flush() {
            if !paragraph.isEmpty { blocks.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>") }
            paragraph = []
            if let current = list {
                let tag = current.ordered ? "ol" : "ul"
                blocks.append("<\(tag)>" + current.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>")
            }
            list = nil
        }
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { flush(); continue }
            if let item = listItem(trimmed) {
                if list == nil || list!.ordered != item.ordered { flush(); list = (item.ordered, []) }
                list!.items.append(item.text)
            } else if list != nil, line.hasPrefix(" ") {
                list!.items[list!.items.count - 1] += " " + trimmed
            } else {
                if list != nil { flush() }
                paragraph.append(trimmed)
            }
        }
        flush()
        return blocks.joined(separator: "\n")
    }

    /// `- item`, `* item` or `12. item`.
    private static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return (false, String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") { return (true, String(line.dropFirst(digits.count + 2))) }
        return nil
    }

    /// Code spans first (their text is shown as is), then emphasis in the rest.
    static func inline(_ text: String) -> String {
        var out = ""
        let parts = text.split(separator: "`", omittingEmptySubsequences: false).map(String.init)
        // An unmatched backtick is literal: only pairs open and close code.
        let pairs = (parts.count - 1) / 2
        for (k, part) in parts.enumerated() {
            if k % 2 == 1, k <= 2 * pairs {
                out += "<code>" + HTMLText.escape(part) + "</code>"
            } else {
                if k > 2 * pairs, k % 2 == 1 { out += "`" }
                out += emphasis(HTMLText.escape(part))
            }
        }
        return out
    }

    /// `**strong**`, then `*em*` and `_em_`. A delimiter opens only before a non-space and
    /// after a non-word character, and closes only after a non-space and before a non-word
    /// character, so `τ* = cu/(cu+co)` and `snake_case` stay as written.
    private static func emphasis(_ text: String) -> String {
        var result = text
        for (delimiter, tag) in [("**", "strong"), ("*", "em"), ("_", "em")] {
            result = wrap(result, delimiter: delimiter, tag: tag)
        }
        return result
    }

    /// Whether the tags in `text` close in the order they open (each `</…>` closes one `<…>`).
    private static func balanced(_ text: ArraySlice<Character>) -> Bool {
        var depth = 0
        for (i, c) in zip(text.indices, text) where c == "<" {
            depth += i + 1 < text.endIndex && text[i + 1] == "/" ? -1 : 1
            if depth < 0 { return false }
        }
        return depth == 0
    }

    private static func wrap(_ text: String, delimiter: String, tag: String) -> String {
        let chars = Array(text), marker = Array(delimiter), n = marker.count
        func isWord(_ i: Int) -> Bool { i >= 0 && i < chars.count && (chars[i].isLetter || chars[i].isNumber) }
        func isSpace(_ i: Int) -> Bool { i < 0 || i >= chars.count || chars[i].isWhitespace }
        func matches(_ i: Int) -> Bool { i + n <= chars.count && Array(chars[i..<(i + n)]) == marker }
        var out = "", i = 0
        while i < chars.count {
            if matches(i), !isSpace(i + n), !isWord(i - 1), !(n == 1 && i + 1 < chars.count && chars[i + 1] == marker[0]) {
                var j = i + n + 1
                while j + n <= chars.count, !(matches(j) && !isSpace(j - 1) && !isWord(j + n)) { j += 1 }
                // The span must not cross a tag an earlier pass made (`**a *b** c*`): the page
                // must stay well-formed XML. Text is escaped first, so every `<` is such a tag.
                if j + n <= chars.count, Self.balanced(chars[(i + n)..<j]) {
                    out += "<\(tag)>" + String(chars[(i + n)..<j]) + "</\(tag)>"
                    i = j + n
                    continue
                }
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }
}
