import HorizonCore
import Foundation
import HorizonData
import HorizonEvaluation
import HorizonModels

/// Tab completion: what may come next at the cursor, from the command table, the model
/// catalog, the session (item ids, trained models) and the file system.
public struct Completer {
    public let session: Session

    public init(session: Session) { self.session = session }

    /// Candidates for the word `prefix` being typed, given the line before it: the command
    /// names, then what the command's declaration and `complete` offer.
    public func complete(prefix: String, before: String) -> [String] {
        let words = Self.words(before)
        guard let name = words.first else { return matching(prefix, CommandTable.names) }
        guard let command = CommandTable.named(name) else { return [] }
        // An option value: `key=` just before the cursor.
        if before.hasSuffix("="), let key = words.last?.dropLast() {
            return matching(prefix, optionValues(String(key), command: command))
        }
        let request = CompletionRequest(words: Array(words.dropFirst()), session: session)
        let answer = command.complete(request)
        if answer.paths { return paths(prefix) + matching(prefix, answer.words) }
        let keys = answer.optionKeys ?? command.declaration.optionKeys
        return matching(prefix, answer.words + keys.map { $0 + "=" })
    }

    /// What to put in place of the word being typed, quoted as the lexer needs it: a candidate
    /// with a space, `=`, a quote or a backslash (a path like `my data/demo.csv`, an item id like
    /// `SKI JACKET`) would otherwise be split into several words. Inside a quote the user opened
    /// (`openQuote`), the candidates are escaped for that quote, and the line editor closes it;
    /// otherwise a candidate that needs quotes is opened in double quotes here, and closed here
    /// when it is the only one and complete.
    ///
    /// - Parameters:
    ///   - word: the text being completed, after the opening quote if there is one.
    ///   - before: the line before `word`, ending with the opening quote if there is one.
    public func insertion(word: String, before: String, openQuote: Character?) -> Insertion {
        let prefix = openQuote.map { Self.unescaped(word, quote: $0) } ?? word
        let lineBefore = openQuote == nil ? before : String(before.dropLast())
        let found = complete(prefix: prefix, before: lineBefore)
        // A directory or an option key goes on: no closing quote, no space after it.
        let single = found.count == 1 ? found[0] : nil
        let finished = single.map { !$0.hasSuffix("/") && !$0.hasSuffix("=") } ?? false
        if let quote = openQuote {
            return Insertion(candidates: found.map { Lexer.escaped($0, inside: quote) }, closesQuote: finished, appendsSpace: finished)
        }
        let candidates = found.map { candidate -> String in
            guard Self.needsQuotes(candidate) else { return candidate }
            let quoted = Lexer.quoted(candidate)
            return finished ? quoted : String(quoted.dropLast())
        }
        return Insertion(candidates: candidates, closesQuote: false, appendsSpace: finished)
    }

    /// The candidates for the word being typed, and what the line editor adds after a single one.
    public struct Insertion: Equatable {
        /// The replacements for the word, quoted or escaped as needed.
        public var candidates: [String]
        /// Whether the editor should close the quote the user opened.
        public var closesQuote: Bool
        /// Whether the editor should add a space after a single candidate.
        public var appendsSpace: Bool
    }

    /// Whether the lexer would read `text` as anything but one word.
    static func needsQuotes(_ text: String) -> Bool {
        text.isEmpty || text.hasPrefix("#") || text.unicodeScalars.contains { " \t=\"'\\".unicodeScalars.contains($0) }
    }

    /// The text the user typed inside `quote`, with the lexer's escapes undone.
    static func unescaped(_ text: String, quote: Character) -> String {
        var out = String.UnicodeScalarView()
        var pending = false
        for scalar in text.unicodeScalars {
            if pending { pending = false; if scalar != "\\" && !quote.unicodeScalars.contains(scalar) { out.append("\\") } }
            else if scalar == "\\" { pending = true; continue }
            out.append(scalar)
        }
        if pending { out.append("\\") }
        return String(out)
    }

    /// The words of the line before the cursor as the parser sees them: quoted strings are one
    /// word without their quotes, and `key=value` stays one word. A line the lexer refuses falls
    /// back to splitting at spaces.
    static func words(_ before: String) -> [String] {
        var lexer = Lexer(before, source: "<completion>")
        guard let tokens = try? lexer.tokenize() else {
            return before.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }
        var words: [String] = []
        var joining = false
        for token in tokens {
            switch token.kind {
            case .word(let text), .string(let text):
                if joining, !words.isEmpty { words[words.count - 1] += text } else { words.append(text) }
                joining = false
            case .equals:
                if words.isEmpty { words.append("=") } else { words[words.count - 1] += "=" }
                joining = true
            case .newline, .end: joining = false
            }
        }
        return words
    }

    /// Values of the option `key`: from its declared kind, or for `train`, from the model's or
    /// add-on's declaration.
    private func optionValues(_ key: String, command: any CommandNode.Type) -> [String] {
        let declared = command.declaration.option(key).map { [$0] }
            ?? (ModelCatalog.all.flatMap(\.options) + AddOnCatalog.all.flatMap(\.options)).filter { $0.key == key && ObjectIdentifier(command) == ObjectIdentifier(TrainCommand.self) }
        var values: [String] = []
        for option in declared {
            switch option.kind {
            case .word(let words): values += words
            case .path: values += paths("")
            case .reference(.model): values += session.modelNames
            case .reference(.metric): values += ScoreMetric.names(levels: session.levels)
            case .reference(.runMetric): values += RunsCommand.metrics
            case .reference(.attribute): values += session.panel.map(Grouping.attributes) ?? []
            case .reference(.covariate): values += session.panel?.dynamicNames ?? []
            case .integer, .number, .positive, .names, .name: break
            }
        }
        return values
    }

    /// Candidates starting with `prefix`, ignoring case (`jack` finds `JACKET-01`, as lookups
    /// ignore case). Candidates with control characters are left out: readline would list them
    /// raw on the terminal, and nobody can type them.
    private func matching(_ prefix: String, _ candidates: [String]) -> [String] {
        var seen = Set<String>()
        let lowered = prefix.lowercased()
        return candidates.filter { $0.lowercased().hasPrefix(lowered) && !Visible.hasControl($0) && seen.insert($0).inserted }
    }

    /// Files and directories (with a trailing slash) starting with `prefix`.
    public func paths(_ prefix: String) -> [String] {
        let expanded = (prefix as NSString).expandingTildeInPath
        let directory: String, stem: String
        if prefix.hasSuffix("/") { directory = expanded; stem = "" } else {
            directory = (expanded as NSString).deletingLastPathComponent
            stem = (expanded as NSString).lastPathComponent
        }
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        let shownDirectory = prefix.hasSuffix("/") ? prefix : String(prefix.dropLast(stem.count))
        return listed.filter { ($0.hasPrefix(stem) && !$0.hasPrefix(".") || (stem.hasPrefix(".") && $0.hasPrefix(stem))) && !Visible.hasControl($0) }
            .sorted()
            .map { name in
                var isDirectory: ObjCBool = false
                let full = (directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name))
                _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
                return shownDirectory + name + (isDirectory.boolValue ? "/" : "")
            }
    }
}
