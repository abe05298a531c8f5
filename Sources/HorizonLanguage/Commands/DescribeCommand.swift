import HorizonCore

/// `describe [ITEM]`: what the loaded data holds, or one item.
public struct DescribeCommand: CommandNode {
    public var item: Located<String>?

    public static let declaration = CommandDeclaration(
        name: "describe", usage: "describe [ITEM]", summary: "items, lengths, frequency, missing values and covariates; or one item",
        details: ["describe ITEM: its attributes, span, level and spread, gaps and zeros, each covariate's range,",
                  "whether the seasonality test finds its season, and how much of it the holdout takes."],
        examples: ["describe", "describe JACKET-01"])

    public init(_ a: CommandArguments) throws {
        try a.expectWords(0...1)
        item = a.words.first
    }

    public func run(in interpreter: Interpreter) throws {
        if let item { try interpreter.describe(item) } else { try interpreter.describe() }
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        Completion(words: r.words.isEmpty ? r.session.panel?.ids ?? [] : [], optionKeys: [])
    }
}
