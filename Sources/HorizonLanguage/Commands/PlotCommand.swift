import HorizonCore

/// `plot ITEM [future] [model=NAME] [last=N] [SCENARIO] [to PATH]`: one series' fan chart —
/// over the holdout, or past the end of the data; `plot compare|calibration|errors|loss`:
/// charts across the trained models.
public struct PlotCommand: CommandNode {
    /// One item's chart: which model, over the holdout or the future, how much history, and a
    /// scenario drawn against the future baseline.
    public struct ItemChart: Equatable, Sendable {
        public var item: Located<String>?
        public var model: Located<String>?
        public var future = false
        public var last: Located<Int>?
        public var scenario: [Option] = []
    }

    public enum Form: Equatable, Sendable {
        case item(ItemChart)
        case chart(kind: Located<String>, options: [Option])
    }
    public var form: Form
    public var output: Located<String>?

    /// The charts drawn across models (any other word is an item).
    public static let chartKinds = ["compare", "calibration", "errors", "loss"]

    public static let declaration = CommandDeclaration(
        name: "plot",
        usage: "plot [ITEM] [future] [model=NAME] [last=N] [COVARIATE=±N% ...] [to PATH.png|PATH.svg] | plot compare|calibration|errors|loss [metric=METRIC] [model=NAME] [to PATH]",
        summary: "fan chart of one series; or charts comparing the trained models",
        details: ["plot ITEM: history, holdout actuals, median and quantile bands, a line at the forecast origin, the item's",
                  "scores in the title (write plot \"loss\" for an item named loss).",
                  "plot ITEM future: the forecast past the end of the data; with a scenario (price=-20%) the scenario's",
                  "median and bands are drawn against the baseline's.",
                  "last=N shows only the last N points of history.",
                  "plot compare [metric=wql|crps|mase|smape|msis|owa|pNN]: the metric per model, as bars.",
                  "plot calibration: observed coverage against each nominal level, one line per model (ideal: the diagonal).",
                  "plot errors [metric=…]: the metric at each forecast step, one line per model.",
                  "plot loss: training loss per epoch (and validation wQL) of models trained by gradient descent.",
                  "model=NAME restricts a chart to one model.",
                  "Without 'to', the chart is drawn in the terminal (see 'set plot terminal=...')."],
        examples: ["plot JACKET-01 model=qrf", "plot HEADPHONES-01 future price=-20% last=52", "plot compare metric=mase to compare.svg"],
        options: [OptionDeclaration("model", .reference(.model), help: "the model drawn (default: the last trained; charts: all)"),
                  OptionDeclaration("metric", .reference(.metric), default: "wql", help: "plot compare and plot errors: the metric drawn"),
                  OptionDeclaration("last", .integer(2...10_000_000), help: "plot ITEM: the points of history shown (default: a few seasons)")],
        ownOptions: false, effects: .files)

    public init(_ a: CommandArguments) throws {
        try a.expectOptionsOnce()
        let words = a.words, usage = Self.declaration.usage
        var item: Located<String>?, itemQuoted = false, future = false
        var k = 0
        while k < words.count {
            if a.isKeyword(k, "to") && words[k].value == "to" {
                guard k + 1 < words.count else { throw HorizonError("'to' needs a file name (.png or .svg)", at: words[k].location) }
                guard output == nil else { throw HorizonError("a chart goes to one file: 'to' is given twice", at: words[k].location) }
                output = words[k + 1]
                k += 2
            } else if item == nil {
                item = words[k]; itemQuoted = !a.unquoted[k]; k += 1
            } else if !future, a.isKeyword(k, "future") {
                future = true; k += 1
            } else {
                throw HorizonError("unexpected '\(words[k].value)'; usage: \(usage)", at: words[k].location)
            }
        }
        let metric = a.options.first { $0.key.value == "metric" }
        // An unquoted chart name draws that chart; a quoted one is an item of that name.
        if let item, !itemQuoted, !future, Self.chartKinds.contains(item.value.lowercased()) {
            let kind = Located(item.value.lowercased(), at: item.location)
            try a.expectOptions(in: ["model"] + (["compare", "errors"].contains(kind.value) ? ["metric"] : []), what: "'plot \(kind.value)'")
            form = .chart(kind: kind, options: a.options)
            return
        }
        if let metric {
            throw HorizonError("metric= belongs to 'plot compare' and 'plot errors'; usage: \(usage)", at: metric.key.location,
                               suggestion: item.flatMap { Suggestions.closest(to: $0.value, in: Self.chartKinds) }.map { "did you mean 'plot \($0)'?" })
        }
        // Besides model= and last=, a future chart takes a scenario (checked against the data's
        // covariates when it runs); a holdout chart takes nothing else.
        if !future, let other = a.options.first(where: { !["model", "last"].contains($0.key.value) }) {
            throw HorizonError("'plot ITEM' has no option '\(other.key.value)' (options: model, last; a scenario needs 'plot ITEM future')",
                               at: other.key.location, suggestion: Suggestions.didYouMean(other.key.value, in: ["model", "last"]))
        }
        form = .item(ItemChart(item: item, model: try a.option("model"), future: future, last: try a.integerOption("last"),
                               scenario: a.options.filter { !["model", "last"].contains($0.key.value) }))
    }

    public func check(_ script: inout ScriptCheck) throws {
        switch form {
        case .item(let chart): if let model = chart.model { try script.requireModel(model) }
        case .chart(_, let options): if let model = options.first(where: { $0.key.value == "model" }) { try script.requireModel(model.value) }
        }
    }

    public func run(in interpreter: Interpreter) throws {
        switch form {
        case let .item(chart): try interpreter.plot(chart, to: output)
        case let .chart(kind, options): try interpreter.plotChart(kind, options: options, to: output)
        }
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        if r.words.last == "to" { return Completion(paths: true, optionKeys: []) }
        guard let first = r.words.first else { return Completion(words: ["to"] + chartKinds + (r.session.panel?.ids ?? []), optionKeys: ["model", "last"]) }
        if chartKinds.contains(first) { return Completion(words: ["to"], optionKeys: ["model"] + (["compare", "errors"].contains(first) ? ["metric"] : [])) }
        let future = r.words.contains("future")
        return Completion(words: ["to"] + (future ? [] : ["future"]),
                          optionKeys: ["model", "last"] + (future ? r.session.panel?.dynamicNames ?? [] : []))
    }
}
