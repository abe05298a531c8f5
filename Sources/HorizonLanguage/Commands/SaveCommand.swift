import HorizonCore

/// `save model NAME to PATH` writes a trained model; `save session PATH.hz` writes this
/// session as a script that replays it.
public struct SaveCommand: CommandNode {
    public enum Form: Equatable, Sendable {
        case model(name: Located<String>, path: Located<String>)
        case session(path: Located<String>)
    }
    public var form: Form

    public static let declaration = CommandDeclaration(
        name: "save", usage: "save model NAME to PATH | save session PATH.hz",
        summary: "write a trained model to a file; or this session as a script that replays it",
        details: ["save model: weights and configuration, versioned and checksummed; 'load model PATH [as NAME]' brings it back.",
                  "save session: the commands that succeeded, in order, after the seed, quantiles, horizon, context and",
                  "  holdout the session started with, so 'horizon PATH.hz' reproduces its tables (run from the same folder).",
                  "  help, history, items, report, runs and quit are left out, and so is 'run' itself (its commands are saved one",
                  "  by one); the commands that print tables (describe, show, models, evaluate, …) are kept, so a replay prints them too.",
                  "Both files are written atomically: a crash leaves any earlier file intact, never half of one."],
        examples: ["save model mqcnn to mqcnn.hzm", "save session analysis.hz"], effects: .files)

    public init(_ a: CommandArguments) throws {
        let words = a.words
        if a.isKeyword(0, "session") && words[0].value == "session" {
            try a.expectWords(2...2)
            form = .session(path: words[1])
            return
        }
        guard words.count == 4, a.isKeyword(0, "model") && words[0].value == "model", a.isKeyword(2, "to") && words[2].value == "to" else {
            throw HorizonError("usage: \(Self.declaration.usage)", at: words.first?.location ?? a.name.location)
        }
        form = .model(name: words[1], path: words[3])
    }

    /// A saved session is not itself replayed.
    public var isReplayed: Bool { if case .model = form { true } else { false } }

    public func check(_ script: inout ScriptCheck) throws {
        if case .model(let name, _) = form { try script.requireModel(name) }
    }

    public func run(in interpreter: Interpreter) throws {
        switch form {
        case let .model(name, path): try interpreter.saveModel(name, to: path)
        case .session(let path): try interpreter.saveSession(to: path)
        }
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        let w = r.words
        if w.isEmpty { return Completion(words: ["model", "session"], optionKeys: []) }
        if w == ["session"] || w.last == "to" { return Completion(paths: true, optionKeys: []) }
        if w == ["model"] { return Completion(words: r.session.modelNames, optionKeys: []) }
        return Completion(words: w.count == 2 && w[0] == "model" ? ["to"] : [], optionKeys: [])
    }
}
