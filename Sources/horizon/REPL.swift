import Foundation
import HorizonCore
import HorizonLanguage

/// The interactive loop: numbered cells, readline editing, persistent history, completion.
struct REPL {
    let interpreter: Interpreter

    func run() {
        let editor = LineEditor(historyPath: LineEditor.defaultHistoryPath(), completer: Completer(session: interpreter.session))
        print("Horizon \(HorizonVersion.current) — type 'help' for commands, Tab to complete, Ctrl-D to leave.")
        var cell = 1
        while true {
            guard var entry = editor.readLine(prompt: "[\(cell)]> ") else { print(""); return }
            while entry.trimmingCharacters(in: .whitespaces).hasSuffix("\\") {
                guard let more = editor.readLine(prompt: "...> ") else { break }
                entry += "\n" + more
            }
            if entry.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            editor.remember(entry)
            do {
                if try interpreter.execute(entry, source: "<repl>", firstLine: cell) == .quit { return }
            } catch let error as HorizonError {
                Terminal.printError(error.description)
            } catch is Interrupted {
                Terminal.printError("interrupted: the session is as it was before this command")
            } catch {
                Terminal.printError("error: \(error)")
            }
            cell += 1
        }
    }
}
