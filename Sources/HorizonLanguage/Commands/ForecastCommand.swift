import HorizonCore

/// `forecast NAME price=-20%`: forecasts past the end of the data, under a scenario that
/// changes known-future covariates.
public struct ForecastCommand: CommandNode {
    public var model: Located<String>?
    public var scenario: [Option]

    public static let declaration = CommandDeclaration(
        name: "forecast", usage: "forecast [NAME] [COVARIATE=±N% | COVARIATE=VALUE ...]",
        summary: "forecast past the end of the data (default: the last model trained)",
        details: ["The model's predictor runs on the full series, holdout included.",
                  "Known-future covariates carry their last value forward; a scenario changes them:",
                  "price=-20% lowers every future price by 20% (what +elasticity responds to), promo=1 sets it."],
        examples: ["forecast ets", "forecast priced price=-20%"],
        ownOptions: false)

    public init(_ a: CommandArguments) throws {
        try a.expectWords(0...1)
        try a.expectOptionsOnce()
        model = a.words.first
        scenario = a.options
    }

    public func check(_ script: inout ScriptCheck) throws {
        if let model { try script.requireModel(model) }
    }

    public func run(in interpreter: Interpreter) throws { try interpreter.forecast(model, scenario: scenario) }

    public static func complete(_ r: CompletionRequest) -> Completion {
        Completion(words: r.words.isEmpty ? r.session.modelNames : [], optionKeys: r.session.panel?.dynamicNames ?? [])
    }
}
