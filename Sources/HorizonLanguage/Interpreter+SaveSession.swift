import Foundation
import HorizonCore

/// `save session PATH.hz`: this session as a script that replays it.
extension Interpreter {
    func saveSession(to path: Located<String>) throws {
        let commands = session.history.filter(\.command.isReplayed)
        let text = Self.sessionScript(commands.map(\.text), starting: session.startingSettings ?? session.settings,
                                      directory: FileManager.default.currentDirectoryPath)
        try writeFile(path, text)
        emit("saved \(commands.count) command\(commands.count == 1 ? "" : "s") to \(path.value); 'horizon \(path.value)' replays them")
    }

    /// The script: a header, the starting settings written as commands (so a replay does not
    /// depend on today's defaults), then the commands.
    static func sessionScript(_ commands: [String], starting settings: Session.Settings, directory: String) -> String {
        var lines = ["# A Horizon session, saved by 'save session': the commands that succeeded, in order.",
                     "# Replay it with 'horizon FILE.hz' from \(Visible.name(directory)) (relative paths start there).",
                     "# The settings in effect when the session started:",
                     "set seed \(settings.seed)",
                     "quantiles " + settings.levels.map(exactLevel).joined(separator: " ")]
        var defaults: [String] = []
        if let horizon = settings.horizon { lines.append("set horizon \(horizon)") } else { defaults.append("horizon: the default for the data's frequency") }
        if let context = settings.context { lines.append("set context \(context)") } else { defaults.append("context: each model's default") }
        if let holdout = settings.holdout { lines.append("holdout \(holdout)") } else { defaults.append("holdout: the test file, else the horizon") }
        if !defaults.isEmpty { lines.append("# " + defaults.joined(separator: "; ")) }
        lines.append("")
        lines += commands
        return lines.joined(separator: "\n") + "\n"
    }

    /// A level written so that parsing it back gives the same number: `p10` when that is
    /// exact, else the decimal.
    private static func exactLevel(_ level: Double) -> String {
        let name = NumberFormat.quantileName(level)
        return Double(name.dropFirst()).map { $0 / 100 } == level ? name : "\(level)"
    }
}
