import HorizonCore
import HorizonData
import HorizonForecast

/// An add-on step on the `train` line (`train ets +seasonality +elasticity +distribution`):
/// it wraps the estimator to its left, so any point model can be composed with it. Each step
/// transforms the history before the inner model sees it and/or the forecast after it.
public struct AddOnSpec: Sendable {
    public var name: String
    public var summary: String
    public var options: [OptionDeclaration]
    public var make: @Sendable (ModelOptions, any Estimator) throws -> any Estimator

    public init(name: String, summary: String, options: [OptionDeclaration] = [],
                make: @escaping @Sendable (ModelOptions, any Estimator) throws -> any Estimator) {
        self.name = name
        self.summary = summary
        self.options = options
        self.make = make
    }

    /// Checks one option's value, with the same messages as a model's options. Returns the
    /// value as the add-on reads it.
    @discardableResult
    public func validate(key: String, value: String) throws -> String {
        try ModelSpec.validate(key: key, value: value, options: options, owner: "add-on '+\(name)'", optionOwner: "add-on '+\(name)'")
    }
}

/// Every add-on, in the order of the teaching story.
public enum AddOnCatalog {
    public static let all: [AddOnSpec] = [PooledSeasonality.spec, PriceElasticity.spec, DistributionEngine.spec]
    public static func spec(named name: String) -> AddOnSpec? { all.first { $0.name == name.lowercased() } }
    public static var names: [String] { all.map(\.name) }
}

/// The report of a wrapped predictor: the add-on's own lines, then the inner model's.
/// An add-on's lines for one item followed by its inner model's (`report MODEL ITEM`).
func combinedItemReport(_ own: [String], inner: any Predictor, _ series: Series, _ panel: Panel) -> [String] {
    own + ((inner as? any ReportsItem)?.itemReport(series, in: panel) ?? [])
}

func combinedReport(_ own: [String], inner: any Predictor) -> [String] {
    own + ((inner as? any SummarizesFit)?.fitSummary ?? [])
}

extension Panel {
    /// The panel with every series' target replaced (covariates unchanged).
    func replacingValues(_ values: [[Double]]) -> Panel {
        var copy = self
        for i in copy.series.indices { copy.series[i].values = values[i] }
        return copy
    }

    /// The group of a series: its static attribute `key`, or one group for all when the
    /// panel has no such attribute.
    func group(of series: Series, by key: String?) -> String {
        key.flatMap { series.statics[$0] } ?? "all"
    }
}

extension PanelForecast {
    /// Every item's point and quantiles multiplied by `factors[i][h]` (a positive factor keeps
    /// the quantiles in order).
    func scaled(by factors: [[Double]]) -> PanelForecast {
        var copy = self
        for i in copy.items.indices {
            let f = factors[i]
            copy.items[i].point = zip(copy.items[i].point, f).map { $0 * $1 }
            copy.items[i].quantiles = copy.items[i].quantiles.map { zip($0, f).map { $0 * $1 } }
        }
        return copy
    }
}
