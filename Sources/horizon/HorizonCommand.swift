import ArgumentParser
import Foundation
import HorizonCore
import HorizonLanguage
import HorizonNotebook
import HorizonRuns

/// The `horizon` command line: a session (`horizon [SCRIPT]`, the default) or a batch job
/// (`horizon batch …`).
@main
struct HorizonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "horizon",
        abstract: "A notebook-style forecasting REPL.",
        discussion: """
            horizon [SCRIPT] [--notebook OUT] runs a session: the REPL, a script, or commands from a pipe \
            ('horizon help session'). horizon batch forecasts every series of a table for a scheduler \
            such as Spark ('horizon help batch').
            """,
        version: "horizon \(HorizonVersion.current)",
        subcommands: [SessionCommand.self, BatchCommand.self],
        defaultSubcommand: SessionCommand.self)

    /// The library's `main`, except that its error messages, which quote the arguments as
    /// typed (an escape sequence in a file name), are shown with control characters visible.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }  // help and --version: our own text
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((Visible.lines(message) + "\n").utf8)) }
            Foundation.exit(code.rawValue)
        }
    }
}

/// A session: a REPL on a terminal, a line reader on a pipe, or a script runner.
struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Run a script, or read commands interactively (the default).",
        discussion: """
            With no SCRIPT, reads commands interactively (readline editing, history, tab completion), \
            or line by line from standard input when it is not a terminal. Type 'help' inside for the language.
            train, evaluate and backtest are logged in .horizon/runs.sqlite in the working directory \
            (HORIZON_RUNS=PATH moves the log, HORIZON_RUNS=off turns it off); 'runs' lists them.
            """)

    @Argument(help: "A script of Horizon commands (.hz) to run.", completion: .file(extensions: ["hz"]))
    var script: String?

    @ArgumentParser.Option(name: .long, help: ArgumentHelp(
        "Also write SCRIPT as a notebook: OUT.html (one self-contained page) or OUT.md (charts in OUT_files/).",
        valueName: "OUT"), completion: .file(extensions: ["html", "md"]))
    var notebook: String?

    func validate() throws {
        if let notebook {
            guard script != nil else { throw ValidationError("--notebook needs a SCRIPT to run") }
            // Refused now, not after the script has run (the page's writer refuses it too).
            guard !Visible.hasControl(notebook) else { throw ValidationError("--notebook \(Visible.name(notebook)): a file name with a control character") }
            do { _ = try NotebookFile.format(of: notebook) } catch let error as HorizonError { throw ValidationError(error.message) }
            // Found before the script runs (minutes of training), not when the page is written.
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: notebook, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ValidationError("--notebook \(Visible.name(notebook)) is a folder: name the page's file")
            }
            var parent = (notebook as NSString).deletingLastPathComponent
            while !parent.isEmpty, !FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) {
                parent = (parent as NSString).deletingLastPathComponent
            }
            if !parent.isEmpty, !isDirectory.boolValue {
                throw ValidationError("--notebook \(Visible.name(notebook)): '\(Visible.name(parent))' is a file, not a folder")
            }
        }
    }

    func run() throws {
        Terminal.installInterruptHandler()
        // Ctrl-C stops a command and the session goes on; SIGTERM or a closed terminal ends it,
        // leaving no half-written file.
        TemporaryFiles.removeOnTermination(interrupt: false)
        let sink = TerminalOutput()
        let interpreter = Interpreter(output: sink)
        interpreter.colorTerminal = Terminal.stdoutIsTerminal
        interpreter.terminalSize = Terminal.chartSize
        interpreter.runLog = RunLog(RunLog.location(environment: ProcessInfo.processInfo.environment))
        if let script {
            interpreter.frontEndFiles = [(script, notebook == nil ? "the script being run" : "the notebook's script")]
        }
        // The page is written when the script has run: a file the script writes there would be lost.
        if let notebook { interpreter.frontEndFiles.append((notebook, Self.notebookRole)) }
        if let script, let notebook, AtomicFile.sameFile(script, notebook) {
            Terminal.printError("error: the notebook '\(notebook)' would be written over its own script '\(script)'")
            throw ExitCode(2)
        }
        if let script, let notebook {
            try runNotebook(script, to: notebook, interpreter)
        } else if let script {
            try runScript(script, interpreter)
        } else if Terminal.stdinIsTerminal {
            REPL(interpreter: interpreter).run()
        } else {
            if !PipedInput(interpreter: interpreter).run() { throw ExitCode(1) }
        }
    }

    private static let notebookRole = "the notebook this run writes"

    private func readScript(_ path: String) throws -> String {
        do { return try RegularFile.text(path) } catch {
            Terminal.printError("error: cannot read script '\(path)': \(error.reason)")
            throw ExitCode(2)
        }
    }

    /// Runs the script as a notebook and writes it, also when a statement fails: the notebook
    /// then shows everything up to the error, the error in its cell and the cells that did not
    /// run, and the exit status is a script's (1 for an error, 130 for Ctrl-C).
    private func runNotebook(_ path: String, to output: String, _ interpreter: Interpreter) throws {
        let run = NotebookRun.run(Notebook(text: try readScript(path), source: path), in: interpreter)
        if let message = run.stop?.message { Terminal.printError(message) }
        interpreter.frontEndFiles.removeAll { $0.role == Self.notebookRole }  // what the page must not replace is the rest
        if let role = interpreter.protectedRole(of: output) {
            Terminal.printError("error: the notebook '\(Visible.name(output))' would be written over \(role): choose another file")
            throw ExitCode(2)
        }
        do {
            let written = try NotebookFile.write(run, to: output)
            let charts = written.count > 1 ? " and \(written.count - 1) chart\(written.count == 2 ? "" : "s") in \(NotebookFile.chartFolder(of: output))" : ""
            let cells = run.notebook.cells.count
            print("wrote the notebook \(output) (\(cells) cell\(cells == 1 ? "" : "s"))\(charts)")
        } catch {
            Terminal.printError("error: cannot write the notebook '\(output)': \(error.localizedDescription)")
            throw ExitCode(1)
        }
        switch run.stop?.reason {
        case .error?: throw ExitCode(1)
        case .interrupted?: throw ExitCode(130)
        case .quit?, nil: return
        }
    }

    private func runScript(_ path: String, _ interpreter: Interpreter) throws {
        let text = try readScript(path)
        do {
            try interpreter.execute(text, source: path)
        } catch let error as HorizonError {
            Terminal.printError(error.description)
            throw ExitCode(1)
        } catch is Interrupted {
            Terminal.printError("interrupted")
            throw ExitCode(130)
        }
    }
}
