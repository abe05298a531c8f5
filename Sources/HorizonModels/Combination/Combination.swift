import HorizonCore
import HorizonData
import HorizonForecast

/// `combo`: a forecast combination. Its members are fitted once each, on the same data, and
/// their forecasts combined as distributions, level by level: the mean of the members'
/// quantiles at each level (quantile averaging, "Vincentization"), or their median.
///
/// Why the quantiles and not only the points: averaging the members' quantile functions keeps a
/// calibrated spread where averaging their points and keeping one member's intervals does not,
/// and both the mean and the median of monotone quantile functions stay monotone, so the
/// combination's quantiles never cross. Forty years of competitions (M1–M4) find a simple
/// combination of a few good models hard to beat by choosing one.
public struct ComboEstimator: Estimator {
    public enum Method: String, CaseIterable, Sendable { case mean, median }

    public let members: [(name: String, estimator: any Estimator)]
    public let method: Method

    public init(members: [(name: String, estimator: any Estimator)], method: Method) {
        self.members = members
        self.method = method
    }

    public var refitsOnEveryHistory: Bool { members.allSatisfy(\.estimator.refitsOnEveryHistory) }

    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        // Each member fits its series in parallel itself; one after the other, the combination
        // costs the sum of its members.
        ComboPredictor(members: try members.map { ($0.name, try $0.estimator.fit(panel, settings: settings)) }, method: method)
    }

    static let spec = ModelSpec(
        name: "combo",
        summary: "a combination: the members' quantiles averaged level by level (or their median)",
        options: [
            OptionDeclaration("members", .names, default: "ets,arima,theta,qrf", help: "the models combined, fitted with their defaults"),
            OptionDeclaration("method", .word(Method.allCases.map(\.rawValue)), default: Method.mean.rawValue,
                              help: "mean of the members' quantiles at each level, or their median"),
        ]
    ) { options in
        // The default: the three statistical models of the M-competition ensembles and the
        // quantile forest, which errs differently (one global model over engineered features).
        let names = options.names("members").isEmpty ? ["ets", "arima", "theta", "qrf"] : options.names("members")
        let members = try names.map { name -> (name: String, estimator: any Estimator) in
            guard name.lowercased() != "combo", let spec = ModelCatalog.spec(named: name) else {
                throw HorizonError("combo: '\(name)' is not a model to combine (models: \(ModelCatalog.names.filter { $0 != "combo" }.joined(separator: ", ")))",
                                   suggestion: Suggestions.didYouMean(name, in: ModelCatalog.names.filter { $0 != "combo" }))
            }
            return (spec.name, try spec.make(ModelOptions()))
        }
        guard members.count >= 2 else { throw HorizonError("combo needs at least two members, got \(names.joined(separator: ","))") }
        return ComboEstimator(members: members, method: Method(rawValue: options.word("method") ?? "mean") ?? .mean)
    }
}

/// The fitted members, combined at forecast time.
public struct ComboPredictor: Predictor, SummarizesFit, ReportsItem {
    let members: [(name: String, predictor: any Predictor)]
    let method: ComboEstimator.Method

    public var fitSummary: [String] {
        ["members: \(members.map(\.name).joined(separator: ", ")); quantiles combined level by level by their \(method.rawValue)"]
            + members.flatMap { m in ((m.predictor as? any SummarizesFit)?.fitSummary ?? []).map { "\(m.name): \($0)" } }
    }

    public func itemReport(_ series: Series, in panel: Panel) -> [String] {
        members.flatMap { m in ((m.predictor as? any ReportsItem)?.itemReport(series, in: panel) ?? []).map { "\(m.name): \($0)" } }
    }

    public func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        let forecasts = try members.map { try $0.predictor.predict(history, future: future, horizon: horizon, levels: levels) }
        let items = try history.series.indices.map { i -> ItemForecast in
            let parts = forecasts.map { $0.items[i] }
            guard parts.allSatisfy({ $0.id == parts[0].id && $0.horizon == horizon && $0.levels == levels }) else {
                throw HorizonError("combo: the members' forecasts of '\(history.series[i].id)' do not line up")
            }
            return ItemForecast(id: parts[0].id, firstTime: parts[0].firstTime,
                                point: (0..<horizon).map { h in combine(parts.map { $0.point[h] }) },
                                levels: levels,
                                quantiles: levels.indices.map { l in (0..<horizon).map { h in combine(parts.map { $0.quantiles[l][h] }) } })
        }
        return PanelForecast(model: "combo", items: items)
    }

    /// The members' values at one level and step, combined.
    func combine(_ values: [Double]) -> Double {
        switch method {
        case .mean: return values.reduce(0, +) / Double(values.count)
        case .median:
            let sorted = values.sorted(), n = sorted.count
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        }
    }
}
