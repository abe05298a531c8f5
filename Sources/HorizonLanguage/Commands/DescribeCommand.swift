import HorizonCore

/// `describe`: what the loaded data holds.
public struct DescribeCommand: CommandNode {
    public static let declaration = CommandDeclaration(
        name: "describe", usage: "describe", summary: "items, lengths, frequency, missing values and covariates", examples: ["describe"])

    public init(_ a: CommandArguments) throws { try a.expectWords(0...0) }
    public func run(in interpreter: Interpreter) throws { try interpreter.describe() }
}
