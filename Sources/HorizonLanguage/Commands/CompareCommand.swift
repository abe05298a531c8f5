import HorizonCore

/// `compare [NAME ...]` is `evaluate`; `compare cost cu=… co=…` is each model's realised
/// newsvendor cost.
public struct CompareCommand: CommandNode {
    public enum Form: Sendable {
        case scores(EvaluateCommand)
        case cost(models: [Located<String>], costs: DecisionCosts, baseline: Located<String>?)
    }
    public var form: Form

    /// The options of `compare cost`; `compare` without `cost` takes evaluate's.
    static let costOptions = DecideCommand.costOptions + [
        OptionDeclaration("baseline", .reference(.model), help: "the model savings are measured against (default snaive, else naive2, else the first)")]

    public static let declaration = CommandDeclaration(
        name: "compare", usage: "compare [NAME ...] [sort=METRIC] [by=ATTRIBUTE] [to PATH.csv] | compare cost cu=C co=O [leadtime=L] [corr=R] [baseline=NAME] [NAME ...] [to PATH.csv]",
        summary: "the evaluate table; or each model's realised inventory cost and savings",
        details: ["compare [NAME ...] [sort=…] [by=…] is evaluate (see 'help evaluate').",
                  "compare cost: every model orders its critical-fractile quantile τ* = cu/(cu+co) for each holdout step",
                  "  (or each block of L steps), and pays co per unit left over and cu per unit short:",
                  "  cost = co·(Q−D)⁺ + cu·(D−Q)⁺ = (cu+co) × pinball loss at τ*, so lower wQL at τ* is lower cost.",
                  "  The table shows units ordered and demanded, total cost, cost per unit of demand, savings against",
                  "  baseline=NAME (default snaive, else naive2, else the first model), fill rate Σmin(Q,D)/ΣD and",
                  "  in-stock rate (share of orders that met all demand; τ* is its target).",
                  "leadtime=L and corr=R: as in 'help decide'."],
        examples: ["compare ets qrf", "compare cost cu=4 co=1"],
        options: EvaluateCommand.options + costOptions, tablesTo: true)

    public init(_ a: CommandArguments) throws {
        let isCost = a.isKeyword(0, "cost")
        let allowed = isCost ? Self.costOptions.map(\.key) : EvaluateCommand.options.map(\.key)
        for o in a.options where !allowed.contains(o.key.value) {
            throw HorizonError(isCost ? "'compare cost' has no option '\(o.key.value)' (options: \(allowed.joined(separator: ", ")))"
                                      : "option '\(o.key.value)' belongs to 'compare cost'; usage: \(Self.declaration.usage)",
                               at: o.key.location)
        }
        guard isCost else { form = .scores(EvaluateCommand(models: a.words, options: a.options)); return }
        try DecideCommand.requireCosts(a, at: a.words[0].location, what: "'compare cost'")
        form = .cost(models: Array(a.words.dropFirst()), costs: try DecisionCosts(a), baseline: try a.option("baseline"))
    }

    public func check(_ script: inout ScriptCheck) throws {
        switch form {
        case .scores(let evaluate): try evaluate.check(&script)
        case .cost(let models, _, _): for model in models { try script.requireModel(model) }
        }
    }

    public func run(in interpreter: Interpreter) throws {
        switch form {
        case .scores(let evaluate): try evaluate.run(in: interpreter)
        case let .cost(models, costs, baseline): try interpreter.compareCost(models, costs: costs, baseline: baseline)
        }
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        if r.words.last == "to" { return Completion(paths: true, optionKeys: []) }
        let cost = r.words.first == "cost"
        return Completion(words: (r.words.isEmpty ? ["cost"] : []) + r.session.modelNames + ["to"],
                          optionKeys: (cost ? costOptions : EvaluateCommand.options).map(\.key))
    }
}
