import HorizonCore

/// One command of the language as parsed: the abstract syntax the interpreter runs.
///
/// Each command is one type in its own file under `Commands/`, holding everything about it
/// (swift-argument-parser's idea, inside the language): its declaration — usage, summary,
/// typed options, examples, whether `save session` replays it and what it may do beyond the
/// session — how it is built from a line's arguments, what can be checked before a script
/// runs, tab completion, and `run(in:)`. The parser, the completer, `help`, `save session`
/// and the fuzz harness read these; none of them names a command.
public protocol CommandNode: Sendable {
    static var declaration: CommandDeclaration { get }
    /// Builds the command from the words and options after its name, or throws an error
    /// located at the argument at fault.
    init(_ arguments: CommandArguments) throws
    /// Whether `save session` writes this command into the script it saves.
    var isReplayed: Bool { get }
    /// What running it may do beyond changing the session.
    var effects: CommandEffects { get }
    /// Checks what can be known before the script runs — names of models and add-ons, their
    /// options, references to models trained earlier — and records what the command adds.
    func check(_ script: inout ScriptCheck) throws
    func run(in interpreter: Interpreter) throws
    /// Whether the session ends after it (`quit`).
    var endsSession: Bool { get }
    /// Candidates for the word being typed, given the words after the command's name.
    static func complete(_ request: CompletionRequest) -> Completion
}

extension CommandNode {
    public var isReplayed: Bool { Self.declaration.replayed }
    public var effects: CommandEffects { Self.declaration.effects }
    public func check(_ script: inout ScriptCheck) throws {}
    public var endsSession: Bool { false }
    public static func complete(_ request: CompletionRequest) -> Completion { Completion() }
}

/// What a command may do beyond reading and changing the session. The fuzz harness runs only
/// commands with none of these, so a new command is left out of it until it says it is safe.
public struct CommandEffects: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Reads or writes files, or starts another program (gnuplot).
    public static let files = CommandEffects(rawValue: 1)
    /// May run for a long time whatever its input (training a network).
    public static let unbounded = CommandEffects(rawValue: 2)
    public static let none: CommandEffects = []
}

/// A command described once: what `help` prints, which options it takes and whether a saved
/// session replays it.
public struct CommandDeclaration: Sendable {
    public var name: String
    /// Other names it answers to (`exit` for `quit`).
    public var aliases: [String] = []
    public var usage: String
    public var summary: String
    public var details: [String] = []
    /// Lines that show the command at work; `help COMMAND` prints them and a test parses each.
    public var examples: [String]
    /// Every option any form of the command takes; a form that takes fewer says so when parsed.
    public var options: [OptionDeclaration] = []
    /// Whether the options are the command's own (checked by the parser) or belong to
    /// something named on the line (a model's, a scenario's covariates), checked later.
    public var ownOptions = true
    /// Whether `save session` replays it: not help, history, items, report, runs, quit or run
    /// (`save`'s help lists them; a test keeps the list true).
    public var replayed = true
    public var effects: CommandEffects = .none
    /// Whether a trailing `to PATH.csv` writes the tables the command prints as CSV (the
    /// parser takes it off the line, so the command itself never sees it).
    public var tablesTo = false

    public func option(_ key: String) -> OptionDeclaration? { options.first { $0.key == key } }

    /// An option's declared default, as the type the command needs (the one place it is written).
    public func defaultValue<T: LosslessStringConvertible>(_ key: String) -> T { options.defaultValue(key) }
    public var optionKeys: [String] { options.map(\.key) }
}

/// The arguments after a command's name: words (quoted or not) and `key=value` options, in
/// the order written, with helpers that throw located errors in the language's words.
public struct CommandArguments: Sendable {
    public enum Argument: Sendable {
        case word(Located<String>, quoted: Bool)
        case option(Option)
    }

    public var name: Located<String>
    public var all: [Argument]
    public let declaration: CommandDeclaration

