import HorizonCore
import HorizonData

/// `load PATH [options]` reads data; `load model PATH [as NAME]` reads a saved model.
public struct LoadCommand: CommandNode {
    public enum Form: Sendable {
        /// `test` is where the test file was named, for errors about it.
        case data(path: Located<String>, options: LoadOptions, test: Located<String>?)
        case model(path: Located<String>, alias: Located<String>?)
    }
    public var form: Form

    public static let declaration = CommandDeclaration(
        name: "load", usage: "load PATH [format=long|wide|rows] [item=COL] [time=COL] [target=COL] [freq=H|D|W|M|Q|Y] [season=N] [test=PATH] [aggregate=sum|mean]",
        summary: "read a CSV (.csv, .csv.gz, .csv.xz) into the session",
        details: ["The layout and the item/time/target columns are detected when not given; load says what it decided.",
                  "load model PATH [as NAME] reads back a model written by save model.",
                  "long: item/time/target rows, other columns become covariates; wide: a time column plus one column per series;",
                  "rows: one row per series (M3/M4 layout); test=PATH supplies the held-out continuation in the same layout.",
                  "item=A,B makes one series per combination of the columns A and B.",
                  "aggregate=sum adds up rows that share an item and a period: a daily file loaded with freq=W or freq=M, or",
                  "  items summed to a level of the hierarchy with item=category (aggregate=mean averages instead);",
                  "  numeric covariates are averaged. Without it such rows are an error, as a duplicate usually is one."],
        examples: ["load datasets/retail-demo.csv", "load m4-hourly.csv format=rows test=m4-hourly-test.csv",
                   "load datasets/retail-demo.csv item=category aggregate=sum", "load model mqcnn.hzm as saved"],
        options: [OptionDeclaration("format", .word(DataFormat.allCases.map(\.rawValue)), help: "the table's layout (default: detected)"),
                  OptionDeclaration("item", .names, help: "the item column(s) (default: detected)"),
                  OptionDeclaration("time", .name, help: "the time column (default: detected)"),
                  OptionDeclaration("target", .name, help: "the value to forecast (default: detected)"),
                  OptionDeclaration("freq", .word(Frequency.codes), help: "the series' frequency (default: from the time column)"),
                  OptionDeclaration("season", .integer(1...Session.maxSteps), help: "the seasonal period (default: by frequency)"),
                  OptionDeclaration("test", .path, help: "the held-out continuation of each series (rows layout)"),
                  OptionDeclaration("aggregate", .word(Aggregation.allCases.map(\.rawValue)),
                                    help: "combine rows sharing an item and a period: the target's sum or mean (default: such rows are an error)")],
        effects: .files)

    public init(_ a: CommandArguments) throws {
        let words = a.words
        // `load model PATH [as NAME]` reads a saved model; a data file named "model" can be quoted.
        if words.count >= 2, a.isKeyword(0, "model") {
            if let o = a.options.first { throw HorizonError("'load model' takes no options", at: o.key.location) }
            guard words.count == 2 || (words.count == 4 && a.isKeyword(2, "as")) else {
                throw HorizonError("usage: load model PATH [as NAME]", at: words[min(2, words.count - 1)].location)
            }
            form = .model(path: words[1], alias: words.count == 4 ? words[3] : nil)
            return
        }
        try a.expectWords(1...1)
        var options = LoadOptions()
        options.format = try a.option("format").flatMap { DataFormat(rawValue: $0.value) }
        options.itemColumns = try a.option("item").map { $0.value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        options.timeColumn = try a.option("time")?.value
        options.targetColumn = try a.option("target")?.value
        options.frequency = try a.option("freq").flatMap { Frequency(code: $0.value) }
        options.season = try a.integerOption("season")?.value
        let test = try a.option("test")
        options.testPath = test?.value
        options.aggregation = try a.option("aggregate").flatMap { Aggregation(rawValue: $0.value) }
        form = .data(path: words[0], options: options, test: test)
    }

    public func check(_ script: inout ScriptCheck) throws {
        if case .model(_, let alias) = form {
            // The name comes from the file unless given: later references are left to run time.
            if let alias { script.models.insert(alias.value) } else { script.modelsKnown = false }
        }
    }

    public func run(in interpreter: Interpreter) throws {
        switch form {
        case let .data(path, options, test): try interpreter.load(path, options, test: test)
        case let .model(path, alias): try interpreter.loadModel(path, as: alias)
        }
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        if r.words.isEmpty { return Completion(words: ["model"], paths: true, optionKeys: []) }
        if r.words == ["model"] { return Completion(paths: true, optionKeys: []) }
        return Completion()
    }
}
