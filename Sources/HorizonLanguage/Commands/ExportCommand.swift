import HorizonCore

/// `export forecasts [NAME] [SCENARIO] to PATH.csv`: a model's future forecasts as CSV,
/// under a scenario as `forecast` takes it.
public struct ExportCommand: CommandNode {
    public var model: Located<String>?
    public var scenario: [Option]
    public var path: Located<String>

    public static let declaration = CommandDeclaration(
        name: "export", usage: "export forecasts [NAME] [COVARIATE=±N% | COVARIATE=VALUE ...] to PATH.csv",
        summary: "write a model's future forecasts as CSV",
        details: ["Every item, every step: item,time,step,point and one column per quantile level.",
                  "A scenario changes the known-future covariates as in 'forecast' (price=-20%)."],
        examples: ["export forecasts qrf to forecasts.csv", "export forecasts priced price=-20% to cheaper.csv"],
        ownOptions: false, effects: .files)

    public init(_ a: CommandArguments) throws {
        try a.expectOptionsOnce()
        scenario = a.options
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

    public func run(in interpreter: Interpreter) throws { try interpreter.exportForecasts(model, scenario: scenario, to: path) }

    public static func complete(_ r: CompletionRequest) -> Completion {
        if r.words.isEmpty { return Completion(words: ["forecasts"], optionKeys: []) }
        if r.words.last == "to" { return Completion(paths: true, optionKeys: []) }
        return Completion(words: r.session.modelNames + ["to"], optionKeys: r.session.panel?.dynamicNames ?? [])
    }
}
