import Foundation
import HorizonCore
import HorizonData
import HorizonForecast
import HorizonModels

/// `horizon batch`: one long table in, forecasts out, for a scheduler to run on each part of a
/// dataset too big for one machine (a Spark partition, a cron job per region).
///
/// Unlike a session it has no holdout (every model fits on all the data, once), no run log and
/// no terminal output; its columns and frequency are declared, never detected, so every part
/// is read the same way. A problem confined to one series — a duplicate row, a cell that is
/// not a number, a forecast that fails — becomes a `SeriesFailure` and every other series is
/// still forecast; only a problem with the job itself (the script, the model file, the columns)
/// stops it.
///
/// The script holds model commands only: `set horizon|context|seed`, `quantiles`, `train …`,
/// `load model PATH [as NAME]`, `save model NAME to PATH` and `forecast [NAME] [scenario]`.
/// Each `forecast` writes every series' forecast. Without one, every model is forecast at the
/// end, in the order it was trained or loaded — unless the script saves a model: a script that
/// trains and saves is a training job, and writes no forecasts.
public struct BatchJob {
    /// The long table: a path, or "-" for standard input.
    public var dataPath: String
    /// Item, time and target columns, the frequency and the declared covariates.
    public var loadOptions: LoadOptions
    public var script: String
    /// Names the script in located errors (`job.hz:2:7: …`).
    public var scriptSource: String
    public var horizon: Int?
    public var levels: [Double]?

    public init(dataPath: String, loadOptions: LoadOptions, script: String, scriptSource: String, horizon: Int? = nil, levels: [Double]? = nil) {
        self.dataPath = dataPath
        self.loadOptions = loadOptions
        self.script = script
        self.scriptSource = scriptSource
        self.horizon = horizon
        self.levels = levels
    }

    /// What a run did.
    public struct Outcome: Equatable, Sendable {
        /// Series read without a problem.
        public var series: Int
        /// Series with at least one forecast row written.
        public var forecastSeries: Int
        /// Whether the script asked for forecasts (a training job does not).
        public var forecastsWanted: Bool
        public var rows: Int
        /// Series left out, with the stage and reason (also passed to `failed` as they happen).
        public var failures: [SeriesFailure]
    }

    /// Runs the job, writing forecast rows to `forecasts` and each failed series to `failed`.
    /// Throws a `HorizonError` when the job itself cannot run (nothing, or not everything it was
    /// asked, was forecast).
    public func run(forecasts: BatchWriter, failed: (SeriesFailure) -> Void) throws -> Outcome {
        let statements = try Parser().parse(script, source: scriptSource)
        for statement in statements { try Self.checkAllowed(statement) }

        var options = loadOptions
        options.isolatesSeries = true
        let data: LoadedData
        if dataPath == "-" {
            data = try PanelLoader.load(source: try openByteSource(path: "/dev/stdin"), path: "standard input", options: options, showProgress: false)
        } else {
            data = try PanelLoader.load(path: dataPath, options: options, showProgress: false)
        }
        var failures = data.failures
        failures.forEach(failed)
        func report(_ failure: SeriesFailure) {
            failures.append(failure)
            failed(failure)
        }

        let session = Session()
        session.data = data
        session.horizonSetting = horizon
        if let levels { session.levels = levels }
        var run = BatchRun(session: session, writer: forecasts)
        var forecastAny = false
        for statement in statements {
            do {
                if try run.execute(statement.command, failed: report) { forecastAny = true }
            } catch var error as HorizonError {
                if error.location == nil { error.location = statement.location }
                throw error
            }
        }
        let trainingJob = statements.contains { ($0.command as? SaveCommand) != nil }
        if !forecastAny && !trainingJob {
            for model in session.models { try run.forecast(model.name, scenario: [], failed: report) }
        }
        return Outcome(series: data.panel.count, forecastSeries: run.forecastIDs.count, forecastsWanted: forecastAny || !trainingJob,
                       rows: forecasts.rows, failures: failures)
    }

