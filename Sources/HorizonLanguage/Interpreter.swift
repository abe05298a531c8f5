import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonModels
import HorizonPlot
import HorizonRuns

/// Executes Horizon commands against a session, sending results to an output sink.
///
/// Errors are thrown as `HorizonError`s located at the argument that caused them; a command
/// that fails leaves the session as it was.
public final class Interpreter {
    public let session: Session
    /// Where output goes; a notebook run swaps in its recorder for the length of the run.
    public var output: OutputSink
    /// Whether charts without `to` go to a terminal that understands ANSI colours.
    public var colorTerminal = false
    /// The size of terminal charts, in characters.
    public var terminalSize: () -> (width: Int, height: Int) = { (100, 28) }
    /// Whether charts without `to` are also drawn as SVG (`OutputBlock.svg`), for a notebook.
    public var drawsSVGCharts = false
    /// The experiment log that `train`, `evaluate` and `backtest` append to (off unless the
    /// front end sets one: the `horizon` executable follows `HORIZON_RUNS`).
    public var runLog = RunLog(.off)
    /// The statement being executed and when it started, so logged runs can name the line
    /// that produced them.
    private(set) var currentStatement: Statement?
    private(set) var currentStatementStart = Date()
    /// The scripts `run` is executing, innermost last: none of them may be written over.
    private(set) var runningScripts: [String] = []
    /// Files the front end is working from (the script given on the command line, the
    /// notebook's script), with what they are: writes to them are refused like writes to
    /// the loaded data.
    public var frontEndFiles: [(path: String, role: String)] = []

    public enum Outcome { case proceed, quit }

    public init(session: Session = Session(), output: OutputSink) {
        self.session = session
        self.output = output
    }

    /// Parses all of `text`, then runs its statements in order, stopping at the first error.
    @discardableResult
    public func execute(_ text: String, source: String, firstLine: Int = 1) throws -> Outcome {
        let statements = try Parser().parse(text, source: source, firstLine: firstLine)
        for statement in statements {
            if try execute(statement) == .quit { return .quit }
        }
        return .proceed
    }

    @discardableResult
    public func execute(_ statement: Statement) throws -> Outcome {
        Interrupt.reset()
        session.noteStart()
        let enclosing = (currentStatement, currentStatementStart)
        (currentStatement, currentStatementStart) = (statement, Date())
        defer { (currentStatement, currentStatementStart) = enclosing }
        do {
            let outcome = try dispatch(statement)
            session.history.append(statement)
            return outcome
        } catch let error as HorizonError {
            throw error.located(at: statement.location)
        }
    }

    func emit(_ text: String) { output.emit(.text(text)) }

    private func dispatch(_ statement: Statement) throws -> Outcome {
        switch statement.command {
        case let .load(path, options): try load(path, options)
        case .describe: try describe()
        case let .show(item, rows): try show(item, rows: rows?.value ?? 10)
        case let .set(setting, value): try set(setting, value)
        case .quantiles(let levels): try setQuantiles(levels)
        case .holdout(let n): try setHoldout(n)
        case .current(let command): showCurrent(command.value)
        case let .train(model, alias, options, addOns): try train(model, alias: alias, options: options, addOns: addOns)
        case let .forecast(model, scenario): try forecast(model, scenario: scenario)
        case let .evaluate(models, options): try evaluate(models, options: options)
        case let .compareCost(models, options): try compareCost(models, options: options)
        case let .backtest(model, options): try backtest(model, options: options)
        case let .decide(options, path): try decide(options: options, to: path)
        case let .plot(item, model, path): try plot(item: item, model: model, to: path)
        case let .plotChart(kind, options, path): try plotChart(kind, options: options, to: path)
        case let .exportForecasts(model, path): try exportForecasts(model, to: path)
        case let .saveModel(name, path): try saveModel(name, to: path)
        case .saveSession(let path): try saveSession(to: path)
        case let .loadModel(path, alias): try loadModel(path, as: alias)
        case .run(let path): try runScript(path)
        case .runs(let options): try listRuns(options)
        case .runsBest(let options): try bestRuns(options)
        case let .runsCompare(first, second): try compareRuns(first, second)
        case .models: listModels()
        case .history: listHistory()
        case .help(let topic): try help(topic)
        case .quit: return .quit
        }
        return .proceed
    }

    // MARK: settings

    private func set(_ setting: Located<String>, _ value: Located<String>) throws {
        if setting.value == "plot" {
            guard PlotTarget.terminalStyles.contains(value.value) else {
                throw HorizonError("unknown plot terminal '\(value.value)' (choose from \(PlotTarget.terminalStyles.joined(separator: ", ")))",
                                   at: value.location, suggestion: Suggestions.didYouMean(value.value, in: PlotTarget.terminalStyles))
            }
            session.plotStyle = value.value
            emit("plots without 'to' now draw with the \(value.value) terminal")
            return
        }
        if setting.value == "seed" {
            guard let seed = UInt64(value.value) else {
                throw HorizonError("a seed is a whole number ≥ 0, got '\(value.value)'", at: value.location)
            }
            session.seed = seed
            emit("seed \(seed)")
            return
        }
        guard let n = Int(value.value), (1...Session.maxSteps).contains(n) else {
            throw HorizonError("'\(setting.value)' takes a whole number from 1 to \(Session.maxSteps), got '\(value.value)'", at: value.location)
        }
        switch setting.value {
        case "horizon":
            session.horizonSetting = n
            emit("horizon \(n)")
        case "context":
            session.context = n
            emit("context \(n)")
        default:
            guard let data = session.data else { throw HorizonError("load data before setting its season", at: setting.location) }
            var updated = data
            updated.panel.season = n
            session.data = updated
            emit("season \(n)")
        }
    }

