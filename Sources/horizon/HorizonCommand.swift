import ArgumentParser
import Foundation
import HorizonCore
import HorizonLanguage
import HorizonRuns

/// The `horizon` command line: a REPL on a terminal, a line reader on a pipe, or a script runner.
@main
struct HorizonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "horizon",
        abstract: "A notebook-style forecasting REPL.",
        discussion: """
            With no SCRIPT, reads commands interactively (readline editing, history, tab completion), \
            or line by line from standard input when it is not a terminal. Type 'help' inside for the language.
            train, evaluate and backtest are logged in .horizon/runs.sqlite in the working directory \
            (HORIZON_RUNS=PATH moves the log, HORIZON_RUNS=off turns it off); 'runs' lists them.
            """,
        version: "horizon 0.1.0")

    @Argument(help: "A script of Horizon commands (.hz) to run.", completion: .file(extensions: ["hz"]))
    var script: String?

    func run() throws {
        Terminal.installInterruptHandler()
        let sink = TerminalOutput()
        let interpreter = Interpreter(output: sink)
        interpreter.colorTerminal = Terminal.stdoutIsTerminal
        interpreter.terminalSize = Terminal.chartSize
        interpreter.runLog = RunLog(RunLog.location(environment: ProcessInfo.processInfo.environment))
        if let script {
            try runScript(script, interpreter)
        } else if Terminal.stdinIsTerminal {
            REPL(interpreter: interpreter).run()
        } else {
            if !PipedInput(interpreter: interpreter).run() { throw ExitCode(1) }
        }
    }

    private func runScript(_ path: String, _ interpreter: Interpreter) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            Terminal.printError("error: cannot read script '\(path)': no such file or not UTF-8 text")
            throw ExitCode(2)
        }
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
