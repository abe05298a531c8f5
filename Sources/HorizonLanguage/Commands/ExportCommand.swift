import HorizonCore

/// `export forecasts [NAME] to PATH.csv`: a model's future forecasts as CSV.
public struct ExportCommand: CommandNode {
    public var model: Located<String>?
    public var path: Located<String>

    public static let declaration = CommandDeclaration(
        name: "export", usage: "export forecasts [NAME] to PATH.csv", summary: "write a model's future forecasts as CSV",
        examples: ["export forecasts qrf to forecasts.csv"], effects: .files)

    public init(_ a: CommandArguments) throws {
        let words = a.words, usage = Self.declaration.usage
        guard let what = words.first, what.value == "forecasts" else {
            throw HorizonError("usage: \(usage)", at: words.first?.location ?? a.name.location)
        }
        guard let to = words.lastIndex(where: { $0.value == "to" }), to + 2 == words.count, to <= 2 else {
            throw HorizonError("usage: \(usage)", at: words.last?.location ?? a.name.location)
        }
        model = to == 2 ? words[1] : nil
        path = words[to + 1]
    }

    public func check(_ script: inout ScriptCheck) throws {
        if let model { try script.requireModel(model) }
    }

    public func run(in interpreter: Interpreter) throws { try interpreter.exportForecasts(model, to: path) }

    public static func complete(_ r: CompletionRequest) -> Completion {
        if r.words.isEmpty { return Completion(words: ["forecasts"], optionKeys: []) }
        if r.words.last == "to" { return Completion(paths: true, optionKeys: []) }
        return Completion(words: r.session.modelNames + ["to"], optionKeys: [])
    }
}
