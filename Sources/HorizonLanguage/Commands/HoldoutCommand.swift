import HorizonCore

/// `holdout N`: the last N points of every series are kept for scoring; alone, the holdout in effect.
public struct HoldoutCommand: CommandNode {
    /// nil: `holdout` alone.
    public var steps: Located<Int>?

    public static let declaration = CommandDeclaration(
        name: "holdout", usage: "holdout | holdout N", summary: "hold out the last N points of every series (default: the horizon, or the test file)",
        examples: ["holdout", "holdout 8"])

    public init(_ a: CommandArguments) throws {
        if a.words.isEmpty && a.options.isEmpty { return }
        try a.expectWords(1...1)
        steps = try a.integer(a.words[0])
    }

    public var isReplayed: Bool { steps != nil }

    public func run(in interpreter: Interpreter) throws {
        let session = interpreter.session
        guard let steps else {
            if let n = session.holdoutSetting {
                interpreter.emit("holdout: the last \(n) points of every series")
            } else if session.data?.testLengths != nil {
                interpreter.emit("holdout: the test file's continuation of each series (set one with 'holdout N')")
            } else {
                interpreter.emit("holdout: the horizon, \(session.horizon) points (set one with 'holdout N')")
            }
            return
        }
        session.holdoutSetting = steps.value
        interpreter.emit("holdout: the last \(steps.value) points of every series" + (session.models.isEmpty ? "" : " (retrain models to evaluate on it)"))
    }

    public static func complete(_ r: CompletionRequest) -> Completion { Completion(optionKeys: []) }
}
