import HorizonCore

/// `forecast NAME [ITEM …] price=-20%`: forecasts past the end of the data, of the items named
/// (default: the first three), under a scenario that changes known-future covariates.
public struct ForecastCommand: CommandNode {
    public var model: Located<String>?
    public var items: [Located<String>]
    public var scenario: [Option]

    public static let declaration = CommandDeclaration(
        name: "forecast", usage: "forecast [NAME [ITEM ...]] [COVARIATE=±N% | COVARIATE=VALUE ...]",
        summary: "forecast past the end of the data (default: the last model trained)",
        details: ["The model's predictor runs on the full series, holdout included; the tables show the items named",
                  "(ignoring case), else the first three.",
                  "Known-future covariates carry their last value forward; a scenario changes them:",
                  "price=-20% lowers every future price by 20% (what +elasticity responds to), promo=1 sets it."],
        examples: ["forecast ets", "forecast ets JACKET-01 DETERGENT-01", "forecast priced price=-20%"],
        ownOptions: false)

    public init(_ a: CommandArguments) throws {
        try a.expectOptionsOnce()
        model = a.words.first
        items = Array(a.words.dropFirst())
        scenario = a.options
    }

    public func check(_ script: inout ScriptCheck) throws {
        if let model { try script.requireModel(model) }
    }

    public func run(in interpreter: Interpreter) throws { try interpreter.forecast(model, items: items, scenario: scenario) }

    public static func complete(_ r: CompletionRequest) -> Completion {
        Completion(words: r.words.isEmpty ? r.session.modelNames : r.session.panel?.ids ?? [], optionKeys: r.session.panel?.dynamicNames ?? [])
    }
}
