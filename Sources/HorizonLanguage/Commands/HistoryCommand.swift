import HorizonCore

/// `history`: the commands of this session, numbered.
public struct HistoryCommand: CommandNode {
    public static let declaration = CommandDeclaration(
        name: "history", usage: "history", summary: "the commands of this session", examples: ["history"], replayed: false)

    public init(_ a: CommandArguments) throws { try a.expectWords(0...0) }

    public func run(in interpreter: Interpreter) throws {
        let history = interpreter.session.history
        if history.isEmpty { interpreter.emit("no commands yet"); return }
        interpreter.emit(history.enumerated().map { String(format: "%4d  ", $0.offset + 1) + $0.element.text }.joined(separator: "\n"))
    }
}
