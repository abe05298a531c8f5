import CReadline
import Foundation
import HorizonCore
import HorizonLanguage

/// GNU readline through its callback interface, so Ctrl-C at the prompt clears the line
/// (poll() returns EINTR and we reset readline) instead of killing the process, and so the
/// completion function can see the whole line.
final class LineEditor {
    private let history: HistoryFile?
    /// Whether saving the history has failed once (it is said once, not after every command).
    private var historyFailed = false

    init(historyPath: String?, completer: Completer) {
        history = historyPath.map { HistoryFile(path: $0) }
        LineEditorState.completer = completer
        horizon_rl_set_name("horizon")
        // Our SIGINT handler, not readline's, must see Ctrl-C: it sets the flag that poll() wakes on.
        horizon_rl_set_catch_signals(0)
        rl_variable_bind("enable-bracketed-paste", "off")
        // Item ids are matched ignoring case; readline must then join the matches the same way.
        rl_variable_bind("completion-ignore-case", "on")
        horizon_rl_set_completion(horizonAttemptedCompletion)
        horizon_rl_set_word_breaks(" \t\n=")
        // The lexer's quotes: readline then completes a quoted path or id as one word.
        horizon_rl_set_quote_characters("\"'")
        horizon_history_set_length(2000)
        if let history {
            // A missing, unreadable or damaged history file is not fatal: the session starts fresh.
            let loaded = history.load()
            if let warning = loaded.warning { Terminal.printError("warning: \(warning)") }
            for entry in loaded.entries { add_history(entry) }
        }
    }

    /// `$XDG_STATE_HOME/horizon/history`, else `~/.local/state/horizon/history`.
    static func defaultHistoryPath() -> String? {
        let env = ProcessInfo.processInfo.environment
        if let state = env["XDG_STATE_HOME"], !state.isEmpty { return state + "/horizon/history" }
        guard let home = env["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/horizon/history"
    }

    /// One line, or nil at end of input (Ctrl-D).
    func readLine(prompt: String) -> String? {
        LineEditorState.line = nil
        LineEditorState.finished = false
        rl_callback_handler_install(prompt, horizonLineHandler)
        defer { rl_callback_handler_remove() }
        var descriptors = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: interruptPipe.read, events: Int16(POLLIN), revents: 0)]
        while !LineEditorState.finished {
            let ready = poll(&descriptors, interruptPipe.read >= 0 ? 2 : 1, -1)
            if ready < 0 && errno != EINTR { return nil }
            if ready < 0 || descriptors[1].revents != 0 || descriptors[0].revents == 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while interruptPipe.read >= 0, read(interruptPipe.read, &drain, drain.count) > 0 {}
                if Interrupt.isRequested {
                    // Ctrl-C: drop what was typed and show a fresh prompt.
                    Interrupt.reset()
                    rl_free_line_state()
                    rl_callback_sigcleanup()
                    rl_replace_line("", 0)
                    rl_crlf()
                    rl_on_new_line()
                    rl_redisplay()
                }
                continue
            }
            rl_callback_read_char()
        }
        return LineEditorState.line
    }

    /// Adds an entry to the history and to the history file at once (atomically), so a crash
    /// loses nothing typed before it.
    func remember(_ entry: String) {
        add_history(entry)
        guard let history else { return }
        do {
            try history.append(entry)
        } catch {
            if !historyFailed { Terminal.printError("warning: cannot save the history to \(history.path): \(error)") }
            historyFailed = true
        }
    }
}

/// State shared with readline's C callbacks (which cannot capture context).
enum LineEditorState {
    nonisolated(unsafe) static var line: String?
    nonisolated(unsafe) static var finished = false
    nonisolated(unsafe) static var completer: Completer?
    nonisolated(unsafe) static var matches: [String] = []
}

private func horizonLineHandler(_ line: UnsafeMutablePointer<CChar>?) {
    if let line {
        LineEditorState.line = String(cString: line)
        free(line)
    } else {
        LineEditorState.line = nil
    }
    LineEditorState.finished = true
    // Keep readline from printing the prompt again before we remove the handler.
    rl_callback_handler_remove()
}

private func horizonAttemptedCompletion(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    horizon_rl_set_attempted_over(1)
    guard let completer = LineEditorState.completer, let text else { return nil }
    let buffer = String(cString: horizon_rl_line_buffer())
    let before = String(buffer.utf8.prefix(Int(start))) ?? ""
    let quote = horizon_rl_completion_quote_character()
    let openQuote = quote > 0 && quote < 128 ? Character(Unicode.Scalar(UInt8(quote))) : nil
    let insertion = completer.insertion(word: String(cString: text), before: before, openQuote: openQuote)
    LineEditorState.matches = insertion.candidates
    horizon_rl_set_completion_append(insertion.appendsSpace ? 32 : 0)
    horizon_rl_set_suppress_quote(insertion.closesQuote ? 0 : 1)
    return rl_completion_matches(text, horizonCompletionGenerator)
}

private func horizonCompletionGenerator(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    let index = Int(state)
    guard index < LineEditorState.matches.count else { return nil }
    return strdup(LineEditorState.matches[index])
}
