import HorizonCore

/// `run PATH.hz`: a script's commands in this session, one by one.
public struct RunCommand: CommandNode {
    public var path: Located<String>

    /// Scripts that run each other deeper than this are refused (a script that runs itself).
    static let maximumDepth = 16

    public static let declaration = CommandDeclaration(
        name: "run", usage: "run PATH.hz", summary: "run a script in this session", examples: ["run scripts/evolution.hz"],
        replayed: false, effects: .files)

    public init(_ a: CommandArguments) throws {
        try a.expectWords(1...1)
        path = a.words[0]
    }

    /// The script's own lines are checked when it runs; what it trains is unknown until then.
    public func check(_ script: inout ScriptCheck) throws { script.modelsKnown = false }

    public func run(in interpreter: Interpreter) throws {
        guard interpreter.runningScripts.count < Self.maximumDepth else {
            throw HorizonError("scripts run each other more than \(Self.maximumDepth) deep (a script that runs itself?)", at: path.location)
        }
        let text: String
        do { text = try RegularFile.text(path.value) } catch {
            throw HorizonError("cannot run '\(path.value)': \(error.reason)", at: path.location)
        }
        interpreter.runningScripts.append(path.value)
        defer { interpreter.runningScripts.removeLast() }
        _ = try interpreter.execute(text, source: path.value)
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        Completion(paths: r.words.isEmpty, optionKeys: [])
    }
}
