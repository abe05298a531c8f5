import HorizonCore

/// Every command of the language, in the order `help` lists them. A new command is its file
/// in this folder and one entry here.
public enum CommandTable {
    public static let all: [any CommandNode.Type] = [
        LoadCommand.self, DescribeCommand.self, ItemsCommand.self, ShowCommand.self, SetCommand.self, QuantilesCommand.self, HoldoutCommand.self,
        TrainCommand.self, ForecastCommand.self, ReportCommand.self, EvaluateCommand.self, CompareCommand.self, BacktestCommand.self, DecideCommand.self,
        PlotCommand.self, ExportCommand.self, SaveCommand.self, RunCommand.self, RunsCommand.self, ModelsCommand.self,
        HistoryCommand.self, HelpCommand.self, QuitCommand.self,
    ]

    public static var names: [String] { all.map { $0.declaration.name } }

    /// The command a keyword names (any case, aliases too).
    public static func named(_ keyword: String) -> (any CommandNode.Type)? {
        let k = keyword.lowercased()
        return all.first { $0.declaration.name == k || $0.declaration.aliases.contains(k) }
    }
}