    /// The commands a batch script may hold: anything that looks at a holdout, draws or talks to
    /// a person has no place in a job without one.
    static func checkAllowed(_ statement: Statement) throws {
        let allowed: Bool
        switch statement.command {
        case let set as SetCommand:
            switch set.setting {
            case .horizon?, .context?, .seed?: allowed = true
            default: allowed = false
            }
        case let q as QuantilesCommand: allowed = !q.levels.isEmpty
        case is TrainCommand: allowed = true
        case let load as LoadCommand:
            if case .model = load.form { allowed = true } else { allowed = false }
        case let save as SaveCommand:
            if case .model = save.form { allowed = true } else { allowed = false }
        case let forecast as ForecastCommand:
            if let item = forecast.items.first {
                throw HorizonError("a batch forecast covers every series: 'forecast [NAME] [scenario]' names no items", at: item.location)
            }
            allowed = true
        default: allowed = false
        }
        guard allowed else {
            throw HorizonError("'\(statement.text)' has no place in a batch script, which holds set horizon|context|seed, quantiles, "
                               + "train, load model, save model and forecast", at: statement.location)
        }
    }
}

/// The state of one batch run: the session's settings and models, and which series were
/// forecast.
struct BatchRun {
    let session: Session
    let writer: BatchWriter
    /// The series with at least one forecast written.
    var forecastIDs = Set<String>()
    /// The `model` column of each forecast written: a row is known by item, time and model.
    var forecastLabels = Set<String>()

    var panel: Panel { session.data!.panel }

    /// Runs one statement; true when it wrote forecasts.
    mutating func execute(_ command: any CommandNode, failed: (SeriesFailure) -> Void) throws -> Bool {
        switch command {
        case let set as SetCommand:
            switch set.setting {
            case .horizon(let n)?: session.horizonSetting = n
            case .context(let n)?: session.context = n
            case .seed(let n)?: session.seed = n
            default: break
            }
        case let q as QuantilesCommand:
            guard writer.levels == nil else { throw HorizonError("the quantiles cannot change after the first forecast: the output's columns are set") }
            session.levels = q.levels.map(\.value).sorted()
        case let train as TrainCommand:
            try self.train(train)
        case let load as LoadCommand:
            if case let .model(path, alias) = load.form { try loadModel(path, as: alias) }
        case let save as SaveCommand:
            if case let .model(name, path) = save.form { try saveModel(name, to: path) }
        case let forecast as ForecastCommand:
            let name = forecast.model?.value ?? session.models.last?.name
            guard let name else { throw HorizonError("no model trained or loaded yet to forecast with") }
            try self.forecast(name, scenario: forecast.scenario, failed: failed)
            return true
        default:
            break
        }
        return false
    }

    var settings: FitSettings { FitSettings(horizon: session.horizon, context: session.context, levels: session.levels, seed: session.seed) }

    /// Fits on all the data. A fit that fails stops the job: a global model's fit is the job,
    /// and a local model does its per-series work when it forecasts, where a series that fails
    /// is left out alone.
    mutating func train(_ command: TrainCommand) throws {
        let resolved = try command.resolve()
        var estimator = try resolved.spec.make(resolved.values)
        for (addOn, values) in resolved.addOns { estimator = try addOn.make(values, estimator) }
        let name = command.alias?.value ?? resolved.name
        let started = Date()
        let predictor = try estimator.fit(panel, settings: settings)
        session.models.removeAll { $0.name == name }
        session.models.append(TrainedModel(name: name, spec: resolved.spec, estimator: estimator, optionsText: "", predictor: predictor,
                                           holdoutCounts: [], seriesCount: panel.count, fitSeconds: Date().timeIntervalSince(started)))
    }

    /// `load model`: the file's manifest must match the data (frequency, season, covariates, horizon).
    mutating func loadModel(_ path: Located<String>, as alias: Located<String>?) throws {
        let loaded: (model: any SavableModel, metadata: [String: String], manifest: ModelManifest?)
        do {
            loaded = try ModelFiles.load(from: path.value)
            guard let manifest = loaded.manifest else {
                throw HorizonError("'\(Visible.name(path.value))' has no manifest (saved by an earlier Horizon): load it in a session and save it again")
            }
            try manifest.check(panel, horizon: session.horizon, file: path.value)
        } catch let error as HorizonError {
            throw HorizonError(error.message, at: path.location)
        }
        guard let spec = ModelCatalog.spec(named: loaded.model.kind) else {
            throw HorizonError("'\(Visible.name(path.value))' holds a '\(Visible.name(loaded.model.kind))' model this Horizon does not know", at: path.location)
        }
        let name = try alias?.value ?? Interpreter.storedName(loaded.metadata, file: path) ?? spec.name
        session.models.removeAll { $0.name == name }
        session.models.append(TrainedModel(name: name, spec: spec, estimator: try spec.make(ModelOptions()), optionsText: "", predictor: loaded.model,
                                           holdoutCounts: [], seriesCount: 0, fitSeconds: 0))
    }

