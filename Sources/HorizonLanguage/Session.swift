import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonModels
import HorizonForecast

/// A model fitted in this session.
public struct TrainedModel {
    public var name: String
    public var spec: ModelSpec
    /// The configured estimator, kept so `backtest` can fit the same model at other origins.
    public var estimator: any Estimator
    public var optionsText: String
    public var predictor: any Predictor
    /// The holdout split it was trained on (so `evaluate` can refuse a stale model).
    public var holdoutCounts: [Int]
    public var seriesCount: Int
    public var fitSeconds: Double
    /// Forecasts over the holdout, computed once.
    public var holdoutForecast: PanelForecast?
    /// Forecasts past the end of the data, from `forecast`.
    public var futureForecast: PanelForecast?
    /// For a model that combines others (`combo`), each member's forecasts that were combined
    /// into `holdoutForecast` and `futureForecast`, written with them (so cached with them):
    /// `report` sets them beside the combination.
    public var holdoutMemberForecasts: [PanelForecast]?
    public var futureMemberForecasts: [PanelForecast]?

    /// Refuses, naming the model as the session does, a forecast longer than its training fixed.
    func requireHorizon(_ steps: Int, at location: SourceLocation? = nil, what: String, fix: String) throws {
        guard let longest = predictor.longestHorizon, steps > longest else { return }
        throw HorizonError("model '\(name)' was trained to forecast \(longest) steps ahead, not \(what): \(fix)", at: location)
    }
}

/// Everything a session knows: data, settings, trained models and the commands run.
/// Nothing here is touched by a command that fails, so an error never loses work.
public final class Session {
    public var data: LoadedData?
    public var dataPath: String?
    /// The files the loaded data was read from (the data file, and its test file): a write to
    /// one of them is refused.
    public var sourceFiles: [String] = []
    public var horizonSetting: Int?
    public var context: Int?
    public var seed: UInt64 = 42
    public var levels: [Double] = [0.1, 0.5, 0.9]
    public var holdoutSetting: Int?
    public var models: [TrainedModel] = []
    /// The statements that succeeded, in order (a script's own statements, not its `run`).
    public var history: [Statement] = []
    /// The settings in effect before the first command, which `save session` pins.
    public private(set) var startingSettings: Settings?
    public var plotStyle: String?
    /// The series last reported as left out of training, so the notice is not repeated.
    var reportedExclusions: [String] = []
    /// Naive2's forecast and (sMAPE, MASE) on a holdout split, the OWA reference, kept until
    /// the split changes (the forecast serves per-group references for `by=`).
    var naive2Reference: (counts: [Int], steps: Int, season: Int, forecast: PanelForecast, smape: Double, mase: Double)?

    public init() {}

    /// The settings a replay must start from: seed, quantile levels, horizon, context and
    /// holdout (nil: the default, derived from the data).
    public struct Settings: Equatable, Sendable {
        public var seed: UInt64
        public var levels: [Double]
        public var horizon: Int?
        public var context: Int?
        public var holdout: Int?
    }

    public var settings: Settings {
        Settings(seed: seed, levels: levels, horizon: horizonSetting, context: context, holdout: holdoutSetting)
    }

    /// Records the settings as the session's starting point, once, before its first command.
    func noteStart() {
        if startingSettings == nil { startingSettings = settings }
    }

    /// The largest horizon, context and season a session takes: every series is forecast or
    /// windowed over this many steps, so a slip of the keyboard (`set horizon 100000000`) would
    /// otherwise ask for more memory than any machine has. Hourly data with a yearly season
    /// (8766) still fits.
    public static let maxSteps = 10_000

    public var panel: Panel? { data?.panel }

    /// The horizon: as set, else the M4 horizon of the data's frequency.
    public var horizon: Int {
        if let horizonSetting { return horizonSetting }
        switch panel?.frequency {
        case .hourly?: return 48
        case .daily?: return 14
        case .weekly?: return 13
        case .monthly?: return 18
        case .quarterly?: return 8
        case .yearly?: return 6
        default: return 8
        }
    }

    /// Points held out at the end of each series: `holdout N` if given, else the test file's
    /// continuation, else the horizon.
    public func holdoutCounts() -> [Int] {
        guard let panel else { return [] }
        if let n = holdoutSetting { return Array(repeating: n, count: panel.count) }
        if let lengths = data?.testLengths { return lengths }
        return Array(repeating: horizon, count: panel.count)
    }

    public func model(named name: String) -> TrainedModel? { models.first { $0.name == name } }

    /// The names usable in completion and suggestions.
    public var modelNames: [String] { models.map(\.name) }
}