    public var words: [Located<String>] {
        all.compactMap { if case .word(let w, _) = $0 { return w } else { return nil } }
    }
    /// Whether each word was written without quotes (so it can be a keyword: `to`, `as`, `cost`).
    public var unquoted: [Bool] {
        all.compactMap { if case .word(_, let quoted) = $0 { return !quoted } else { return nil } }
    }
    public var options: [Option] {
        all.compactMap { if case .option(let o) = $0 { return o } else { return nil } }
    }

    /// Whether word `i` is the unquoted keyword `keyword` (any case).
    public func isKeyword(_ i: Int, _ keyword: String) -> Bool {
        i < words.count && unquoted[i] && words[i].value.lowercased() == keyword
    }

    /// Between `range` words, or an error naming the usage.
    public func expectWords(_ range: ClosedRange<Int>) throws {
        let w = words
        if w.count < range.lowerBound {
            throw HorizonError("'\(declaration.name)' is missing an argument; usage: \(declaration.usage)", at: name.location)
        }
        if w.count > range.upperBound {
            throw HorizonError("unexpected '\(w[range.upperBound].value)'; usage: \(declaration.usage)", at: w[range.upperBound].location)
        }
    }

    /// No option twice.
    public func expectOptionsOnce(_ options: [Option]? = nil) throws {
        var seen = Set<String>()
        for o in options ?? self.options where !seen.insert(o.key.value).inserted {
            throw HorizonError("option '\(o.key.value)' is given twice", at: o.key.location)
        }
    }

    /// Only options of `keys` (a form's subset of the declared ones); `what` names the form.
    public func expectOptions(in keys: [String], what: String? = nil) throws {
        for o in options where !keys.contains(o.key.value) {
            throw HorizonError("\(what ?? "'\(declaration.name)'") has no option '\(o.key.value)'" + (keys.isEmpty ? "" : " (options: \(keys.joined(separator: ", ")))"),
                               at: o.key.location, suggestion: Suggestions.didYouMean(o.key.value, in: keys))
        }
    }

    /// The option's value checked against its declared kind (a word as declared), or nil
    /// when not given: options are parsed once, here, where the line is.
    public func option(_ key: String) throws -> Located<String>? {
        guard let o = options.first(where: { $0.key.value == key }) else { return nil }
        guard let declared = declaration.option(key) else { return o.value }
        return Located(try o.checked(declared), at: o.value.location)
    }

    /// An integer option, checked against its declared range.
    public func integerOption(_ key: String) throws -> Located<Int>? {
        try option(key).map { Located(Int($0.value)!, at: $0.location) }
    }

    /// A number option, checked against its declared range.
    public func numberOption(_ key: String) throws -> Located<Double>? {
        try option(key).map { Located(Double($0.value)!, at: $0.location) }
    }

    /// A whole number written as a word, at least `min`.
    public func integer(_ w: Located<String>, min: Int = 0) throws -> Located<Int> {
        guard let v = Int(w.value), v >= min else {
            throw HorizonError("expected a whole number ≥ \(min), got '\(w.value)'", at: w.location)
        }
        return Located(v, at: w.location)
    }
}

/// What the whole-script check knows as it walks a script before running it.
public struct ScriptCheck {
    /// Models the session has and models earlier lines train or load.
    public var models: Set<String>
    /// False after a line whose effect on the model names cannot be known (`run` of another
    /// script): references after it are left to run time.
    public var modelsKnown = true

    public init(models: Set<String>) { self.models = models }

    /// A reference to a model: it must exist by then.
    public func requireModel(_ name: Located<String>) throws {
        guard modelsKnown, !models.contains(name.value) else { return }
        throw HorizonError("no model named '\(name.value)' is trained before this line", at: name.location,
                           suggestion: Suggestions.didYouMean(name.value, in: Array(models)))
    }
}

/// What the completer asks a command: the words after its name, and the session.
public struct CompletionRequest {
    public var words: [String]
    public var session: Session
}

/// A command's answer: candidate words, whether the word is a path, and which option keys
/// apply (nil: all the declared ones).
public struct Completion {
    public var words: [String] = []
    public var paths = false
    public var optionKeys: [String]?

    public init(words: [String] = [], paths: Bool = false, optionKeys: [String]? = nil) {
        self.words = words
        self.paths = paths
        self.optionKeys = optionKeys
    }
}