    func saveModel(_ name: Located<String>, to path: Located<String>) throws {
        guard let model = session.model(named: name.value) else {
            throw HorizonError("no trained model '\(name.value)'", at: name.location, suggestion: Suggestions.didYouMean(name.value, in: session.modelNames))
        }
        guard let savable = model.predictor as? any SavableModel else { throw Interpreter.cannotSave(model, at: name.location) }
        let manifest = ModelManifest(kind: savable.kind, trainedOn: panel, horizon: savable.trainedHorizon, levels: session.levels)
        do {
            try savable.save(to: path.value, extra: ["session.name": model.name, "data.fingerprint": panel.fingerprint,
                                                    "data.series": String(panel.count), ModelManifest.key: manifest.encoded])
        } catch {
            throw HorizonError("cannot write '\(path.value)': \(error)", at: path.location)
        }
    }

    /// Forecasts every series past its end and writes the rows; a series the model fails on
    /// is reported and left out.
    mutating func forecast(_ name: String, scenario: [Option], failed: (SeriesFailure) -> Void) throws {
        guard let model = session.model(named: name) else {
            throw HorizonError("no trained model '\(name)'", suggestion: Suggestions.didYouMean(name, in: session.modelNames))
        }
        let horizon = session.horizon, levels = session.levels, panel = self.panel
        try model.requireHorizon(horizon, what: "\(horizon)", fix: "'set horizon \(model.predictor.longestHorizon ?? horizon)' in the script, or train it again")
        // A scenario's rows carry it in the model column (`qrf price=-20%`): without it they
        // could not be told from the baseline's once the order is lost (a Spark job loses it).
        let label = ([model.name] + scenario.map { "\($0.key.value)=\($0.value.value)" }).joined(separator: " ")
        guard forecastLabels.insert(label).inserted else {
            throw HorizonError("'\(label)' is forecast twice: the output has one row per item, time and model; "
                               + "forecast another scenario, or train again under another name with 'as NAME'")
        }
        // Built once, before any series is tried: a bad scenario stops the job.
        var future = FutureCovariates.carriedForward(panel, horizon: horizon)
        try Scenario.apply(scenario, to: &future, panel: panel, warn: { _ in })
        let writer = self.writer
        let forecast = try Isolation.run(panel, stage: "forecast", failed: failed) { indices in
            let part = panel.replacingSeries(indices.map { panel.series[$0] })
            let forecast = try model.predictor.predict(part, future: future.selecting(indices), horizon: horizon, levels: levels)
            // Rows of inf or nan would reach a table downstream as numbers: such a series fails
            // (isolated from the others by halving, as any failure is).
            if let item = forecast.items.first(where: { !$0.isFinite }) {
                throw HorizonError("\(model.name)'s forecast of '\(Visible.name(item.id))' is not a finite number" + (scenario.isEmpty ? "" : " under the scenario"))
            }
            try writer.write(forecast, model: label, panel: part)
        }
        forecastIDs.formUnion(forecast.map { panel.series[$0].id })
    }
}

/// Runs work over a panel so that one series' failure leaves the others' results: the whole
/// panel first; on a `HorizonError`, each half again, down to the series that fail alone.
///
/// Why halving rather than one series at a time: the work (a fit, a batched network's forward
/// pass) is cheaper per series on many at once, and failures are rare; k bad series among n
/// cost O(k log n) extra runs instead of n.
enum Isolation {
    /// Runs `work` on the indices of the panel's series; returns those it succeeded on,
    /// ascending. Each series it failed on alone is passed to `failed`.
    static func run(_ panel: Panel, stage: String, failed: (SeriesFailure) -> Void, _ work: ([Int]) throws -> Void) throws -> [Int] {
        var succeeded: [Int] = []
        func attempt(_ indices: ArraySlice<Int>) throws {
            guard !indices.isEmpty else { return }
            do {
                try work(Array(indices))
                succeeded += indices
            } catch let error as HorizonError {
                if indices.count == 1 {
                    failed(SeriesFailure(item: panel.series[indices.first!].id, stage: stage, message: error.message))
                    return
                }
                let middle = indices.startIndex + indices.count / 2
                try attempt(indices[..<middle])
                try attempt(indices[middle...])
            }
        }
        try attempt(Array(panel.series.indices)[...])
        return succeeded
    }
}
