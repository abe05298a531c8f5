import HorizonCore
import HorizonPlot

/// `set horizon 8`, `set seed 7`, `set plot terminal=ansi`; `set` alone shows every setting.
public struct SetCommand: CommandNode {
    /// nil: `set` alone.
    public var setting: Located<String>?
    public var value: Located<String>?

    public static let settings = ["horizon", "context", "season", "seed", "plot"]

    public static let declaration = CommandDeclaration(
        name: "set", usage: "set | set horizon N | set context N | set season N | set seed N | set plot terminal=dumb|ansi|ansi256|ansirgb|sixel",
        summary: "change a session setting; 'set' alone shows them all",
        details: ["horizon: steps to forecast (default: the M4 horizon for the frequency);",
                  "context: history length for windowed models; season: the seasonal period;",
                  "seed: the seed of every random draw, so a script replays exactly.",
                  "'quantiles' and 'holdout' alone show theirs too."],
        examples: ["set", "set horizon 8", "set seed 7", "set plot terminal=ansi"],
        options: [OptionDeclaration("terminal", .word(PlotTarget.terminalStyles), help: "how plots without 'to' draw (set plot)")])

    public init(_ a: CommandArguments) throws {
        guard let first = a.words.first else {
            if let o = a.options.first { throw HorizonError("'set' needs a setting before its options", at: o.key.location) }
            return
        }
        let key = first.value.lowercased()
        guard Self.settings.contains(key) else {
            throw HorizonError("unknown setting '\(first.value)' (settings: \(Self.settings.joined(separator: ", ")))",
                               at: first.location, suggestion: Suggestions.didYouMean(first.value, in: Self.settings))
        }
        setting = Located(key, at: first.location)
        if key == "plot" {
            guard let terminal = a.options.first(where: { $0.key.value == "terminal" }), a.words.count == 1 else {
                throw HorizonError("usage: set plot terminal=dumb|ansi|ansi256|ansirgb|sixel", at: first.location)
            }
            value = terminal.value
            return
        }
        if let o = a.options.first { throw HorizonError("'set \(key)' takes a value, not an option", at: o.key.location) }
        try a.expectWords(2...2)
        value = a.words[1]
    }

    /// `set` alone only looks.
    public var isReplayed: Bool { setting != nil }

    public func run(in interpreter: Interpreter) throws {
        guard let setting, let value else { interpreter.showSettings(); return }
        try interpreter.set(setting, value)
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        Completion(words: r.words.isEmpty ? settings : [], optionKeys: r.words == ["plot"] ? ["terminal"] : [])
    }
}
