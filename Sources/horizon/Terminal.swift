import Foundation
import HorizonCore
import HorizonLanguage

/// What the process knows about its terminal, and how output reaches it.
enum Terminal {
    static let stdinIsTerminal = isatty(0) != 0
    static let stdoutIsTerminal = isatty(1) != 0

    /// Ctrl-C sets the interrupt flag that long-running work polls, instead of killing the process.
    static func installInterruptHandler() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
            _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
            interruptPipe = (fds[0], fds[1])
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            Interrupt.raise()
            // The self-pipe wakes the prompt's poll() whichever thread took the signal.
            var byte: UInt8 = 1
            _ = write(interruptPipe.write, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: a blocking read or poll returns EINTR
        sigaction(SIGINT, &action, nil)
        // A FIFO or pipe whose reader goes away mid-export is a write error (EPIPE) for that
        // command, not the end of the session.
        signal(SIGPIPE, SIG_IGN)
        // A parent may have blocked SIGINT (some launchers do); we want it.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Messages name items, columns and paths from data: their control characters are shown, not sent.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((Visible.lines(message) + "\n").utf8))
    }

    /// The terminal's width in characters, nil when standard output is not a terminal.
    static func columns() -> Int? {
        var size = winsize()
        guard stdoutIsTerminal, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 else { return nil }
        return Int(size.ws_col) - 1
    }

    /// Terminal charts fill the window's width, up to 140 columns.
    static func chartSize() -> (width: Int, height: Int) {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 {
            return (min(140, Int(size.ws_col) - 1), max(20, min(36, Int(size.ws_row) - 4)))
        }
        return (100, 28)
    }
}

/// Read and write ends of the self-pipe the SIGINT handler writes to (-1: none).
nonisolated(unsafe) var interruptPipe: (read: Int32, write: Int32) = (-1, -1)

/// Prints output blocks on standard output as they come, with every control character that
/// came from data shown as an escape (tables do that per cell, in `TextTable.rendered`).
/// Terminal charts pass as gnuplot drew them: their colours are gnuplot's own sequences, and
/// every label in them went through `Gnuplot.literal`.
final class TerminalOutput: OutputSink {
    func emit(_ block: OutputBlock) {
        var text: String
        switch block {
        case .chart(let chart): text = chart
        // A table wider than the terminal shows the columns that fit (a wrapped row is noise).
        case .table(let table): text = (Terminal.columns().map { table.fitted(toWidth: $0) } ?? table).rendered()
        default: text = Visible.lines(block.rendered)
        }
        if !text.hasSuffix("\n") { text += "\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// Commands from a pipe: one per line (`\` continues), no prompts; an error is printed and
/// the next line runs, and the exit status tells whether any line failed.
struct PipedInput {
    let interpreter: Interpreter

    func run() -> Bool {
        var ok = true
        var lineNumber = 0
        var pending = "", pendingStart = 1
        /// Runs the pending command; false after `quit`.
        func execute() -> Bool {
            defer { pending = "" }
            do {
                if try interpreter.execute(pending, source: "<stdin>", firstLine: pendingStart) == .quit { return false }
            } catch let error as HorizonError {
                Terminal.printError(error.description)
                ok = false
            } catch is Interrupted {
                Terminal.printError("interrupted")
                ok = false
            } catch {
                Terminal.printError("error: \(error)")
                ok = false
            }
            return true
        }
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            if pending.isEmpty { pendingStart = lineNumber }
            pending += line + "\n"
            if line.trimmingCharacters(in: .whitespaces).hasSuffix("\\") { continue }
            if !execute() { return ok }
        }
        // A last line that continues into the end of the input runs as a script's would.
        if !pending.isEmpty { _ = execute() }
        return ok
    }
}
