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

/// One option a model accepts on the `train` line.
public struct ModelOption: Sendable {
    public enum Kind: Sendable {
        case integer(ClosedRange<Int>), number(ClosedRange<Double>), word([String])
        /// A comma-separated list of names (e.g. covariate columns), checked against the data at fit time.
        case names
    }
    public var key: String
    public var kind: Kind
    public var help: String

    public init(_ key: String, _ kind: Kind, help: String) {
        self.key = key
        self.kind = kind
        self.help = help
    }
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
    public var options: [ModelOption]
    public var make: @Sendable (ModelOptions) throws -> any Estimator

    public init(name: String, summary: String, options: [ModelOption] = [],
                make: @escaping @Sendable (ModelOptions) throws -> any Estimator) {
        self.name = name
        self.summary = summary
        self.options = options
        self.make = make
    }

    /// Checks one option's value; the message says what is allowed.
    public func validate(key: String, value: String) throws {
        guard let option = options.first(where: { $0.key == key }) else {
            let known = options.map(\.key)
            throw HorizonError("model '\(name)' has no option '\(key)'" + (known.isEmpty ? " (it takes none)" : " (options: \(known.joined(separator: ", ")))"),
                               suggestion: Suggestions.didYouMean(key, in: known))
        }
        switch option.kind {
        case .integer(let range):
            guard let v = Int(value), range.contains(v) else {
                throw HorizonError("option '\(key)' of '\(name)' takes an integer in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
            }
        case .number(let range):
            guard let v = Double(value), range.contains(v) else {
                throw HorizonError("option '\(key)' of '\(name)' takes a number in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
            }
        case .word(let words):
            guard words.contains(value) else {
                throw HorizonError("option '\(key)' of '\(name)' takes one of \(words.joined(separator: ", ")), got '\(value)'",
                                   suggestion: Suggestions.didYouMean(value, in: words))
            }
        case .names:
            guard !value.split(separator: ",", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
                throw HorizonError("option '\(key)' of '\(name)' takes names separated by commas, got '\(value)'")
            }
        }
    }
}

/// Every `train` target, in lineage order. Later model families append their specs here.
public enum ModelCatalog {
    public static let all: [ModelSpec] = BaselineModels.specs + ClassicalModels.specs + TreeModels.specs + NeuralModels.specs

    public static func spec(named name: String) -> ModelSpec? { all.first { $0.name == name.lowercased() } }
    public static var names: [String] { all.map(\.name) }
}
