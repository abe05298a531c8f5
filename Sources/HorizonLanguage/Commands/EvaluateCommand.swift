import HorizonCore
import HorizonForecast

/// `evaluate [NAME ...] [sort=METRIC] [by=ATTRIBUTE]`: every model scored on the same holdout.
public struct EvaluateCommand: CommandNode {
    public var models: [Located<String>]
    public var options: [Option]

    static let options = [OptionDeclaration("sort", .reference(.metric), help: "order the models best first by this metric"),
                          OptionDeclaration("by", .reference(.attribute), help: "score each group of series (category, item, …) on its own"),
                          OptionDeclaration("n", .integer(1...10_000_000), help: "with by= and sort=: only the N worst groups"),
                          OptionDeclaration("columns", .names, help: "the columns shown, in order: metric names (mase,owa,wql…), levels (p10: wQL at p10), cov, or headers")]

    public static let declaration = CommandDeclaration(
        name: "evaluate", usage: "evaluate [NAME ...] [sort=METRIC] [by=category|item|ATTRIBUTE [n=N]] [columns=NAME,…] [to PATH.csv]",
        summary: "score models on the holdout: wQL per level, coverage, " + MetricDeclaration.all.map(\.label).joined(separator: ", "),
        details: ["wQL = 2·Σ pinball / Σ|y| over all series and steps (a ratio of totals).",
                  "wCRPS = Σ CRPS / Σ|y|, the CRPS of each forecast integrated on a 200-level τ grid through its",
                  "  quantile function (linear between trained levels, normal-shaped tails): mean wQL over every level.",
                  "cov[p] = share of actuals at or below the p quantile; cov[pLo–pHi] = share inside each central interval.",
                  "MASE and MSIS use the in-sample seasonal naive scale (M4); sMAPE is in percent (M4);",
                  "OWA = ½(sMAPE/sMAPE_naive2 + MASE/MASE_naive2), naive2 scored on the same series.",
                  "sort=wql|crps|mase|smape|msis|owa|pNN orders the models best first (pNN: wQL at that level);",
                  "by=category (or any static attribute, or item) scores each group of series on its own; with sort=,",
                  "  the groups come worst first by the first model's score (the items to look at), and n=N keeps N of them.",
                  "columns=mase,owa,p90,cov shows only those columns (metric names, levels for wQL, cov for coverage, or",
                  "  headers); a terminal narrower than the table shows the columns that fit and names the others.",
                  "to PATH.csv also writes the table as CSV (the numbers as shown).",
                  "'compare' is the same command; 'compare cost' turns the forecasts into inventory cost."],
        examples: ["evaluate", "evaluate sort=mase by=category", "evaluate qrf by=item sort=mase n=10", "evaluate columns=mase,smape,owa"],
        options: options, tablesTo: true)

    init(models: [Located<String>], options: [Option]) {
        self.models = models
        self.options = options
    }

    public init(_ a: CommandArguments) throws {
        if let n = a.options.first(where: { $0.key.value == "n" }), !a.options.contains(where: { $0.key.value == "by" }) {
            throw HorizonError("n= keeps the worst groups of by=; give by=item (or another attribute)", at: n.key.location)
        }
        _ = try a.integerOption("n")
        _ = try a.option("columns")
        self.init(models: a.words, options: a.options)
    }

    public func check(_ script: inout ScriptCheck) throws {
        for model in models { try script.requireModel(model) }
    }

    public func run(in interpreter: Interpreter) throws { try interpreter.evaluate(models, options: options) }

    public static func complete(_ r: CompletionRequest) -> Completion {
        r.words.last == "to" ? Completion(paths: true, optionKeys: []) : Completion(words: r.session.modelNames + ["to"])
    }
}
