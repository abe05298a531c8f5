import HorizonCore

/// Turns tokens into statements, one per line: splits each line into its command's name,
/// words and `key=value` options, checks the options against the command's declaration, and
/// lets the command build itself (see `CommandNode`), reporting problems at the exact argument.
public struct Parser {
    public init() {}

    /// Parses a whole script or REPL entry.
    public func parse(_ text: String, source: String, firstLine: Int = 1) throws -> [Statement] {
        var lexer = Lexer(text, source: source, firstLine: firstLine)
        let tokens = try lexer.tokenize()
        var statements: [Statement] = []
        var line: [Token] = []
        for token in tokens {
            if token.kind == .newline || token.kind == .end {
                if !line.isEmpty { statements.append(try statement(line)) }
                line = []
            } else {
                line.append(token)
            }
        }
        return statements
    }

    private func statement(_ tokens: [Token]) throws -> Statement {
        var args: [CommandArguments.Argument] = []
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            switch t.kind {
            case .equals:
                throw HorizonError("'=' must follow an option name, as in horizon=8 on train or format=long on load", at: t.location)
            case .word(let s), .string(let s):
                if i + 1 < tokens.count, tokens[i + 1].kind == .equals {
                    guard case .word = t.kind else { throw HorizonError("an option name cannot be quoted", at: t.location) }
                    guard i + 2 < tokens.count, let value = tokens[i + 2].text else {
                        throw HorizonError("option '\(s)' needs a value after '='", at: tokens[i + 1].location)
                    }
                    args.append(.option(Option(key: Located(s, at: t.location), value: Located(value, at: tokens[i + 2].location))))
                    i += 3
                } else {
                    if case .string = t.kind { args.append(.word(Located(s, at: t.location), quoted: true)) }
                    else { args.append(.word(Located(s, at: t.location), quoted: false)) }
                    i += 1
                }
            case .newline, .end:
                i += 1
            }
        }
        // The canonical text of the line (for `history`): tokens joined by single spaces,
        // with options written key=value.
        var text = ""
        for (k, token) in tokens.enumerated() {
            if k > 0, token.kind != .equals, tokens[k - 1].kind != .equals { text += " " }
            switch token.kind {
            // A word ending in a backslash is quoted: bare at a line's end, it would continue the line.
            case .word(let s) where !s.hasSuffix("\\"): text += s
            case .word(let s), .string(let s): text += Lexer.quoted(s)
            case .equals: text += "="
            case .newline, .end: break
            }
        }
        let (command, tablePath) = try self.command(args, start: tokens[0].location)
        return Statement(command: command, location: tokens[0].location, text: text, tablePath: tablePath)
    }

    private func command(_ args: [CommandArguments.Argument], start: SourceLocation) throws -> (any CommandNode, Located<String>?) {
        guard case .word(let name, false) = args[0] else {
            throw HorizonError("a line must start with a command (try 'help')", at: start)
        }
        guard let type = CommandTable.named(name.value) else {
            throw HorizonError("unknown command '\(name.value)'", at: name.location,
                               suggestion: Suggestions.didYouMean(name.value, in: CommandTable.names))
        }
        var rest = Array(args.dropFirst()), tablePath: Located<String>?
        if type.declaration.tablesTo, let to = rest.lastIndex(where: { if case .word(let w, false) = $0 { return w.value == "to" } else { return false } }) {
            guard to + 1 < rest.count, case .word(let path, _) = rest[to + 1], to + 2 == rest.count else {
                throw HorizonError("'to' ends the line with a file name: \(name.value) … to PATH.csv", at: start)
            }
            guard path.value.lowercased().hasSuffix(".csv") else {
                throw HorizonError("tables are written as CSV: name the file PATH.csv", at: path.location)
            }
            tablePath = path
            rest.removeSubrange(to...)
        }
        let arguments = CommandArguments(name: name, all: rest, declaration: type.declaration)
        if type.declaration.ownOptions {
            try arguments.expectOptions(in: type.declaration.optionKeys)
            try arguments.expectOptionsOnce()
        }
        return (try type.init(arguments), tablePath)
    }
}
