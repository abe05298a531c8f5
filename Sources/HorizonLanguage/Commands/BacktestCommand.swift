import HorizonCore
import HorizonModels

/// `backtest NAME [windows=N] [step=S] [refit=yes|no]`: rolling-origin evaluation of one model.
public struct BacktestCommand: CommandNode {
    public var model: Located<String>
    public var windows: Int
    /// nil: the horizon.
    public var step: Int?
    public var refit: Bool

    public static let declaration = CommandDeclaration(
        name: "backtest", usage: "backtest NAME [windows=N] [step=S] [refit=yes|no] [to PATH.csv]",
        summary: "rolling-origin evaluation: scores per window and pooled",
        details: ["N windows whose origins are S steps apart (default: the horizon); the newest window",
                  "is the session's holdout, each earlier one starts S steps before the next and scores the horizon after it.",
                  "refit=yes: the model is fitted again at every origin on the data before it;",
                  "refit=no: fitted once at the oldest origin, later windows forecast from their longer histories.",
                  "Local models (the baselines) re-estimate from any history, so for them both agree.",
                  "NAME is a trained model (with its options) or any model of 'help train' (with defaults).",
                  "pooled: all windows scored together, each (series, window) pair as one series."],
        examples: ["backtest ets windows=4 step=8"],
        options: [OptionDeclaration("windows", .integer(1...100), default: "3", help: "forecast origins"),
                  OptionDeclaration("step", .integer(1...100_000), help: "steps between origins (default: the horizon)"),
                  OptionDeclaration("refit", .word(["yes", "no"]), default: "yes", help: "fit again at every origin")],
        tablesTo: true)

    public init(_ a: CommandArguments) throws {
        try a.expectWords(1...1)
        model = a.words[0]
        windows = try a.integerOption("windows")?.value ?? Self.declaration.defaultValue("windows")
        step = try a.integerOption("step")?.value
        refit = (try a.option("refit")?.value ?? Self.declaration.defaultValue("refit")) == "yes"
    }

    /// A trained model, or a catalog model fitted with its defaults; a network trains at every origin.
    public func check(_ script: inout ScriptCheck) throws {
        guard script.modelsKnown, ModelCatalog.spec(named: model.value) == nil, !script.models.contains(model.value) else { return }
        throw HorizonError("no trained model or model type '\(model.value)'", at: model.location,
                           suggestion: Suggestions.didYouMean(model.value, in: Array(script.models) + ModelCatalog.names))
    }

    public var effects: CommandEffects {
        NeuralModels.specs.contains { $0.name == model.value.lowercased() } ? .unbounded : .none
    }

    public func run(in interpreter: Interpreter) throws { try interpreter.backtest(self) }

    public static func complete(_ r: CompletionRequest) -> Completion {
        if r.words.last == "to" { return Completion(paths: true, optionKeys: []) }
        return Completion(words: r.words.isEmpty ? r.session.modelNames + ModelCatalog.names : ["to"])
    }
}
