import HorizonCore

/// `show ITEM [n=N]`: the last rows of one series.
public struct ShowCommand: CommandNode {
    public var item: Located<String>
    public var rows: Located<Int>?

    public static let declaration = CommandDeclaration(
        name: "show", usage: "show ITEM [n=N]", summary: "the last N rows of one series", examples: ["show JACKET-01 n=20"],
        options: [OptionDeclaration("n", .integer(1...Int.max), default: "10", help: "rows to show")])

    public init(_ a: CommandArguments) throws {
        try a.expectWords(1...1)
        item = a.words[0]
        rows = try a.integerOption("n")
    }

    public func run(in interpreter: Interpreter) throws { try interpreter.show(item, rows: rows?.value ?? Self.declaration.defaultValue("n")) }

    public static func complete(_ r: CompletionRequest) -> Completion {
        Completion(words: r.words.isEmpty ? r.session.panel?.ids ?? [] : [])
    }
}