    /// `set`, `quantiles` or `holdout` alone: the values in effect, and where a default comes from.
    private func showCurrent(_ command: String) {
        let frequency = session.panel.map { " for \($0.frequency)" } ?? ""
        switch command {
        case "quantiles":
            emit("quantiles " + session.levels.map(NumberFormat.quantileName).joined(separator: " "))
        case "holdout":
            if let n = session.holdoutSetting {
                emit("holdout: the last \(n) points of every series")
            } else if session.data?.testLengths != nil {
                emit("holdout: the test file's continuation of each series (set one with 'holdout N')")
            } else {
                emit("holdout: the horizon, \(session.horizon) points (set one with 'holdout N')")
            }
        default:
            var lines = ["horizon \(session.horizon)" + (session.horizonSetting == nil ? " (the default\(frequency))" : "")]
            lines.append(session.context.map { "context \($0)" } ?? "context: each model's default")
            lines.append(session.panel.map { "season \($0.season)" } ?? "season: from the data, once loaded")
            lines.append("seed \(session.seed)")
            lines.append("plot terminal=\(session.plotStyle ?? "chosen from the terminal (ansi in colour, dumb otherwise)")")
            emit(lines.joined(separator: "\n"))
        }
    }

    private func setQuantiles(_ levels: [Located<Double>]) throws {
        var seen = Set<Double>()
        for level in levels where !seen.insert(level.value).inserted {
            throw HorizonError("quantile \(NumberFormat.quantileName(level.value)) is listed twice", at: level.location)
        }
        session.levels = levels.map(\.value).sorted()
        emit("quantiles " + session.levels.map(NumberFormat.quantileName).joined(separator: " "))
    }

    private func setHoldout(_ n: Located<Int>) throws {
        session.holdoutSetting = n.value
        emit("holdout: the last \(n.value) points of every series" + (session.models.isEmpty ? "" : " (retrain models to evaluate on it)"))
    }

    // MARK: scripts, history, help

    private func runScript(_ path: Located<String>) throws {
        guard runningScripts.count < 16 else { throw HorizonError("scripts run each other more than 16 deep (a script that runs itself?)", at: path.location) }
        let text: String
        do { text = try RegularFile.text(path.value) } catch {
            throw HorizonError("cannot run '\(path.value)': \(error.reason)", at: path.location)
        }
        runningScripts.append(path.value)
        defer { runningScripts.removeLast() }
        _ = try execute(text, source: path.value)
    }

    private func listHistory() {
        if session.history.isEmpty { emit("no commands yet"); return }
        emit(session.history.enumerated().map { String(format: "%4d  ", $0.offset + 1) + $0.element.text }.joined(separator: "\n"))
    }

    private func help(_ topic: Located<String>?) throws {
        guard let topic else {
            var table = TextTable(headers: ["command", "what it does"])
            for c in CommandSyntax.all { table.append([c.name, c.summary]) }
            table.notes = ["help COMMAND shows its usage; 'help train' lists the models.",
                           "One command per line; # starts a comment; key=value options; quote paths with spaces; \\ continues a line."]
            output.emit(.table(table))
            return
        }
        let name = topic.value.lowercased()
        if name.hasPrefix("+"), let addOn = AddOnCatalog.spec(named: String(name.dropFirst())) {
            var lines = ["+\(addOn.name): \(addOn.summary)"]
            for option in addOn.options { lines.append("  \(option.key)=…  \(option.help)") }
            emit(lines.joined(separator: "\n"))
            return
        }
        if let spec = ModelCatalog.spec(named: name) {
            var lines = ["\(spec.name): \(spec.summary)"]
            for option in spec.options { lines.append("  \(option.key)=…  \(option.help)") }
            emit(lines.joined(separator: "\n"))
            return
        }
        guard let syntax = CommandSyntax.named(name) else {
            throw HorizonError("no help for '\(topic.value)'", at: topic.location,
                               suggestion: Suggestions.didYouMean(topic.value, in: CommandSyntax.names + ModelCatalog.names + AddOnCatalog.names.map { "+" + $0 }))
        }
        var lines = ["usage: \(syntax.usage)", syntax.summary] + syntax.details + ["examples:"] + syntax.examples.map { "  " + $0 }
        if name == "train" {
            lines.append("models:")
            for spec in ModelCatalog.all { lines.append("  \(spec.name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(spec.summary)") }
            lines.append("add-ons (help +NAME for their options):")
            for addOn in AddOnCatalog.all { lines.append("  \(("+" + addOn.name).padding(toLength: 13, withPad: " ", startingAt: 0)) \(addOn.summary)") }
        }
        emit(lines.joined(separator: "\n"))
    }

    /// The data, or a located error telling the user to load some.
    func requireData(_ location: SourceLocation? = nil) throws -> LoadedData {
        guard let data = session.data else { throw HorizonError("no data loaded: start with 'load PATH'", at: location) }
        return data
    }
}

