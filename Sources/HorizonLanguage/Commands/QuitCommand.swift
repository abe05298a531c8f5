import HorizonCore

/// `quit` (or `exit`, or Ctrl-D): leave Horizon.
public struct QuitCommand: CommandNode {
    public static let declaration = CommandDeclaration(
        name: "quit", aliases: ["exit"], usage: "quit", summary: "leave Horizon (Ctrl-D works too)", examples: ["quit"], replayed: false)

    public init(_ a: CommandArguments) throws { try a.expectWords(0...0) }
    public func run(in interpreter: Interpreter) throws {}
    public var endsSession: Bool { true }
}
