import Foundation
import HorizonCore
import HorizonData
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
    /// What the history keeps for the statement running when it is not what was written: a
    /// training Ctrl-C stopped is kept with `stop=` the epoch it stopped after.
    var recordedText: String?
    private(set) var currentStatementStart = Date()
    /// The scripts `run` is executing, innermost last: none of them may be written over.
    var runningScripts: [String] = []
    /// Files the front end is working from (the script given on the command line, the
    /// notebook's script), with what they are: writes to them are refused like writes to
    /// the loaded data.
    public var frontEndFiles: [(path: String, role: String)] = []

    public enum Outcome { case proceed, quit }

    public init(session: Session = Session(), output: OutputSink) {
        self.session = session
        self.output = output
    }

    /// Parses all of `text` and checks it whole (`check(_:)`), then runs its statements in
    /// order, stopping at the first error.
    @discardableResult
    public func execute(_ text: String, source: String, firstLine: Int = 1) throws -> Outcome {
        let statements = try Parser().parse(text, source: source, firstLine: firstLine)
        try check(statements)
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
        let enclosingText = recordedText
        recordedText = nil
        defer { recordedText = enclosingText }
        // A `run` is listed before the commands it ran (they are recorded as they succeed).
        let position = session.history.count
        do {
            let outcome = try dispatch(statement)
            var recorded = statement
            if let recordedText { recorded.text = recordedText }
            session.history.insert(recorded, at: statement.command is RunCommand ? position : session.history.count)
            return outcome
        } catch let error as HorizonError {
            throw error.located(at: statement.location)
        }
    }

    func emit(_ text: String) { output.emit(.text(text)) }

    private func dispatch(_ statement: Statement) throws -> Outcome {
        if let path = statement.tablePath {
            try checkWritable(path)  // before the command runs, which can take a while
            let screen = output, tables = TableCapture(forwardingTo: screen)
            output = tables
            defer { output = screen }
            try statement.command.run(in: self)
            output = screen
            try writeTables(tables.tables, to: path)
        } else {
            try statement.command.run(in: self)
        }
        return statement.command.endsSession ? .quit : .proceed
    }

    /// What can be known before anything runs: every line's model and add-on names and their
    /// options, and references to models trained earlier in the script or in the session. A
    /// typo on the last line then costs nothing, however long the lines before it take.
    public func check(_ statements: [Statement]) throws {
        var script = ScriptCheck(models: Set(session.models.map(\.name)))
        for statement in statements {
            do { try statement.command.check(&script) } catch let error as HorizonError {
                throw error.located(at: statement.location)
            }
        }
    }

    // MARK: settings

    /// `set` alone: the settings in effect, and where a default comes from.
    func showSettings() {
        let frequency = session.panel.map { " for \($0.frequency)" } ?? ""
        var lines = ["horizon \(session.horizon)" + (session.horizonSetting == nil ? " (the default\(frequency))" : "")]
        lines.append(session.context.map { "context \($0)" } ?? "context: each model's default")
        lines.append(session.panel.map { "season \($0.season)" } ?? "season: from the data, once loaded")
        lines.append("seed \(session.seed)")
        lines.append("plot terminal=\(session.plotStyle ?? "chosen from the terminal (ansi in colour, dumb otherwise)")")
        emit(lines.joined(separator: "\n"))
    }

    /// The data, or a located error telling the user to load some.
    func requireData(_ location: SourceLocation? = nil) throws -> LoadedData {
        guard let data = session.data else { throw HorizonError("no data loaded: start with 'load PATH'", at: location) }
        return data
    }
}

