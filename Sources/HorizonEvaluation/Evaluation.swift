import HorizonCore
import HorizonData
import HorizonModels

/// The holdout a model is scored on: the training part of every series and the actuals
/// that follow it.
public struct Holdout: Sendable {
    public var train: Panel
    /// `actuals[i]`: the held-out values of series i (NaN where missing), at most `steps` of them.
    public var actuals: [[Double]]
    /// The covariates recorded over the held-out steps (known in advance: price, promo, events).
    public var future: FutureCovariates

    public init(train: Panel, actuals: [[Double]], future: FutureCovariates? = nil) {
        self.train = train
        self.actuals = actuals
        self.future = future ?? .carriedForward(train, horizon: actuals.map(\.count).max() ?? 0)
    }

    /// Splits `panel` by removing `counts[i]` final points of series i, and keeping the
    /// first `steps` of them as actuals.
    public init(splitting panel: Panel, counts: [Int], steps: Int) {
        train = panel.droppingLast(counts)
        actuals = zip(panel.series, counts).map { s, c in Array(s.values.suffix(c).prefix(steps)) }
        future = .recorded(in: panel, after: train, horizon: actuals.map(\.count).max() ?? 0)
    }

    /// The number of held-out steps scored (the longest actuals).
    public var steps: Int { actuals.map(\.count).max() ?? 0 }
}

/// One model's scores on a holdout.
public struct ModelScores: Sendable {
    public var model: String
    public var levels: [Double]
    public var wql: [Double]
    public var coverage: [Double]
    /// Coverage of the central interval between the outermost levels (nil with one level).
    public var intervalCoverage: Double?
    public var mase: Double
    public var smape: Double
    public var msis: Double
    public var owa: Double?
    /// How many series had a MASE (series with a zero or unknown scale do not).
    public var maseSeries: Int
    public var series: Int

    public var meanWQL: Double { wql.isEmpty ? .nan : wql.reduce(0, +) / Double(wql.count) }
}

public enum Evaluator {
    /// The levels a forecast must provide to be scored: the user's plus the 95% interval for MSIS.
    public static func requiredLevels(_ levels: [Double]) -> [Double] {
        Array(Set(levels + [0.025, 0.975])).sorted()
    }

    /// Scores a forecast against the holdout. `naive2` gives the Naive2 (sMAPE, MASE) for OWA.
    public static func score(_ forecast: PanelForecast, on holdout: Holdout, levels: [Double],
                             naive2: (smape: Double, mase: Double)? = nil) -> ModelScores {
        let n = holdout.actuals.count
        precondition(forecast.items.count == n, "forecast has \(forecast.items.count) series, holdout \(n)")
        // Actuals and forecasts over the scored steps; the metrics themselves live in `Metrics`.
        var actuals: [[Double]] = [], byLevel = [[[Double]]](repeating: [], count: levels.count)
        var mase: [Double] = [], smape: [Double] = [], msis: [Double] = []
        let season = holdout.train.season
        for i in 0..<n {
            let item = forecast.items[i]
            let steps = min(holdout.actuals[i].count, item.horizon)
            guard steps > 0 else { continue }
            let y = Array(holdout.actuals[i].prefix(steps))
            actuals.append(y)
            for (l, level) in levels.enumerated() { byLevel[l].append(Array(item.quantile(level).prefix(steps))) }
            guard y.contains(where: { !$0.isNaN }) else { continue }
            let point = Array(item.point.prefix(steps))
            let scale = Metrics.seasonalScale(holdout.train.series[i].values, season: season)
            mase.append(Metrics.mase(actual: y, forecast: point, scale: scale))
            smape.append(Metrics.smape(actual: y, forecast: point))
            msis.append(Metrics.msis(actual: y, lower: Array(item.quantile(0.025).prefix(steps)),
                                     upper: Array(item.quantile(0.975).prefix(steps)), scale: scale))
        }
        let maseMean = Metrics.meanOfFinite(mase)
        let smapeMean = Metrics.meanOfFinite(smape).mean
        let owa = naive2.map { Metrics.owa(smape: smapeMean, mase: maseMean.mean, naive2Smape: $0.smape, naive2Mase: $0.mase) }
        return ModelScores(
            model: forecast.model, levels: levels,
            wql: levels.indices.map { Metrics.weightedQuantileLoss(actuals: actuals, quantiles: byLevel[$0], level: levels[$0]) },
            coverage: byLevel.map { Metrics.coverage(actuals: actuals, quantiles: $0) },
            intervalCoverage: levels.count >= 2
                ? Metrics.intervalCoverage(actuals: actuals, lower: byLevel[0], upper: byLevel[levels.count - 1]) : nil,
            mase: maseMean.mean, smape: smapeMean, msis: Metrics.meanOfFinite(msis).mean, owa: owa,
            maseSeries: maseMean.count, series: smape.count)
    }

    /// The comparison table: wQL per level and mean, coverage per level and of the central
    /// interval, MASE, sMAPE, MSIS and (when Naive2 was scored) OWA.
    public static func table(_ scores: [ModelScores], steps: Int) -> TextTable {
        guard let first = scores.first else { return TextTable(headers: ["model"]) }
        let names = first.levels.map(NumberFormat.quantileName)
        var headers = ["model"] + names.map { "wQL[\($0)]" } + ["mean wQL"] + names.map { "cov[\($0)]" }
        let interval = first.levels.count >= 2 ? "cov[\(names.first!)–\(names.last!)]" : nil
        if let interval { headers.append(interval) }
        headers += ["MASE", "sMAPE", "MSIS"]
        let hasOWA = scores.contains { $0.owa != nil }
        if hasOWA { headers.append("OWA") }
        var table = TextTable(title: "holdout: \(steps) steps, \(first.series) series", headers: headers)
        for s in scores {
            var row = [s.model] + s.wql.map { NumberFormat.fixed($0, 4) } + [NumberFormat.fixed(s.meanWQL, 4)]
            row += s.coverage.map { NumberFormat.fixed($0, 3) }
            if interval != nil { row.append(NumberFormat.fixed(s.intervalCoverage ?? .nan, 3)) }
            row += [NumberFormat.fixed(s.mase, 3), NumberFormat.fixed(s.smape, 3), NumberFormat.fixed(s.msis, 3)]
            if hasOWA { row.append(NumberFormat.fixed(s.owa ?? .nan, 3)) }
            table.append(row)
        }
        if let s = scores.first(where: { $0.maseSeries < $0.series }) {
            table.notes.append("MASE and MSIS over \(s.maseSeries) of \(s.series) series (a history shorter than one season, or constant, has no scale).")
        }
        table.notes.append("wQL = 2·Σpinball/Σ|y| over all series and steps; cov[p] = share of actuals ≤ the p quantile; MSIS at 95%; OWA vs naive2.")
        return table
    }
}
