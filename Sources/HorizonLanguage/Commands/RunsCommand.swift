import HorizonCore
import HorizonForecast

/// `runs [n=N] [model=NAME]`, `runs best metric=M [n=N] [data=loaded|all]`, `runs compare A B`:
/// the experiment log, listed, ranked or compared.
public struct RunsCommand: CommandNode {
    public enum Form: Equatable, Sendable {
        case list(limit: Int, model: String?)
        /// The metric is checked when the command runs, against the metrics of this build.
        case best(metric: Located<String>, limit: Int, everyData: Bool)
        case compare(Located<String>, Located<String>)
    }
    public var form: Form

    static let listOptions = [OptionDeclaration("n", .integer(1...100_000), default: "20", help: "runs: how many, newest first"),
                              OptionDeclaration("model", .reference(.model), help: "runs: only this model's")]
    static let bestOptions = [OptionDeclaration("metric", .reference(.runMetric), help: "runs best: the metric to rank by"),
                              OptionDeclaration("n", .integer(1...100_000), default: "10", help: "runs best: how many, best first"),
                              OptionDeclaration("data", .word(["loaded", "all"]), default: "loaded", help: "runs best: runs on the loaded data or on any")]
    /// The metrics `runs best` ranks by.
    public static var metrics: [String] { MetricDeclaration.all.map(\.name) }

    public static let declaration = CommandDeclaration(
        name: "runs", usage: "runs [n=N] [model=NAME] | runs best metric=METRIC [n=N] [data=loaded|all] | runs compare A B",
        summary: "the experiment log: every train, evaluate and backtest, ranked or compared",
        details: ["Every train, evaluate/compare and backtest is logged in SQLite: model, options, data fingerprint, settings,",
                  "  metrics, duration and the script line that ran it. The log is .horizon/runs.sqlite in the working",
                  "  directory; HORIZON_RUNS=PATH moves it and HORIZON_RUNS=off turns it off. Sessions may share it.",
                  "runs: the newest N runs, of one model with model=NAME.",
                  "runs best metric=…: scored runs, best first (metrics: " + MetricDeclaration.all.map(\.name).joined(separator: ", ") + ");",
                  "  by default only those on the loaded data (same fingerprint),",
                  "  data=all ranks runs on any data.",
                  "runs compare A B: two runs' options, settings and metrics side by side, with their differences."],
        examples: ["runs n=5", "runs best metric=wql", "runs compare 3 7"],
        options: listOptions + bestOptions.filter { $0.key != "n" },
        replayed: false)

    public init(_ a: CommandArguments) throws {
        let words = a.words
        let form = words.first.flatMap { a.unquoted[0] ? $0.value.lowercased() : nil }
        switch form {
        case "best":
            try a.expectOptions(in: Self.bestOptions.map(\.key), what: "'runs best'")
            try a.expectWords(1...1)
            guard a.options.contains(where: { $0.key.value == "metric" }) else {
                throw HorizonError("'runs best' needs metric=…: one of \(Self.metrics.joined(separator: ", "))", at: words[0].location)
            }
            self.form = .best(metric: try a.option("metric")!, limit: try a.integerOption("n")?.value ?? Self.bestOptions.defaultValue("n"),
                              everyData: (try a.option("data")?.value ?? Self.bestOptions.defaultValue("data")) == "all")
        case "compare":
            try a.expectOptions(in: [], what: "'runs compare'")
            guard words.count == 3 else {
                throw HorizonError("'runs compare' takes two run ids, as in 'runs compare 3 7'", at: words.count > 3 ? words[3].location : words[0].location)
            }
            self.form = .compare(words[1], words[2])
        case nil:
            try a.expectOptions(in: Self.listOptions.map(\.key), what: "'runs'")
            try a.expectWords(0...0)
            self.form = .list(limit: try a.integerOption("n")?.value ?? Self.listOptions.defaultValue("n"), model: try a.option("model")?.value)
        default:
            throw HorizonError("unexpected '\(words[0].value)'; usage: \(Self.declaration.usage)", at: words[0].location,
                               suggestion: Suggestions.didYouMean(words[0].value, in: ["best", "compare"]))
        }
    }

    public func run(in interpreter: Interpreter) throws {
        switch form {
        case let .list(limit, model): try interpreter.listRuns(limit: limit, model: model)
        case let .best(metric, limit, everyData): try interpreter.bestRuns(metric, limit: limit, everyData: everyData)
        case let .compare(a, b): try interpreter.compareRuns(a, b)
        }
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        let form = r.words.first
        let keys = form == "best" ? bestOptions.map(\.key) : form == nil ? listOptions.map(\.key) : []
        return Completion(words: r.words.isEmpty ? ["best", "compare"] : [], optionKeys: keys)
    }
}
