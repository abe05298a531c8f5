import HorizonCore
import HorizonData

/// What every fit needs to know beyond the data.
public struct FitSettings: Sendable {
    /// Steps ahead to forecast.
    public var horizon: Int
    /// How much history a windowed model looks at (nil: the model's own default).
    public var context: Int?
    /// The quantile levels the user asked for.
    public var levels: [Double]
    /// The seed of the session's generator; models derive their own generator from it.
    public var seed: UInt64

    public init(horizon: Int, context: Int? = nil, levels: [Double] = [0.1, 0.5, 0.9], seed: UInt64 = 42) {
        self.horizon = horizon
        self.context = context
        self.levels = levels
        self.seed = seed
    }
}

/// The estimator → predictor → forecast separation (as in GluonTS).
///
/// An estimator holds a model's configuration; `fit` learns from a panel and returns a
/// predictor, which turns any history into quantile forecasts. Keeping the predictor separate
/// is what lets `evaluate` (history = the training part) and `forecast` (history = all the
/// data) share one fitted model, and lets a global model forecast series it has never seen.
public protocol Estimator: Sendable {
    func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor
    /// True when the predictor estimates everything from the history it is given (the local
    /// baselines), so fitting again at each backtest origin changes nothing.
    var refitsOnEveryHistory: Bool { get }
}

extension Estimator {
    public var refitsOnEveryHistory: Bool { false }
}

public protocol Predictor: Sendable {
    /// Forecasts `horizon` steps past the end of every series in `history`, at `levels`
    /// (sorted, in (0, 1)); the point forecast is the model's own. `future` holds the
    /// covariates known in advance over those steps (models without covariates ignore it).
    func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast
}

extension Predictor {
    /// Forecasts with every covariate's last value carried forward over the horizon.
    public func predict(_ history: Panel, horizon: Int, levels: [Double]) throws -> PanelForecast {
        try predict(history, future: .carriedForward(history, horizon: horizon), horizon: horizon, levels: levels)
    }
}

/// A predictor that has something to say about its fit (the ETS form chosen, how training
/// went), printed under the `train` line.
public protocol SummarizesFit {
    var fitSummary: [String] { get }
}

/// Validated `key=value` options for one model.
public struct ModelOptions: Sendable {
    public var values: [String: String]
    public init(_ values: [String: String] = [:]) { self.values = values }

    public func integer(_ key: String) -> Int? { values[key].flatMap { Int($0) } }
    public func number(_ key: String) -> Double? { values[key].flatMap { Double($0) } }
    public func word(_ key: String) -> String? { values[key] }
    public func names(_ key: String) -> [String] { values[key].map { $0.split(separator: ",").map(String.init) } ?? [] }
}

/// A `train` target: its name, where it sits in the lineage, its options and its factory.
public struct ModelSpec: Sendable {
    public var name: String
    /// One line for `models`/`help`.
    public var summary: String
    public var options: [OptionDeclaration]
    public var make: @Sendable (ModelOptions) throws -> any Estimator

    public init(name: String, summary: String, options: [OptionDeclaration] = [],
                make: @escaping @Sendable (ModelOptions) throws -> any Estimator) {
        self.name = name
        self.summary = summary
        self.options = options
        self.make = make
    }

    /// Checks one option's value; the message says what is allowed. Returns the value as the
    /// model reads it (a word matched ignoring case comes back as declared).
    @discardableResult
    public func validate(key: String, value: String) throws -> String {
        try Self.validate(key: key, value: value, options: options, owner: "model '\(name)'", optionOwner: "'\(name)'")
    }

    /// What models and add-ons share: an unknown key names the options there are.
    static func validate(key: String, value: String, options: [OptionDeclaration], owner: String, optionOwner: String) throws -> String {
        guard let option = options.first(where: { $0.key == key }) else {
            let known = options.map(\.key)
            throw HorizonError("\(owner) has no option '\(key)'" + (known.isEmpty ? " (it takes none)" : " (options: \(known.joined(separator: ", ")))"),
                               suggestion: Suggestions.didYouMean(key, in: known))
        }
        return try option.check(value, owner: "option '\(key)' of \(optionOwner)")
    }
}

/// Every `train` target, in lineage order. Later model families append their specs here.
public enum ModelCatalog {
    public static let all: [ModelSpec] = BaselineModels.specs + ClassicalModels.specs + TreeModels.specs + NeuralModels.specs

    public static func spec(named name: String) -> ModelSpec? { all.first { $0.name == name.lowercased() } }
    public static var names: [String] { all.map(\.name) }
}
