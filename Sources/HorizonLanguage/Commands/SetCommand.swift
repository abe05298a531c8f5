import HorizonCore
import HorizonPlot

/// `set horizon 8`, `set seed 7`, `set plot terminal=ansi`; `set` alone shows every setting.
public struct SetCommand: CommandNode {
    public enum Setting: Equatable, Sendable {
        case horizon(Int), context(Int), season(Int), seed(UInt64), plotTerminal(String)
    }
    /// nil: `set` alone.
    public var setting: Setting?
    /// Where the setting's name is, for an error that needs data (`season`).
    public var location: SourceLocation?

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

    /// The value is checked here, where the line is, so a bad one stops a script before it runs.
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
        location = first.location
        if key == "plot" {
            guard let terminal = a.options.first(where: { $0.key.value == "terminal" }), a.words.count == 1 else {
                throw HorizonError("usage: set plot terminal=dumb|ansi|ansi256|ansirgb|sixel", at: first.location)
            }
            guard PlotTarget.terminalStyles.contains(terminal.value.value) else {
                throw HorizonError("unknown plot terminal '\(terminal.value.value)' (choose from \(PlotTarget.terminalStyles.joined(separator: ", ")))",
                                   at: terminal.value.location, suggestion: Suggestions.didYouMean(terminal.value.value, in: PlotTarget.terminalStyles))
            }
            setting = .plotTerminal(terminal.value.value)
            return
        }
        if let o = a.options.first { throw HorizonError("'set \(key)' takes a value, not an option", at: o.key.location) }
        try a.expectWords(2...2)
        let value = a.words[1]
        if key == "seed" {
            guard let seed = UInt64(value.value) else { throw HorizonError("a seed is a whole number ≥ 0, got '\(value.value)'", at: value.location) }
            setting = .seed(seed)
            return
        }
        guard let n = Int(value.value), (1...Session.maxSteps).contains(n) else {
            throw HorizonError("'\(key)' takes a whole number from 1 to \(Session.maxSteps), got '\(value.value)'", at: value.location)
        }
        setting = key == "horizon" ? .horizon(n) : key == "context" ? .context(n) : .season(n)
    }

    /// `set` alone only looks.
    public var isReplayed: Bool { setting != nil }

    public func run(in interpreter: Interpreter) throws {
        let session = interpreter.session
        switch setting {
        case nil:
            interpreter.showSettings()
        case .horizon(let n):
            session.horizonSetting = n
            interpreter.emit("horizon \(n)")
        case .context(let n):
            session.context = n
            interpreter.emit("context \(n)")
        case .season(let n):
            guard var data = session.data else { throw HorizonError("load data before setting its season", at: location) }
            let before = data.panel.season
            data.panel.season = n
            session.data = data
            guard before != n else { return interpreter.emit("season \(n)") }
            // A model that estimates from the history it is given (naive, ETS, ARIMA) forecasts
            // with the new season from now, so no forecast made with the old one is kept; one
            // fitted once (a forest, a net) keeps the season it learned, which is said, so a
            // changed score (MASE and naive2 take the new season) is not taken for a better model.
            for k in session.models.indices {
                session.models[k].holdoutForecast = nil
                session.models[k].futureForecast = nil
                session.models[k].holdoutMemberForecasts = nil
                session.models[k].futureMemberForecasts = nil
            }
            let kept = session.models.filter { !$0.estimator.refitsOnEveryHistory }.map { Visible.name($0.name) }
            interpreter.emit("season \(n)" + (kept.isEmpty ? "" : "; \(kept.joined(separator: ", ")) \(kept.count == 1 ? "keeps" : "keep") season \(before) "
                                                + "until trained again (evaluate's MASE and naive2 use season \(n) now)"))
        case .seed(let seed):
            session.seed = seed
            interpreter.emit("seed \(seed)")
        case .plotTerminal(let style):
            session.plotStyle = style
            interpreter.emit("plots without 'to' now draw with the \(style) terminal")
        }
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        Completion(words: r.words.isEmpty ? settings : [], optionKeys: r.words == ["plot"] ? ["terminal"] : [])
    }
}
