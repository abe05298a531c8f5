import HorizonCore
import HorizonForecast
import HorizonModels

/// `help [COMMAND | MODEL | +ADDON]`: the command list, or one in detail.
public struct HelpCommand: CommandNode {
    public var topic: Located<String>?

    public static let declaration = CommandDeclaration(
        name: "help", usage: "help [COMMAND | MODEL | +ADDON | METRIC]", summary: "this list, or one command, model, add-on or metric in detail",
        examples: ["help train", "help ets", "help +elasticity", "help wql"], replayed: false)

    public init(_ a: CommandArguments) throws {
        try a.expectWords(0...1)
        topic = a.words.first
    }

    public func run(in interpreter: Interpreter) throws {
        guard let topic else {
            var table = TextTable(headers: ["command", "what it does"])
            for command in CommandTable.all { table.append([command.declaration.name, command.declaration.summary]) }
            table.notes = ["help COMMAND shows its usage and options; 'help train' lists the models.",
                           "One command per line; # starts a comment; key=value options; quote paths with spaces; \\ continues a line."]
            interpreter.output.emit(.table(table))
            return
        }
        interpreter.emit(try Self.text(topic).joined(separator: "\n"))
    }

    /// The help of a command, a model or an add-on.
    static func text(_ topic: Located<String>) throws -> [String] {
        let name = topic.value.lowercased()
        if name.hasPrefix("+"), let addOn = AddOnCatalog.spec(named: String(name.dropFirst())) {
            return ["+\(addOn.name): \(addOn.summary)"] + addOn.options.map { "  " + $0.helpLine }
        }
        if let spec = ModelCatalog.spec(named: name) {
            return ["\(spec.name): \(spec.summary)"] + spec.options.map { "  " + $0.helpLine }
        }
        guard let command = CommandTable.named(name) else {
            if let metric = MetricDeclaration.named(name) {
                return ["\(metric.label) (sort=\(metric.name), plot compare metric=\(metric.name)): \(metric.explanation)"]
            }
            // A level is a metric too: the weighted quantile loss there (`sort=p50`).
            if name.hasPrefix("p"), let percent = Double(name.dropFirst()), percent > 0, percent < 100 {
                return ["wQL[\(name)] (sort=\(name)): the weighted quantile loss at the \(NumberFormat.value(percent))% level, 2·Σ pinball / Σ|y| over every series and step; "
                        + "with cov[\(name)], the share of actuals at or below that quantile (\(NumberFormat.value(percent))% when calibrated)"]
            }
            throw HorizonError("no help for '\(topic.value)'", at: topic.location,
                               suggestion: Suggestions.didYouMean(topic.value, in: CommandTable.names + ModelCatalog.names + AddOnCatalog.names.map { "+" + $0 }
                                                                  + MetricDeclaration.all.map(\.name)))
        }
        let d = command.declaration
        var lines = ["usage: \(d.usage)", d.summary] + d.details
        if !d.options.isEmpty { lines += ["options:"] + d.options.map { "  " + $0.helpLine } }
        return lines + ["examples:"] + d.examples.map { "  " + $0 }
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        Completion(words: r.words.isEmpty ? CommandTable.names + ModelCatalog.names + AddOnCatalog.names.map { "+" + $0 } + MetricDeclaration.all.map(\.name) : [],
                   optionKeys: [])
    }
}
