import HorizonCore
import Foundation
import HorizonData
import HorizonEvaluation
import HorizonModels

/// Tab completion: what may come next at the cursor, from the command table, the model
/// catalog, the session (item ids, trained models) and the file system.
public struct Completer {
    public let session: Session

    public init(session: Session) { self.session = session }

    /// Candidates for the word `prefix` being typed, given the line before it: the command
    /// names, then what the command's declaration and `complete` offer.
    public func complete(prefix: String, before: String) -> [String] {
        let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let name = words.first else { return matching(prefix, CommandTable.names) }
        guard let command = CommandTable.named(name) else { return [] }
        // An option value: `key=` just before the cursor.
        if before.hasSuffix("="), let key = words.last?.dropLast() {
            return matching(prefix, optionValues(String(key), command: command))
        }
        let request = CompletionRequest(words: Array(words.dropFirst()), session: session)
        let answer = command.complete(request)
        if answer.paths { return paths(prefix) + matching(prefix, answer.words) }
        let keys = answer.optionKeys ?? command.declaration.optionKeys
        return matching(prefix, answer.words + keys.map { $0 + "=" })
    }

    /// Values of the option `key`: from its declared kind, or for `train`, from the model's or
    /// add-on's declaration.
    private func optionValues(_ key: String, command: any CommandNode.Type) -> [String] {
        let declared = command.declaration.option(key).map { [$0] }
            ?? (ModelCatalog.all.flatMap(\.options) + AddOnCatalog.all.flatMap(\.options)).filter { $0.key == key && ObjectIdentifier(command) == ObjectIdentifier(TrainCommand.self) }
        var values: [String] = []
        for option in declared {
            switch option.kind {
            case .word(let words): values += words
            case .path: values += paths("")
            case .reference(.model): values += session.modelNames
            case .reference(.metric): values += ScoreMetric.names(levels: session.levels)
            case .reference(.runMetric): values += RunsCommand.metrics
            case .reference(.attribute): values += session.panel.map(Grouping.attributes) ?? []
            case .reference(.covariate): values += session.panel?.dynamicNames ?? []
            case .integer, .number, .positive, .names, .name: break
            }
        }
        return values
    }

    /// Candidates starting with `prefix`, ignoring case (`jack` finds `JACKET-01`, as lookups
    /// ignore case). Candidates with control characters are left out: readline would list them
    /// raw on the terminal, and nobody can type them.
    private func matching(_ prefix: String, _ candidates: [String]) -> [String] {
        var seen = Set<String>()
        let lowered = prefix.lowercased()
        return candidates.filter { $0.lowercased().hasPrefix(lowered) && !Visible.hasControl($0) && seen.insert($0).inserted }
    }

    /// Files and directories (with a trailing slash) starting with `prefix`.
    public func paths(_ prefix: String) -> [String] {
        let expanded = (prefix as NSString).expandingTildeInPath
        let directory: String, stem: String
        if prefix.hasSuffix("/") { directory = expanded; stem = "" } else {
            directory = (expanded as NSString).deletingLastPathComponent
            stem = (expanded as NSString).lastPathComponent
        }
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        let shownDirectory = prefix.hasSuffix("/") ? prefix : String(prefix.dropLast(stem.count))
        return listed.filter { ($0.hasPrefix(stem) && !$0.hasPrefix(".") || (stem.hasPrefix(".") && $0.hasPrefix(stem))) && !Visible.hasControl($0) }
            .sorted()
            .map { name in
                var isDirectory: ObjCBool = false
                let full = (directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name))
                _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
                return shownDirectory + name + (isDirectory.boolValue ? "/" : "")
            }
    }
}
