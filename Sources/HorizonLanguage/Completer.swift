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

    /// Candidates for the word `prefix` being typed, given the line before it.
    public func complete(prefix: String, before: String) -> [String] {
        let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        // An option value: `key=` just before the cursor.
        if before.hasSuffix("="), let key = words.last?.dropLast() {
            return matching(prefix, optionValues(String(key), command: words.first ?? ""))
        }
        guard let command = words.first?.lowercased() else { return matching(prefix, CommandSyntax.names) }
        let args = Array(words.dropFirst())
        let optionKeys: [String]
        var candidates: [String] = []
        switch command {
        case "load":
            optionKeys = CommandSyntax.named("load")!.optionKeys
            if args.isEmpty { return paths(prefix) }
        case "run":
            return args.isEmpty ? paths(prefix) : []
        case "train":
            if args.isEmpty { return matching(prefix, ModelCatalog.names) }
            if args.last == "as" { return [] }
            // Options belong to the last add-on written, or to the model before any.
            let addOnsWritten = args.dropFirst().filter { $0.hasPrefix("+") }.map { String($0.dropFirst()) }
            candidates = ["as"] + AddOnCatalog.names.filter { !addOnsWritten.contains($0) }.map { "+" + $0 }
            if let last = addOnsWritten.last {
                optionKeys = AddOnCatalog.spec(named: last)?.options.map(\.key) ?? []
            } else {
                optionKeys = ModelCatalog.spec(named: args[0])?.options.map(\.key) ?? []
            }
        case "show":
            optionKeys = ["n"]
            if args.isEmpty { candidates = session.panel?.ids ?? [] }
        case "plot":
            optionKeys = ["model"] + (args.first.map { ["compare", "errors"].contains($0) } == true ? ["metric"] : [])
            if args.last == "to" { return paths(prefix) }
            candidates = ["to"] + (args.isEmpty ? CommandSyntax.chartKinds + (session.panel?.ids ?? []) : [])
        case "forecast":
            optionKeys = session.panel?.dynamicNames ?? []
            candidates = args.isEmpty ? session.modelNames : []
        case "evaluate":
            optionKeys = ["sort", "by"]
            candidates = session.modelNames
        case "compare":
            let cost = args.first == "cost"
            optionKeys = cost ? CommandSyntax.costOptionKeys : ["sort", "by"]
            candidates = (args.isEmpty ? ["cost"] : []) + session.modelNames
        case "backtest":
            optionKeys = CommandSyntax.named("backtest")!.optionKeys
            if args.isEmpty { candidates = session.modelNames + ModelCatalog.names }
        case "decide":
            optionKeys = CommandSyntax.named("decide")!.optionKeys
            if args.last == "to" { return paths(prefix) }
            candidates = ["to"]
        case "export":
            optionKeys = []
            if args.isEmpty { candidates = ["forecasts"] } else if args.last == "to" { return paths(prefix) } else { candidates = session.modelNames + ["to"] }
        case "set":
            optionKeys = args == ["plot"] ? ["terminal"] : []
            if args.isEmpty { candidates = CommandSyntax.settings }
        case "help":
            optionKeys = []
            if args.isEmpty { candidates = CommandSyntax.names + ModelCatalog.names + AddOnCatalog.names.map { "+" + $0 } }
        case "save":
            optionKeys = []
            if args.isEmpty { candidates = ["model", "session"] }
            else if args == ["session"] || args.last == "to" { return paths(prefix) }
            else if args == ["model"] { candidates = session.modelNames }
            else if args.count == 2, args[0] == "model" { candidates = ["to"] }
        case "runs":
            let form = args.first
            optionKeys = form == "best" ? CommandSyntax.runsBestOptionKeys : form == nil ? CommandSyntax.runsListOptionKeys : []
            if args.isEmpty { candidates = ["best", "compare"] }
        case "quantiles":
            optionKeys = []
            candidates = ["p5", "p10", "p25", "p50", "p75", "p90", "p95"]
        default:
            optionKeys = []
        }
        return matching(prefix, candidates + optionKeys.map { $0 + "=" })
    }

    private func optionValues(_ key: String, command: String) -> [String] {
        switch key {
        case "format": return DataFormat.allCases.map(\.rawValue)
        case "freq": return Frequency.codes
        case "model", "baseline": return session.modelNames
        case "metric" where command == "runs": return CommandSyntax.runMetrics
        case "data" where command == "runs": return ["loaded", "all"]
        case "sort", "metric": return ScoreMetric.names(levels: session.levels)
        case "by": return session.panel.map(Grouping.attributes) ?? []
        case "refit": return ["yes", "no"]
        case "terminal": return ["dumb", "ansi", "ansi256", "ansirgb", "sixel"]
        case "test": return paths("")
        default:
            // A model's or add-on's word option (`season=` on `train ets`, `segment=` on `+distribution`).
            guard command == "train" else { return [] }
            let options = ModelCatalog.all.flatMap(\.options) + AddOnCatalog.all.flatMap(\.options)
            var words: [String] = []
            for option in options where option.key == key {
                if case .word(let list) = option.kind { words += list }
            }
            return words
        }
    }

    /// Candidates with control characters are left out: readline would list them raw on the
    /// terminal, and nobody can type them.
    private func matching(_ prefix: String, _ candidates: [String]) -> [String] {
        var seen = Set<String>()
        return candidates.filter { $0.hasPrefix(prefix) && !Visible.hasControl($0) && seen.insert($0).inserted }
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
