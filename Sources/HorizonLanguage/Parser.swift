import HorizonCore

/// Turns tokens into statements, one per line, checking each command's shape against
/// `CommandSyntax` and reporting problems at the exact argument.
public struct Parser {
    private enum Argument {
        case word(Located<String>, quoted: Bool)
        case option(Option)

        var location: SourceLocation {
            switch self {
            case .word(let w, _): return w.location
            case .option(let o): return o.key.location
            }
        }
    }

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
        var args: [Argument] = []
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
            case .word(let s): text += s
            case .string(let s): text += "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            case .equals: text += "="
            case .newline, .end: break
            }
        }
        let command = try self.command(args, start: tokens[0].location)
        return Statement(command: command, location: tokens[0].location, text: text)
    }

    private func command(_ args: [Argument], start: SourceLocation) throws -> Command {
        guard case .word(let name, false) = args[0] else {
            throw HorizonError("a line must start with a command (try 'help')", at: start)
        }
        let keyword = name.value.lowercased() == "exit" ? "quit" : name.value.lowercased()
        guard let syntax = CommandSyntax.named(keyword) else {
            throw HorizonError("unknown command '\(name.value)'", at: name.location,
                               suggestion: Suggestions.didYouMean(name.value, in: CommandSyntax.names))
        }
        let rest = Array(args.dropFirst())
        var positionals: [Located<String>] = []
        var unquoted: [Bool] = []
        var options: [Option] = []
        for arg in rest {
            switch arg {
            case .word(let w, let quoted): positionals.append(w); unquoted.append(!quoted)
            case .option(let o): options.append(o)
            }
        }
        if keyword != "train" && keyword != "forecast" {
            for o in options where !syntax.optionKeys.contains(o.key.value) {
                let known = syntax.optionKeys
                throw HorizonError("'\(keyword)' has no option '\(o.key.value)'" + (known.isEmpty ? "" : " (options: \(known.joined(separator: ", ")))"),
                                   at: o.key.location, suggestion: Suggestions.didYouMean(o.key.value, in: known))
            }
        }
        func expect(_ range: ClosedRange<Int>) throws {
            if positionals.count < range.lowerBound {
                throw HorizonError("'\(keyword)' is missing an argument; usage: \(syntax.usage)", at: name.location)
            }
            if positionals.count > range.upperBound {
                throw HorizonError("unexpected '\(positionals[range.upperBound].value)'; usage: \(syntax.usage)",
                                   at: positionals[range.upperBound].location)
            }
        }
        func integer(_ w: Located<String>, min: Int = 0) throws -> Located<Int> {
            guard let v = Int(w.value), v >= min else {
                throw HorizonError("expected a whole number ≥ \(min), got '\(w.value)'", at: w.location)
            }
            return Located(v, at: w.location)
        }

        func once(_ options: [Option]) throws {
            var seen = Set<String>()
            for o in options where !seen.insert(o.key.value).inserted {
                throw HorizonError("option '\(o.key.value)' is given twice", at: o.key.location)
            }
        }

        switch keyword {
        case "load":
            // `load model PATH [as NAME]` reads a saved model; a data file named "model" can be quoted.
            if positionals.count >= 2, positionals[0].value == "model", unquoted[0] {
                if let o = options.first { throw HorizonError("'load model' takes no options", at: o.key.location) }
                guard positionals.count == 2 || (positionals.count == 4 && positionals[2].value == "as" && unquoted[2]) else {
                    throw HorizonError("usage: load model PATH [as NAME]", at: positionals[min(2, positionals.count - 1)].location)
                }
                return .loadModel(path: positionals[1], alias: positionals.count == 4 ? positionals[3] : nil)
            }
            try expect(1...1)
            return .load(path: positionals[0], options: options)
        case "describe": try expect(0...0); return .describe
        case "models": try expect(0...0); return .models
        case "history": try expect(0...0); return .history
        case "quit": try expect(0...0); return .quit
        case "show":
            try expect(1...1)
            let n = try options.first { $0.key.value == "n" }.map { try integer($0.value, min: 1) }
            return .show(item: positionals[0], rows: n)
        case "set":
            guard let setting = positionals.first else {
                if let o = options.first { throw HorizonError("'set' needs a setting before its options", at: o.key.location) }
                return .current(Located("set", at: name.location))
            }
            let key = setting.value.lowercased()
            guard CommandSyntax.settings.contains(key) else {
                throw HorizonError("unknown setting '\(setting.value)' (settings: \(CommandSyntax.settings.joined(separator: ", ")))",
                                   at: setting.location, suggestion: Suggestions.didYouMean(setting.value, in: CommandSyntax.settings))
            }
            if key == "plot" {
                guard let terminal = options.first(where: { $0.key.value == "terminal" }), positionals.count == 1 else {
                    throw HorizonError("usage: set plot terminal=dumb|ansi|ansi256|ansirgb|sixel", at: setting.location)
                }
                return .set(setting: Located(key, at: setting.location), value: terminal.value)
            }
            if let o = options.first { throw HorizonError("'set \(key)' takes a value, not an option", at: o.key.location) }
            try expect(2...2)
            return .set(setting: Located(key, at: setting.location), value: positionals[1])
        case "quantiles":
            if positionals.isEmpty && options.isEmpty { return .current(Located("quantiles", at: name.location)) }
            try expect(1...99)
            return .quantiles(try positionals.map(quantileLevel))
        case "holdout":
            if positionals.isEmpty && options.isEmpty { return .current(Located("holdout", at: name.location)) }
            try expect(1...1)
            return .holdout(try integer(positionals[0]))
        case "train":
            // In order: the model, then `as NAME`, `+ADDON` and options, each option belonging
            // to the add-on before it (or to the model before any add-on).
            var model: Located<String>?, alias: Located<String>?
            var modelOptions: [Option] = [], addOns: [AddOnClause] = []
            var k = 0
            while k < rest.count {
                switch rest[k] {
                case .word(let w, let quoted):
                    if model == nil {
                        model = w
                    } else if !quoted, w.value == "as" {
                        guard k + 1 < rest.count, case .word(let name, _) = rest[k + 1], alias == nil else {
                            throw HorizonError("expected 'as NAME' after the model; usage: \(syntax.usage)", at: w.location)
                        }
                        alias = name
                        k += 1
                    } else if !quoted, w.value.hasPrefix("+") {
                        guard w.value.count > 1 else { throw HorizonError("'+' needs an add-on name, as in +seasonality", at: w.location) }
                        let at = SourceLocation(source: w.location.source, line: w.location.line, column: w.location.column + 1)
                        addOns.append(AddOnClause(name: Located(String(w.value.dropFirst()), at: at), options: []))
                    } else {
                        throw HorizonError("unexpected '\(w.value)'; usage: \(syntax.usage)", at: w.location)
                    }
                case .option(let o):
                    if addOns.isEmpty { modelOptions.append(o) } else { addOns[addOns.count - 1].options.append(o) }
                }
                k += 1
            }
            guard let model else { throw HorizonError("'train' is missing an argument; usage: \(syntax.usage)", at: name.location) }
            for group in [modelOptions] + addOns.map(\.options) { try once(group) }
            var seenAddOns = Set<String>()
            for a in addOns where !seenAddOns.insert(a.name.value.lowercased()).inserted {
                throw HorizonError("add-on '+\(a.name.value)' is given twice", at: a.name.location)
            }
            return .train(model: model, alias: alias, options: modelOptions, addOns: addOns)
        case "forecast":
            try expect(0...1)
            try once(options)
            return .forecast(model: positionals.first, scenario: options)
        case "evaluate":
            try once(options)
            return .evaluate(models: positionals, options: options)
        case "compare":
            try once(options)
            let isCost = positionals.first.map { $0.value.lowercased() == "cost" && unquoted[0] } ?? false
            let allowed = isCost ? CommandSyntax.costOptionKeys : ["sort", "by"]
            for o in options where !allowed.contains(o.key.value) {
                throw HorizonError(isCost ? "'compare cost' has no option '\(o.key.value)' (options: \(allowed.joined(separator: ", ")))"
                                          : "option '\(o.key.value)' belongs to 'compare cost'; usage: \(syntax.usage)",
                                   at: o.key.location)
            }
            if isCost {
                for key in ["cu", "co"] where !options.contains(where: { $0.key.value == key }) {
                    throw HorizonError("'compare cost' needs \(key)=…: the cost per unit \(key == "cu" ? "short" : "left over")", at: positionals[0].location)
                }
                return .compareCost(models: Array(positionals.dropFirst()), options: options)
            }
            return .evaluate(models: positionals, options: options)
        case "backtest":
            try expect(1...1)
            try once(options)
            return .backtest(model: positionals[0], options: options)
        case "decide":
            try once(options)
            for key in ["cu", "co"] where !options.contains(where: { $0.key.value == key }) {
                throw HorizonError("'decide' needs \(key)=…: the cost per unit \(key == "cu" ? "short" : "left over"); usage: \(syntax.usage)", at: name.location)
            }
            var output: Located<String>?
            if let first = positionals.first {
                guard first.value == "to", unquoted[0], positionals.count == 2 else {
                    throw HorizonError("unexpected '\(first.value)'; usage: \(syntax.usage)", at: first.location)
                }
                output = positionals[1]
            }
            return .decide(options: options, output: output)
        case "plot":
            try once(options)
            var item: Located<String>?, output: Located<String>?
            var itemQuoted = false
            var k = 0
            while k < positionals.count {
                if positionals[k].value == "to", unquoted[k] {
                    guard k + 1 < positionals.count else { throw HorizonError("'to' needs a file name (.png or .svg)", at: positionals[k].location) }
                    output = positionals[k + 1]
                    k += 2
                } else if item == nil {
                    item = positionals[k]; itemQuoted = !unquoted[k]; k += 1
                } else {
                    throw HorizonError("unexpected '\(positionals[k].value)'; usage: \(syntax.usage)", at: positionals[k].location)
                }
            }
            // An unquoted chart name draws that chart; a quoted one is an item of that name.
            if let item, !itemQuoted, CommandSyntax.chartKinds.contains(item.value.lowercased()) {
                let kind = Located(item.value.lowercased(), at: item.location)
                if let metric = options.first(where: { $0.key.value == "metric" }), !["compare", "errors"].contains(kind.value) {
                    throw HorizonError("'plot \(kind.value)' takes no metric (only plot compare and plot errors do)", at: metric.key.location)
                }
                return .plotChart(kind: kind, options: options, output: output)
            }
            if let metric = options.first(where: { $0.key.value == "metric" }) {
                throw HorizonError("metric= belongs to 'plot compare' and 'plot errors'; usage: \(syntax.usage)", at: metric.key.location,
                                   suggestion: item.flatMap { Suggestions.closest(to: $0.value, in: CommandSyntax.chartKinds) }
                                       .map { "did you mean 'plot \($0)'?" })
            }
            return .plot(item: item, model: options.first { $0.key.value == "model" }?.value, output: output)
        case "export":
            guard let what = positionals.first, what.value == "forecasts" else {
                throw HorizonError("usage: \(syntax.usage)", at: positionals.first?.location ?? name.location)
            }
            guard let to = positionals.lastIndex(where: { $0.value == "to" }), to + 2 == positionals.count, to <= 2 else {
                throw HorizonError("usage: \(syntax.usage)", at: positionals.last?.location ?? name.location)
            }
            return .exportForecasts(model: to == 2 ? positionals[1] : nil, path: positionals[to + 1])
        case "save":
            if let what = positionals.first, what.value == "session", unquoted[0] {
                try expect(2...2)
                return .saveSession(path: positionals[1])
            }
            guard positionals.count == 4, positionals[0].value == "model", unquoted[0], positionals[2].value == "to", unquoted[2] else {
                throw HorizonError("usage: \(syntax.usage)", at: positionals.first?.location ?? name.location)
            }
            return .saveModel(name: positionals[1], path: positionals[3])
        case "runs":
            try once(options)
            let form = positionals.first.flatMap { unquoted[0] ? $0.value.lowercased() : nil }
            let allowed: [String]
            switch form {
            case "best": allowed = CommandSyntax.runsBestOptionKeys
            case "compare": allowed = []
            case nil: allowed = CommandSyntax.runsListOptionKeys
            default:
                throw HorizonError("unexpected '\(positionals[0].value)'; usage: \(syntax.usage)", at: positionals[0].location,
                                   suggestion: Suggestions.didYouMean(positionals[0].value, in: ["best", "compare"]))
            }
            for o in options where !allowed.contains(o.key.value) {
                let what = form.map { "'runs \($0)'" } ?? "'runs'"
                throw HorizonError("\(what) has no option '\(o.key.value)'" + (allowed.isEmpty ? "" : " (options: \(allowed.joined(separator: ", ")))"),
                                   at: o.key.location, suggestion: Suggestions.didYouMean(o.key.value, in: allowed))
            }
            switch form {
            case "best":
                try expect(1...1)
                guard options.contains(where: { $0.key.value == "metric" }) else {
                    throw HorizonError("'runs best' needs metric=…: one of \(CommandSyntax.runMetrics.joined(separator: ", "))", at: positionals[0].location)
                }
                return .runsBest(options: options)
            case "compare":
                guard positionals.count == 3 else {
                    throw HorizonError("'runs compare' takes two run ids, as in 'runs compare 3 7'", at: positionals.count > 3 ? positionals[3].location : positionals[0].location)
                }
                return .runsCompare(first: positionals[1], second: positionals[2])
            default:
                try expect(0...0)
                return .runs(options: options)
            }
        case "run":
            try expect(1...1)
            return .run(path: positionals[0])
        case "help":
            try expect(0...1)
            return .help(topic: positionals.first)
        default:
            throw HorizonError("unknown command '\(name.value)'", at: name.location)
        }
    }

    /// `p10` → 0.10, `p2.5` → 0.025, `0.9` → 0.9.
    private func quantileLevel(_ w: Located<String>) throws -> Located<Double> {
        let text = w.value.lowercased()
        let value: Double?
        if text.hasPrefix("p") { value = Double(text.dropFirst()).map { $0 / 100 } } else { value = Double(text) }
        guard let v = value, v > 0, v < 1 else {
            throw HorizonError("'\(w.value)' is not a quantile level: write p10 or 0.1 (strictly between 0 and 1)", at: w.location)
        }
        return Located(v, at: w.location)
    }
}
