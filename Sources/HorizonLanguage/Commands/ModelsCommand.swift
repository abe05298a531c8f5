import HorizonCore

/// `models`: the trained models, and those that can be trained.
public struct ModelsCommand: CommandNode {
    public static let declaration = CommandDeclaration(
        name: "models", usage: "models", summary: "the trained models, and the models you can train", examples: ["models"])

    public init(_ a: CommandArguments) throws { try a.expectWords(0...0) }
    public func run(in interpreter: Interpreter) throws { interpreter.listModels() }
}
