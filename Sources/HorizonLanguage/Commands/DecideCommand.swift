import HorizonCore

/// `decide cu=C co=O [leadtime=L] [corr=R] [model=NAME] [to PATH.csv]`: newsvendor orders from
/// one model's forecasts and their realised cost on the holdout.
public struct DecideCommand: CommandNode {
    public var costs: DecisionCosts
    public var model: Located<String>?
    public var output: Located<String>?

    /// The newsvendor's costs, shared with `compare cost`.
    static let costOptions = [
        OptionDeclaration("cu", .positive, help: "cost per unit short (lost margin)"),
        OptionDeclaration("co", .positive, help: "cost per unit left over (holding, waste)"),
        OptionDeclaration("leadtime", .integer(1...Session.maxSteps), default: "1", help: "holdout steps one order covers"),
        OptionDeclaration("corr", .number(0...1), default: "0.5", help: "correlation between the steps of a lead time (Gaussian copula)"),
    ]

    public static let declaration = CommandDeclaration(
        name: "decide", usage: "decide cu=C co=O [leadtime=L] [corr=R] [model=NAME] [to PATH.csv]",
        summary: "newsvendor order quantities from a model's forecasts, and their realised cost on the holdout",
        details: ["cu: cost per unit short (lost margin); co: cost per unit left over (holding, waste).",
                  "The order is the forecast quantile at the critical fractile τ* = cu/(cu+co), interpolated",
                  "between the trained levels when τ* is not one of them (add it with 'quantiles' for an exact one).",
                  "Expected cost = (cu+co) × E[pinball at τ*], so the order minimising it is the τ* quantile.",
                  "leadtime=L: one order per block of L holdout steps covering the block's total demand,",
                  "  ordered at the τ* quantile of that total. Quantiles do not add up: the total's distribution is",
                  "  sampled as 4000 joint paths from the per-step quantile functions, tied by a Gaussian copula",
                  "  with correlation corr=R between steps (0 = independent steps, the narrowest;",
                  "  1 = perfectly correlated, which equals the sum of per-step quantiles, the widest).",
                  "Orders are never negative. to PATH.csv writes every order (item, first time, steps, order, demand, cost)."],
        examples: ["decide cu=4 co=1 model=qrf to orders.csv"],
        options: costOptions + [OptionDeclaration("model", .reference(.model), help: "whose forecasts (default: the last model trained)")])

    public init(_ a: CommandArguments) throws {
        try Self.requireCosts(a, at: a.name.location, what: "'decide'", usage: true)
        if let first = a.words.first {
            guard a.isKeyword(0, "to"), a.words.count == 2 else {
                throw HorizonError("unexpected '\(first.value)'; usage: \(Self.declaration.usage)", at: first.location)
            }
            output = a.words[1]
        }
        costs = try DecisionCosts(a)
        model = try a.option("model")
    }

    /// `cu=` and `co=` are required.
    static func requireCosts(_ a: CommandArguments, at location: SourceLocation, what: String, usage: Bool = false) throws {
        for key in ["cu", "co"] where !a.options.contains(where: { $0.key.value == key }) {
            throw HorizonError("\(what) needs \(key)=…: the cost per unit \(key == "cu" ? "short" : "left over")"
                               + (usage ? "; usage: \(declaration.usage)" : ""), at: location)
        }
    }

    public func check(_ script: inout ScriptCheck) throws {
        if let model { try script.requireModel(model) }
    }

    /// Writing the orders is a file effect; the table alone is not.
    public var effects: CommandEffects { output == nil ? .none : .files }

    public func run(in interpreter: Interpreter) throws { try interpreter.decide(costs, model: model, to: output) }

    public static func complete(_ r: CompletionRequest) -> Completion {
        r.words.last == "to" ? Completion(paths: true, optionKeys: []) : Completion(words: ["to"])
    }
}

/// The newsvendor's costs, lead time and copula correlation, as a `decide` or `compare cost`
/// line gives them (checked against the declarations; the lead time also against the
/// horizon when the command runs).
public struct DecisionCosts: Equatable, Sendable {
    public var underage: Double, overage: Double
    public var leadTime: Located<Int>?
    public var correlation: Double

    /// The critical fractile's bounds: τ* at 0 or 1 (costs 10^16 apart, or a sum that
    /// overflows) has no quantile, and beyond these the normal tail the forecasts are
    /// extended with loses its precision.
    static let fractileRange = 1e-9...(1 - 1e-9)

    init(_ a: CommandArguments) throws {
        let cu = try a.numberOption("cu")!, co = try a.numberOption("co")!
        let tau = cu.value / (cu.value + co.value)
        guard Self.fractileRange.contains(tau) else {
            throw HorizonError("the critical fractile cu/(cu+co) is \(tau.isNaN ? "undefined" : NumberFormat.value(tau)) with cu=\(NumberFormat.value(cu.value)) and co=\(NumberFormat.value(co.value)); "
                               + "it must lie between 10⁻⁹ and 1 − 10⁻⁹, so the costs must be within a factor of 10⁹ of each other", at: cu.location)
        }
        underage = cu.value
        overage = co.value
        leadTime = try a.integerOption("leadtime")
        correlation = try a.numberOption("corr")?.value ?? DecideCommand.costOptions.defaultValue("corr")
    }
}
