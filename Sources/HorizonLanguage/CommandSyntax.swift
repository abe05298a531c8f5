import HorizonForecast
import HorizonRuns

/// The language's commands as data: names, usage lines, help and the options each accepts.
/// The parser, `help` and tab completion all read this one table.
public struct CommandSyntax: Sendable {
    public var name: String
    public var usage: String
    public var summary: String
    /// Lines that show the command at work; `help COMMAND` prints them and a test parses each.
    public var examples: [String]
    /// Option keys accepted (`train` takes the model's own, checked by the interpreter).
    public var optionKeys: [String]
    public var details: [String]

    public static let all: [CommandSyntax] = [
        CommandSyntax(name: "load", usage: "load PATH [format=long|wide|rows] [item=COL] [time=COL] [target=COL] [freq=H|D|W|M|Q|Y] [season=N] [test=PATH]",
                      summary: "read a CSV (.csv, .csv.gz, .csv.xz) into the session",
                      examples: ["load datasets/retail-demo.csv", "load m4-hourly.csv format=rows test=m4-hourly-test.csv", "load model mqcnn.hzm as saved"],
                      optionKeys: ["format", "item", "time", "target", "freq", "season", "test"],
                      details: ["The layout and the item/time/target columns are detected when not given; load says what it decided.",
                                "load model PATH [as NAME] reads back a model written by save model.",
                                "long: item/time/target rows, other columns become covariates; wide: a time column plus one column per series;",
                                "rows: one row per series (M3/M4 layout); test=PATH supplies the held-out continuation in the same layout.",
                                "item=A,B makes one series per combination of the columns A and B."]),
        CommandSyntax(name: "describe", usage: "describe", summary: "items, lengths, frequency, missing values and covariates",
                      examples: ["describe"],
                      optionKeys: [], details: []),
        CommandSyntax(name: "show", usage: "show ITEM [n=N]", summary: "the last N rows (default 10) of one series",
                      examples: ["show JACKET-01 n=20"],
                      optionKeys: ["n"], details: []),
        CommandSyntax(name: "set", usage: "set | set horizon N | set context N | set season N | set seed N | set plot terminal=dumb|ansi|ansi256|ansirgb|sixel",
                      summary: "change a session setting; 'set' alone shows them all", examples: ["set", "set horizon 8", "set seed 7", "set plot terminal=ansi"],
                      optionKeys: ["terminal"],
                      details: ["horizon: steps to forecast (default: the M4 horizon for the frequency);",
                                "context: history length for windowed models; season: the seasonal period;",
                                "seed: the seed of every random draw, so a script replays exactly.",
                                "'quantiles' and 'holdout' alone show theirs too."]),
        CommandSyntax(name: "quantiles", usage: "quantiles | quantiles p10 p50 p90 | quantiles 0.05 0.5 0.95",
                      summary: "the quantile levels to forecast and score", examples: ["quantiles", "quantiles p10 p50 p90", "quantiles 0.05 0.5 0.95"],
                      optionKeys: [], details: []),
        CommandSyntax(name: "holdout", usage: "holdout | holdout N", summary: "hold out the last N points of every series (default: the horizon, or the test file)",
                      examples: ["holdout", "holdout 8"],
                      optionKeys: [], details: []),
        CommandSyntax(name: "train", usage: "train MODEL [key=value ...] [+ADDON [key=value ...] ...] [as NAME]",
                      summary: "fit a model on the training part of every series, optionally with add-on steps",
                      examples: ["train ets", "train mqcnn epochs=20", "train naive +elasticity +distribution as priced"],
                      optionKeys: [],
                      details: ["Options before the first +ADDON are the model's; the others belong to the add-on before them.",
                                "Each add-on wraps what is to its left: train ets +seasonality +elasticity +distribution",
                                "(the default name joins the parts: ets+seasonality+elasticity+distribution)."]),
        CommandSyntax(name: "forecast", usage: "forecast [NAME] [COVARIATE=±N% | COVARIATE=VALUE ...]",
                      summary: "forecast past the end of the data (default: the last model trained)",
                      examples: ["forecast ets", "forecast priced price=-20%"],
                      optionKeys: [], details: ["The model's predictor runs on the full series, holdout included.",
                                                "Known-future covariates carry their last value forward; a scenario changes them:",
                                                "price=-20% lowers every future price by 20% (what +elasticity responds to), promo=1 sets it."]),
        CommandSyntax(name: "evaluate", usage: "evaluate [NAME ...] [sort=METRIC] [by=category|item|ATTRIBUTE]",
                      summary: "score models on the holdout: wQL per level, coverage, " + MetricDeclaration.all.map(\.label).joined(separator: ", "),
                      examples: ["evaluate", "evaluate sort=mase by=category"],
                      optionKeys: ["sort", "by"],
                      details: ["wQL = 2·Σ pinball / Σ|y| over all series and steps (a ratio of totals).",
                                "wCRPS = Σ CRPS / Σ|y|, the CRPS of each forecast integrated on a 200-level τ grid through its",
                                "  quantile function (linear between trained levels, normal-shaped tails): mean wQL over every level.",
                                "cov[p] = share of actuals at or below the p quantile; cov[pLo–pHi] = share inside each central interval.",
                                "MASE and MSIS use the in-sample seasonal naive scale (M4); sMAPE is in percent (M4);",
                                "OWA = ½(sMAPE/sMAPE_naive2 + MASE/MASE_naive2), naive2 scored on the same series.",
                                "sort=wql|crps|mase|smape|msis|owa|pNN orders the models best first (pNN: wQL at that level);",
                                "by=category (or any static attribute, or item) scores each group of series on its own.",
                                "'compare' is the same command; 'compare cost' turns the forecasts into inventory cost."]),
        CommandSyntax(name: "compare", usage: "compare [NAME ...] [sort=METRIC] [by=ATTRIBUTE] | compare cost cu=C co=O [leadtime=L] [corr=R] [baseline=NAME] [NAME ...]",
                      summary: "the evaluate table; or each model's realised inventory cost and savings",
                      examples: ["compare ets qrf", "compare cost cu=4 co=1"],
                      optionKeys: ["sort", "by", "cu", "co", "leadtime", "corr", "baseline"],
                      details: ["compare [NAME ...] [sort=…] [by=…] is evaluate (see 'help evaluate').",
                                "compare cost: every model orders its critical-fractile quantile τ* = cu/(cu+co) for each holdout step",
                                "  (or each block of L steps), and pays co per unit left over and cu per unit short:",
                                "  cost = co·(Q−D)⁺ + cu·(D−Q)⁺ = (cu+co) × pinball loss at τ*, so lower wQL at τ* is lower cost.",
                                "  The table shows units ordered and demanded, total cost, cost per unit of demand, savings against",
                                "  baseline=NAME (default snaive, else naive2, else the first model), fill rate Σmin(Q,D)/ΣD and",
                                "  in-stock rate (share of orders that met all demand; τ* is its target).",
                                "leadtime=L and corr=R: as in 'help decide'."]),
        CommandSyntax(name: "backtest", usage: "backtest NAME [windows=N] [step=S] [refit=yes|no]",
                      summary: "rolling-origin evaluation: scores per window and pooled",
                      examples: ["backtest ets windows=4 step=8"],
                      optionKeys: ["windows", "step", "refit"],
                      details: ["N windows (default 3) whose origins are S steps apart (default: the horizon); the newest window",
                                "is the session's holdout, each earlier one starts S steps before the next and scores the horizon after it.",
                                "refit=yes (default): the model is fitted again at every origin on the data before it;",
                                "refit=no: fitted once at the oldest origin, later windows forecast from their longer histories.",
                                "Local models (the baselines) re-estimate from any history, so for them both agree.",
                                "NAME is a trained model (with its options) or any model of 'help train' (with defaults).",
                                "pooled: all windows scored together, each (series, window) pair as one series."]),
        CommandSyntax(name: "decide", usage: "decide cu=C co=O [leadtime=L] [corr=R] [model=NAME] [to PATH.csv]",
                      summary: "newsvendor order quantities from a model's forecasts, and their realised cost on the holdout",
                      examples: ["decide cu=4 co=1 model=qrf to orders.csv"],
                      optionKeys: ["cu", "co", "leadtime", "corr", "model"],
                      details: ["cu: cost per unit short (lost margin); co: cost per unit left over (holding, waste).",
                                "The order is the forecast quantile at the critical fractile τ* = cu/(cu+co), interpolated",
                                "between the trained levels when τ* is not one of them (add it with 'quantiles' for an exact one).",
                                "Expected cost = (cu+co) × E[pinball at τ*], so the order minimising it is the τ* quantile.",
                                "leadtime=L (default 1): one order per block of L holdout steps covering the block's total demand,",
                                "  ordered at the τ* quantile of that total. Quantiles do not add up: the total's distribution is",
                                "  sampled as 4000 joint paths from the per-step quantile functions, tied by a Gaussian copula",
                                "  with correlation corr=R between steps (default 0.5; 0 = independent steps, the narrowest;",
                                "  1 = perfectly correlated, which equals the sum of per-step quantiles, the widest).",
                                "Orders are never negative. to PATH.csv writes every order (item, first time, steps, order, demand, cost)."]),
        CommandSyntax(name: "plot", usage: "plot [ITEM] [model=NAME] [to PATH.png|PATH.svg] | plot compare|calibration|errors|loss [metric=METRIC] [model=NAME] [to PATH]",
                      summary: "fan chart of one series; or charts comparing the trained models", examples: ["plot JACKET-01 model=qrf", "plot compare metric=mase to compare.svg"],
                      optionKeys: ["model", "metric"],
                      details: ["plot ITEM: history, holdout actuals, median and quantile bands (write plot \"loss\" for an item named loss).",
                                "plot compare [metric=wql|crps|mase|smape|msis|owa|pNN]: the metric per model, as bars.",
                                "plot calibration: observed coverage against each nominal level, one line per model (ideal: the diagonal).",
                                "plot errors [metric=…]: the metric at each forecast step, one line per model.",
                                "plot loss: training loss per epoch (and validation wQL) of models trained by gradient descent.",
                                "model=NAME restricts a chart to one model.",
                                "Without 'to', the chart is drawn in the terminal (see 'set plot terminal=...')."]),
        CommandSyntax(name: "export", usage: "export forecasts [NAME] to PATH.csv", summary: "write a model's future forecasts as CSV",
                      examples: ["export forecasts qrf to forecasts.csv"],
                      optionKeys: [], details: []),
        CommandSyntax(name: "save", usage: "save model NAME to PATH | save session PATH.hz",
                      summary: "write a trained neural model to a file; or this session as a script that replays it",
                      examples: ["save model mqcnn to mqcnn.hzm", "save session analysis.hz"],
                      optionKeys: [], details: ["save model: weights and configuration, versioned and checksummed; 'load model PATH [as NAME]' brings it back.",
                                                "save session: the commands that succeeded, in order, after the seed, quantiles, horizon, context and",
                                                "  holdout the session started with, so 'horizon PATH.hz' reproduces its tables (run from the same folder).",
                                                "  Commands that only look (help, history, runs) and 'run' itself (its commands are saved one by one) are left out.",
                                                "Both files are written atomically: a crash leaves any earlier file intact, never half of one."]),
        CommandSyntax(name: "run", usage: "run PATH.hz", summary: "run a script in this session", examples: ["run scripts/evolution.hz"],
                      optionKeys: [], details: []),
        CommandSyntax(name: "runs", usage: "runs [n=N] [model=NAME] | runs best metric=METRIC [n=N] [data=loaded|all] | runs compare A B",
                      summary: "the experiment log: every train, evaluate and backtest, ranked or compared",
                      examples: ["runs n=5", "runs best metric=wql", "runs compare 3 7"],
                      optionKeys: ["n", "model", "metric", "data"],
                      details: ["Every train, evaluate/compare and backtest is logged in SQLite: model, options, data fingerprint, settings,",
                                "  metrics, duration and the script line that ran it. The log is .horizon/runs.sqlite in the working",
                                "  directory; HORIZON_RUNS=PATH moves it and HORIZON_RUNS=off turns it off. Sessions may share it.",
                                "runs: the newest N runs (default 20), of one model with model=NAME.",
                                "runs best metric=…: scored runs, best first (metrics: " + MetricDeclaration.all.map(\.name).joined(separator: ", ") + ");",
                                "  by default only those on the loaded data (same fingerprint),",
                                "  data=all ranks runs on any data.",
                                "runs compare A B: two runs' options, settings and metrics side by side, with their differences."]),
        CommandSyntax(name: "models", usage: "models", summary: "the trained models, and the models you can train", examples: ["models"],
                      optionKeys: [], details: []),
        CommandSyntax(name: "history", usage: "history", summary: "the commands of this session", examples: ["history"],
                      optionKeys: [], details: []),
        CommandSyntax(name: "help", usage: "help [COMMAND]", summary: "this list, or one command in detail", examples: ["help train", "help +elasticity"],
                      optionKeys: [], details: []),
        CommandSyntax(name: "quit", usage: "quit", summary: "leave Horizon (Ctrl-D works too)", examples: ["quit"],
                      optionKeys: [], details: []),
    ]

    public static var names: [String] { all.map(\.name) }
    public static func named(_ name: String) -> CommandSyntax? { all.first { $0.name == name } }

    /// The charts `plot` draws across models (any other word is an item).
    public static let chartKinds = ["compare", "calibration", "errors", "loss"]

    /// The options of `compare cost`; `compare` without `cost` takes the others.
    public static let costOptionKeys = ["cu", "co", "leadtime", "corr", "baseline"]

    /// The options of `runs` and `runs best`, and the metrics `runs best` ranks by.
    public static let runsListOptionKeys = ["n", "model"]
    public static let runsBestOptionKeys = ["metric", "n", "data"]
    public static var runMetrics: [String] { MetricDeclaration.all.map(\.name) }

    /// The names `set` accepts.
    public static let settings = ["horizon", "context", "season", "seed", "plot"]
}
