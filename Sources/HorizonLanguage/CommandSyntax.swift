/// The language's commands as data: names, usage lines, help and the options each accepts.
/// The parser, `help` and tab completion all read this one table.
public struct CommandSyntax: Sendable {
    public var name: String
    public var usage: String
    public var summary: String
    /// Option keys accepted (`train` takes the model's own, checked by the interpreter).
    public var optionKeys: [String]
    public var details: [String]

    public static let all: [CommandSyntax] = [
        CommandSyntax(name: "load", usage: "load PATH [format=long|wide|rows] [item=COL] [time=COL] [target=COL] [freq=H|D|W|M|Q|Y] [season=N] [test=PATH]",
                      summary: "read a CSV (.csv, .csv.gz, .csv.xz) into the session",
                      optionKeys: ["format", "item", "time", "target", "freq", "season", "test"],
                      details: ["The layout and the item/time/target columns are detected when not given; load says what it decided.",
                                "long: item/time/target rows, other columns become covariates; wide: a time column plus one column per series;",
                                "rows: one row per series (M3/M4 layout); test=PATH supplies the held-out continuation in the same layout.",
                                "item=A,B makes one series per combination of the columns A and B."]),
        CommandSyntax(name: "describe", usage: "describe", summary: "items, lengths, frequency, missing values and covariates",
                      optionKeys: [], details: []),
        CommandSyntax(name: "show", usage: "show ITEM [n=N]", summary: "the last N rows (default 10) of one series",
                      optionKeys: ["n"], details: []),
        CommandSyntax(name: "set", usage: "set horizon N | set context N | set season N | set seed N | set plot terminal=dumb|ansi|ansi256|ansirgb|sixel",
                      summary: "change a session setting", optionKeys: ["terminal"],
                      details: ["horizon: steps to forecast (default: the M4 horizon for the frequency);",
                                "context: history length for windowed models; season: the seasonal period;",
                                "seed: the seed of every random draw, so a script replays exactly."]),
        CommandSyntax(name: "quantiles", usage: "quantiles p10 p50 p90 | quantiles 0.05 0.5 0.95",
                      summary: "the quantile levels to forecast and score", optionKeys: [], details: []),
        CommandSyntax(name: "holdout", usage: "holdout N", summary: "hold out the last N points of every series (default: the horizon, or the test file)",
                      optionKeys: [], details: []),
        CommandSyntax(name: "train", usage: "train MODEL [as NAME] [key=value ...]", summary: "fit a model on the training part of every series",
                      optionKeys: [], details: []),
        CommandSyntax(name: "forecast", usage: "forecast [NAME]", summary: "forecast past the end of the data (default: the last model trained)",
                      optionKeys: [], details: ["The model's predictor runs on the full series, holdout included."]),
        CommandSyntax(name: "evaluate", usage: "evaluate [NAME ...]", summary: "score models on the holdout: wQL, coverage, MASE, sMAPE, MSIS, OWA",
                      optionKeys: [], details: ["wQL = 2·Σ pinball / Σ|y| over all series and steps (a ratio of totals).",
                                                "cov[p] = share of actuals at or below the p quantile; cov[pLo–pHi] = share inside the interval.",
                                                "MASE and MSIS use the in-sample seasonal naive scale (M4); sMAPE is in percent (M4);",
                                                "OWA = ½(sMAPE/sMAPE_naive2 + MASE/MASE_naive2)."]),
        CommandSyntax(name: "plot", usage: "plot [ITEM] [model=NAME] [to PATH.png|PATH.svg]",
                      summary: "fan chart of history, holdout actuals and forecast quantiles", optionKeys: ["model"],
                      details: ["Without 'to', the chart is drawn in the terminal (see 'set plot terminal=...')."]),
        CommandSyntax(name: "export", usage: "export forecasts [NAME] to PATH.csv", summary: "write a model's future forecasts as CSV",
                      optionKeys: [], details: []),
        CommandSyntax(name: "run", usage: "run PATH.hz", summary: "run a script in this session", optionKeys: [], details: []),
        CommandSyntax(name: "models", usage: "models", summary: "the trained models, and the models you can train", optionKeys: [], details: []),
        CommandSyntax(name: "history", usage: "history", summary: "the commands of this session", optionKeys: [], details: []),
        CommandSyntax(name: "help", usage: "help [COMMAND]", summary: "this list, or one command in detail", optionKeys: [], details: []),
        CommandSyntax(name: "quit", usage: "quit", summary: "leave Horizon (Ctrl-D works too)", optionKeys: [], details: []),
    ]

    public static var names: [String] { all.map(\.name) }
    public static func named(_ name: String) -> CommandSyntax? { all.first { $0.name == name } }

    /// The names `set` accepts.
    public static let settings = ["horizon", "context", "season", "seed", "plot"]
}
