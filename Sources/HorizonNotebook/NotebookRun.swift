import HorizonCore
import HorizonLanguage

/// What running a notebook produced: each statement's output, in its cell, and where the run
/// stopped if it did not get to the end.
public struct NotebookRun {
    /// One statement and what it emitted.
    public struct Step {
        public var statement: Statement
        public var blocks: [OutputBlock]
        /// For each `.image` block (by its index in `blocks`), the chart as Horizon drew it,
        /// read back when `plot` reported it; absent when it was not a chart it could inline.
        var drawn: [Int: ImageFile] = [:]
    }

    /// Why the run stopped early: a statement failed (or could not be parsed) or was
    /// interrupted, or `quit` ended the script.
    public struct Stop {
        public enum Reason: Equatable { case error, interrupted, quit }
        public var reason: Reason
        /// The cell it stopped in and, for an error, the message (`file:line:col: error: …`).
        public var cell: Int
        public var message: String?
        /// Whether the script was refused whole (a parse or check error), so no cell ran.
        public var nothingRan = false
    }

    /// Whether cell `c` did not run: every cell after the stop, or every other cell when the
    /// script was refused before anything ran.
    public func didNotRun(_ c: Int) -> Bool {
        guard let stop else { return false }
        return stop.nothingRan ? c != stop.cell : c > stop.cell
    }

    /// The words under the error in the cell where the run stopped.
    var stopWords: String {
        stop?.nothingRan == true ? "the script was checked whole before running, and nothing ran"
            : "the notebook stopped here" + ((stop?.cell ?? 0) + 1 < notebook.cells.count ? "; the cells below did not run" : "")
    }

    public var notebook: Notebook
    /// `steps[c]`: the statements of cell c that ran, in order.
    public var steps: [[Step]]
    public var stop: Stop?

    /// Runs `notebook` in `interpreter`, as `horizon SCRIPT` would: the script is parsed and
    /// checked whole first (a typo anywhere runs nothing) and stops at the first failing statement. Output
    /// still reaches the interpreter's own sink as it comes; charts without `to` are also
    /// drawn as SVG for the notebook.
    public static func run(_ notebook: Notebook, in interpreter: Interpreter) -> NotebookRun {
        var run = NotebookRun(notebook: notebook, steps: Array(repeating: [], count: notebook.cells.count), stop: nil)
        let statements: [Statement]
        do {
            statements = try Parser().parse(notebook.text, source: notebook.source)
            try interpreter.check(statements)
        } catch let error as HorizonError {
            run.stop = Stop(reason: .error, cell: notebook.cellIndex(containing: error.location?.line ?? 1) ?? 0, message: error.description, nothingRan: true)
            return run
        } catch {
            run.stop = Stop(reason: .error, cell: 0, message: "error: \(error)", nothingRan: true)
            return run
        }
        let terminal = interpreter.output
        let recorder = NotebookRecorder(forwardingTo: terminal)
        let drewSVG = interpreter.drawsSVGCharts
        interpreter.output = recorder
        interpreter.drawsSVGCharts = true
        defer {
            interpreter.output = terminal
            interpreter.drawsSVGCharts = drewSVG
        }
        for statement in statements {
            let cell = notebook.cellIndex(containing: statement.location.line) ?? 0
            recorder.blocks = []
            recorder.drawn = [:]
            var stop: Stop?
            do {
                if try interpreter.execute(statement) == .quit { stop = Stop(reason: .quit, cell: cell, message: nil) }
            } catch let error as HorizonError {
                stop = Stop(reason: .error, cell: cell, message: error.description)
            } catch is Interrupted {
                stop = Stop(reason: .interrupted, cell: cell, message: "interrupted")
            } catch {
                stop = Stop(reason: .error, cell: cell, message: "\(statement.location): error: \(error)")
            }
            run.steps[cell].append(Step(statement: statement, blocks: recorder.blocks, drawn: recorder.drawn))
            if let stop {
                run.stop = stop
                break
            }
        }
        return run
    }
}

/// The sink a notebook run puts in front of the interpreter's own: every block goes on to the
/// terminal as usual (except the SVG copies of charts), and the current statement's blocks
/// are kept for the notebook (except terminal charts, which the SVG replaces).
final class NotebookRecorder: OutputSink {
    private let terminal: OutputSink
    var blocks: [OutputBlock] = []
    var drawn: [Int: ImageFile] = [:]

    init(forwardingTo terminal: OutputSink) {
        self.terminal = terminal
    }

    func emit(_ block: OutputBlock) {
        switch block {
        case .svg: blocks.append(block)
        case .chart: terminal.emit(block)
        case .image(let path):
            // Read now, right after plot wrote it: a later command may write over the file.
            if let image = ImageFile.read(path) { drawn[blocks.count] = image }
            blocks.append(block)
            terminal.emit(block)
        default:
            blocks.append(block)
            terminal.emit(block)
        }
    }
}
