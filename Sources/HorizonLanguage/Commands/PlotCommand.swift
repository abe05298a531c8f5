import HorizonCore

/// `plot ITEM [model=NAME] [to PATH]`: one series' fan chart; `plot compare|calibration|errors|loss`:
/// charts across the trained models.
public struct PlotCommand: CommandNode {
    public enum Form: Equatable, Sendable {
        case item(Located<String>?, model: Located<String>?)
        case chart(kind: Located<String>, options: [Option])
    }
    public var form: Form
    public var output: Located<String>?

    /// The charts drawn across models (any other word is an item).
    public static let chartKinds = ["compare", "calibration", "errors", "loss"]

    public static let declaration = CommandDeclaration(
        name: "plot", usage: "plot [ITEM] [model=NAME] [to PATH.png|PATH.svg] | plot compare|calibration|errors|loss [metric=METRIC] [model=NAME] [to PATH]",
        summary: "fan chart of one series; or charts comparing the trained models",
        details: ["plot ITEM: history, holdout actuals, median and quantile bands (write plot \"loss\" for an item named loss).",
                  "plot compare [metric=wql|crps|mase|smape|msis|owa|pNN]: the metric per model, as bars.",
                  "plot calibration: observed coverage against each nominal level, one line per model (ideal: the diagonal).",
                  "plot errors [metric=…]: the metric at each forecast step, one line per model.",
                  "plot loss: training loss per epoch (and validation wQL) of models trained by gradient descent.",
                  "model=NAME restricts a chart to one model.",
                  "Without 'to', the chart is drawn in the terminal (see 'set plot terminal=...')."],
        examples: ["plot JACKET-01 model=qrf", "plot compare metric=mase to compare.svg"],
        options: [OptionDeclaration("model", .reference(.model), help: "the model drawn (default: the last trained; charts: all)"),
                  OptionDeclaration("metric", .reference(.metric), default: "wql", help: "plot compare and plot errors: the metric drawn")],
        effects: .files)

    public init(_ a: CommandArguments) throws {
        try a.expectOptionsOnce()
        let words = a.words, usage = Self.declaration.usage
        var item: Located<String>?, itemQuoted = false
        var k = 0
        while k < words.count {
            if a.isKeyword(k, "to") && words[k].value == "to" {
                guard k + 1 < words.count else { throw HorizonError("'to' needs a file name (.png or .svg)", at: words[k].location) }
                output = words[k + 1]
                k += 2
            } else if item == nil {
                item = words[k]; itemQuoted = !a.unquoted[k]; k += 1
            } else {
                throw HorizonError("unexpected '\(words[k].value)'; usage: \(usage)", at: words[k].location)
            }
        }
        let metric = a.options.first { $0.key.value == "metric" }
        // An unquoted chart name draws that chart; a quoted one is an item of that name.
        if let item, !itemQuoted, Self.chartKinds.contains(item.value.lowercased()) {
            let kind = Located(item.value.lowercased(), at: item.location)
            if let metric, !["compare", "errors"].contains(kind.value) {
                throw HorizonError("'plot \(kind.value)' takes no metric (only plot compare and plot errors do)", at: metric.key.location)
            }
            form = .chart(kind: kind, options: a.options)
            return
        }
        if let metric {
            throw HorizonError("metric= belongs to 'plot compare' and 'plot errors'; usage: \(usage)", at: metric.key.location,
                               suggestion: item.flatMap { Suggestions.closest(to: $0.value, in: Self.chartKinds) }.map { "did you mean 'plot \($0)'?" })
        }
        form = .item(item, model: a.options.first { $0.key.value == "model" }?.value)
    }

    public func check(_ script: inout ScriptCheck) throws {
        switch form {
        case .item(_, let model): if let model { try script.requireModel(model) }
        case .chart(_, let options): if let model = options.first(where: { $0.key.value == "model" }) { try script.requireModel(model.value) }
        }
    }

    public func run(in interpreter: Interpreter) throws {
        switch form {
        case let .item(item, model): try interpreter.plot(item: item, model: model, to: output)
        case let .chart(kind, options): try interpreter.plotChart(kind, options: options, to: output)
        }
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        if r.words.last == "to" { return Completion(paths: true, optionKeys: []) }
        let keys = ["model"] + (r.words.first.map { ["compare", "errors"].contains($0) } == true ? ["metric"] : [])
        return Completion(words: ["to"] + (r.words.isEmpty ? chartKinds + (r.session.panel?.ids ?? []) : []), optionKeys: keys)
    }
}
