import HorizonCore
import HorizonData
import HorizonForecast

/// `combo`: a forecast combination. Its members are fitted once each, on the same data, and
/// their forecasts combined as distributions, level by level: the mean of the members'
/// quantiles at each level (quantile averaging, "Vincentization"), their median, or a mean
/// weighted by how each member did on the training data's last horizon.
///
/// Why the quantiles and not only the points: averaging the members' quantile functions keeps a
/// calibrated spread where averaging their points and keeping one member's intervals does not,
/// and both the mean and the median of monotone quantile functions stay monotone, so the
/// combination's quantiles never cross. Forty years of competitions (M1–M4) find a simple
/// combination of a few good models hard to beat by choosing one.
public struct ComboEstimator: Estimator {
    public enum Method: String, CaseIterable, Sendable { case mean, median, weighted }

    public let members: [(name: String, estimator: any Estimator)]
    public let method: Method

    public init(members: [(name: String, estimator: any Estimator)], method: Method) {
        self.members = members
        self.method = method
    }

    public var refitsOnEveryHistory: Bool { members.allSatisfy(\.estimator.refitsOnEveryHistory) }

    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        // Each member fits its series in parallel itself; one after the other, the combination
        // costs the sum of its members (twice with `weighted`).
        let weights = method == .weighted ? try validationWeights(panel, settings: settings) : nil
        return ComboPredictor(members: try members.map { ($0.name, try $0.estimator.fit(panel, settings: settings)) }, method: method,
                              weights: weights)
    }

    /// `weighted`: each member's weight is inversely proportional to its weighted quantile loss
    /// (p10, p50, p90) on the last horizon of the training data, fitted without it — chosen
    /// inside the training range, never on the holdout.
    func validationWeights(_ panel: Panel, settings: FitSettings) throws -> [Double] {
        let h = settings.horizon
        let kept = panel.series.filter { $0.count - h >= 3 && $0.values.prefix($0.count - h).contains { !$0.isNaN } }
        guard !kept.isEmpty else { throw HorizonError("combo method=weighted: no series has \(h + 3) points to validate the members on") }
        let full = panel.replacingSeries(kept)
        let train = full.droppingLast(Array(repeating: h, count: kept.count))
        let future = FutureCovariates.recorded(in: full, after: train, horizon: h)
        let levels = [0.1, 0.5, 0.9]
        let losses = try members.map { member -> Double in
            let forecast = try member.estimator.fit(train, settings: settings).predict(train, future: future, horizon: h, levels: levels)
            var loss = 0.0, total = 0.0
            for (i, s) in kept.enumerated() {
                for step in 0..<h {
                    let y = s.values[s.count - h + step]
                    guard !y.isNaN else { continue }
                    total += abs(y)
                    for (l, tau) in levels.enumerated() { loss += 2 * Metrics.pinball(y, forecast.items[i].quantiles[l][step], level: tau) / Double(levels.count) }
                }
            }
            return total > 0 ? loss / total : .infinity
        }
        let inverse = losses.map { $0.isFinite && $0 > 0 ? 1 / $0 : 0 }
        let sum = inverse.reduce(0, +)
        return sum > 0 ? inverse.map { $0 / sum } : Array(repeating: 1 / Double(members.count), count: members.count)
    }

    static let spec = ModelSpec(
        name: "combo",
        summary: "a combination: the members' quantiles averaged level by level (or their median)",
        options: [
            OptionDeclaration("members", .names, default: "ets,arima,autotheta,qrf", help: "the models combined, fitted with their defaults"),
            OptionDeclaration("method", .word(Method.allCases.map(\.rawValue)), default: Method.mean.rawValue,
                              help: "mean of the members' quantiles at each level, their median, or a mean weighted by each member's "
                                  + "inverse wQL on the training data's last horizon"),
        ]
    ) { options in
        // The default: the three statistical models of the M-competition ensembles (Theta as
        // AutoTheta, which measured better than M4's Theta inside the combination on M3 Yearly:
        // MASE 2.546 against 2.576) and the quantile forest, which errs differently (one
        // global model over engineered features).
        let names = options.names("members").isEmpty ? ["ets", "arima", "autotheta", "qrf"] : options.names("members")
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
    /// Each member's weight in the mean (equal unless `weighted`), summing to 1.
    let weights: [Double]

    init(members: [(name: String, predictor: any Predictor)], method: ComboEstimator.Method, weights: [Double]? = nil) {
        self.members = members
        self.method = method
        self.weights = weights ?? Array(repeating: 1 / Double(members.count), count: members.count)
    }

    public var fitSummary: [String] {
        ["members: " + zip(members, weights).map { "\($0.name) \(NumberFormat.fixed($1, 2))" }.joined(separator: ", ")
            + "; quantiles combined level by level by their \(method == .median ? "median" : method == .weighted ? "weighted mean" : "mean")"]
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
        case .mean, .weighted: return zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }
        case .median:
            let sorted = values.sorted(), n = sorted.count
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        }
    }
}
