import HorizonCore

/// A `key=value` option as written.
public struct Option: Equatable, Sendable {
    public var key: Located<String>
    public var value: Located<String>
}

/// `+ADDON key=value …` after the model on a `train` line.
public struct AddOnClause: Equatable, Sendable {
    public var name: Located<String>
    public var options: [Option]
}

/// One command of the Horizon language: the abstract syntax the interpreter executes.
public enum Command: Equatable, Sendable {
    case load(path: Located<String>, options: [Option])
    case describe
    case show(item: Located<String>, rows: Located<Int>?)
    /// `set horizon 8`, `set seed 7`, `set plot terminal=ansi`.
    case set(setting: Located<String>, value: Located<String>)
    case quantiles([Located<Double>])
    case holdout(Located<Int>)
    /// `set`, `quantiles` or `holdout` alone: what the session uses now.
    case current(Located<String>)
    /// `train ets season=A +seasonality +elasticity +distribution conformal=yes as full`: options
    /// before the first add-on are the model's, the others belong to the add-on before them.
    case train(model: Located<String>, alias: Located<String>?, options: [Option], addOns: [AddOnClause])
    /// `forecast NAME price=-20%`: a scenario that changes known-future covariates.
    case forecast(model: Located<String>?, scenario: [Option])
    /// `evaluate` and its alias `compare`, with `sort=` and `by=`.
    case evaluate(models: [Located<String>], options: [Option])
    /// `compare cost cu=… co=…`: realised newsvendor cost per model.
    case compareCost(models: [Located<String>], options: [Option])
    case backtest(model: Located<String>, options: [Option])
    case decide(options: [Option], output: Located<String>?)
    case plot(item: Located<String>?, model: Located<String>?, output: Located<String>?)
    /// `plot compare|calibration|errors|loss`: charts across models.
    case plotChart(kind: Located<String>, options: [Option], output: Located<String>?)
    case exportForecasts(model: Located<String>?, path: Located<String>)
    /// `save model NAME to PATH`
    case saveModel(name: Located<String>, path: Located<String>)
    /// `save session PATH.hz`: the commands that succeeded, as a script that replays them.
    case saveSession(path: Located<String>)
    /// `load model PATH [as NAME]`
    case loadModel(path: Located<String>, alias: Located<String>?)
    case run(path: Located<String>)
    /// `runs [n=N] [model=NAME]`: the experiment log, newest first.
    case runs(options: [Option])
    /// `runs best metric=M [n=N] [data=loaded|all]`: logged runs ranked by a metric.
    case runsBest(options: [Option])
    /// `runs compare A B`: two logged runs side by side.
    case runsCompare(first: Located<String>, second: Located<String>)
    case models
    case history
    case help(topic: Located<String>?)
    case quit
}

/// A parsed command with where it starts and the text the user wrote (for `history`).
public struct Statement: Equatable, Sendable {
    public var command: Command
    public var location: SourceLocation
    public var text: String
}
