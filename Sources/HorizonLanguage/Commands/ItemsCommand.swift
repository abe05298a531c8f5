import HorizonCore

/// `items [PATTERN] [n=N]`: the item ids with their length and last value — all of them, or
/// those matching a pattern, ignoring case.
public struct ItemsCommand: CommandNode {
    public var pattern: Located<String>?
    public var limit: Located<Int>?

    public static let declaration = CommandDeclaration(
        name: "items", usage: "items [PATTERN] [n=N]", summary: "the item ids with their length and last value, or those matching PATTERN",
        details: ["PATTERN matches ignoring case: a part of the id (items jacket), or the whole id with * for any run of",
                  "characters and ? for one (items JACKET-0?, items *-01)."],
        examples: ["items", "items jacket", "items *-01 n=5"],
        options: [OptionDeclaration("n", .integer(1...Int.max), default: "50", help: "items to list at most")],
        replayed: false)

    public init(_ a: CommandArguments) throws {
        try a.expectWords(0...1)
        pattern = a.words.first
        limit = try a.integerOption("n")
    }

    public func run(in interpreter: Interpreter) throws {
        let panel = try interpreter.requireData(pattern?.location).panel
        let matching = panel.series.filter { series in pattern.map { Self.matches(series.id, $0.value) } ?? true }
        guard !matching.isEmpty else {
            throw HorizonError("no item matches '\(pattern?.value ?? "")' (of \(panel.count))", at: pattern?.location,
                               suggestion: pattern.flatMap { Suggestions.didYouMean($0.value, in: panel.ids) })
        }
        let n = limit?.value ?? Self.declaration.defaultValue("n")
        var table = TextTable(title: "\(matching.count) of \(panel.count) items" + (pattern.map { " matching '\($0.value)'" } ?? ""),
                              headers: ["item", "length", "last time", "last " + panel.targetName])
        for series in matching.prefix(n) {
            let last = series.count - 1
            table.append([series.id, "\(series.count)", last >= 0 ? panel.timeLabel(panel.time(of: series, at: last)) : "–",
                          last >= 0 ? NumberFormat.value(series.values[last]) : "–"])
        }
        if matching.count > n { table.notes.append("\(matching.count - n) more: n=\(matching.count) lists them all") }
        interpreter.output.emit(.table(table))
    }

    /// Whether `id` matches `pattern` ignoring case: with * or ?, the whole id as a glob;
    /// without, any part of it.
    static func matches(_ id: String, _ pattern: String) -> Bool {
        let text = Array(id.lowercased()), glob = Array(pattern.lowercased())
        guard glob.contains("*") || glob.contains("?") else { return id.lowercased().contains(pattern.lowercased()) }
        // Iterative glob matching with one backtrack point: linear in practice, never exponential.
        var t = 0, g = 0, star = -1, resume = 0
        while t < text.count {
            if g < glob.count, glob[g] == "?" || glob[g] == text[t] { t += 1; g += 1 }
            else if g < glob.count, glob[g] == "*" { star = g; resume = t; g += 1 }
            else if star >= 0 { g = star + 1; resume += 1; t = resume }
            else { return false }
        }
        while g < glob.count, glob[g] == "*" { g += 1 }
        return g == glob.count
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        Completion(words: r.words.isEmpty ? r.session.panel?.ids ?? [] : [])
    }
}
