import HorizonCore
import HorizonData
import HorizonForecast

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

    /// Splits `panel` like `init(splitting:counts:steps:)`, leaving out the series with
    /// nothing observed before their cut (they have nothing to train on). `holdout` is nil
    /// when no series is left; `kept` are the indices into `panel` of the series kept.
    public static func trainable(_ panel: Panel, counts: [Int], steps: Int) -> (holdout: Holdout?, kept: [Int], excluded: [String]) {
        var kept: [Int] = [], excluded: [String] = []
        for (i, (s, c)) in zip(panel.series, counts).enumerated() {
            if s.values.prefix(max(0, s.count - c)).contains(where: { !$0.isNaN }) { kept.append(i) } else { excluded.append(s.id) }
        }
        guard !kept.isEmpty else { return (nil, [], excluded) }
        let holdout = Holdout(splitting: panel.replacingSeries(kept.map { panel.series[$0] }), counts: kept.map { counts[$0] }, steps: steps)
        return (holdout, kept, excluded)
    }

    /// The number of held-out steps scored (the longest actuals).
    public var steps: Int { actuals.map(\.count).max() ?? 0 }

    /// How many series have an actual to be scored on (the others weigh nothing in any score).
    public var observedCount: Int { actuals.filter { $0.contains { !$0.isNaN } }.count }

    /// The holdout in a table's title: its steps and the series scored.
    public var title: String {
        let unobserved = train.count - observedCount
        return "holdout: \(steps) steps, \(observedCount) series" + (unobserved == 0 ? "" : " (\(unobserved) more with nothing observed in it)")
    }
}

/// Coverage of one central interval: the share of actuals inside [q_lower, q_upper].
public struct IntervalScore: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var coverage: Double
    /// The nominal coverage, upper − lower.
    public var nominal: Double { upper - lower }
}

/// One model's scores on a holdout.
public struct ModelScores: Sendable {
    public var model: String
    public var levels: [Double]
    public var wql: [Double]
    public var coverage: [Double]
    /// Coverage of each central interval (τ, 1 − τ) whose two levels were both asked for,
    /// the widest first.
    public var intervals: [IntervalScore]
    /// Every declared metric's value by name (`MetricDeclaration.all`), NaN where undefined;
    /// OWA only when Naive2 was scored.
    public var values: [String: Double]
    /// How many series had a MASE (series with a zero or unknown scale do not).
    public var maseSeries: Int
    public var series: Int

    public var meanWQL: Double { wql.isEmpty ? .nan : wql.reduce(0, +) / Double(wql.count) }

    /// A declared metric's value (NaN when it has none).
    public subscript(_ metric: MetricDeclaration) -> Double { values[metric.name] ?? .nan }

    // The metrics the code reads by name: OWA is built on sMAPE and MASE, reports quote them.
    public var crps: Double { values["crps"] ?? .nan }
    public var mase: Double { values["mase"] ?? .nan }
    public var smape: Double { values["smape"] ?? .nan }
    public var msis: Double { values["msis"] ?? .nan }
    public var owa: Double? {
        get { values["owa"] }
        set { values["owa"] = newValue }
    }
}

/// A row of a score table: its labels (model; or group and model; or window) and scores.
public struct ScoreRow: Sendable {
    public var labels: [String]
    public var scores: ModelScores

    public init(labels: [String], scores: ModelScores) {
        self.labels = labels
        self.scores = scores
    }
}

public enum Evaluator {
    /// The levels a forecast must provide to be scored: the user's plus the median (ND's) and
    /// the 95% interval for MSIS — so no score depends on which levels the user shows.
    public static func requiredLevels(_ levels: [Double]) -> [Double] {
        Array(Set(levels + [0.025, 0.5, 0.975])).sorted()
    }

    /// The central intervals among `levels`: pairs (τ, 1 − τ) with τ < ½, widest first.
    public static func centralIntervals(_ levels: [Double]) -> [(lower: Int, upper: Int)] {
        levels.indices.compactMap { l in
            guard levels[l] < 0.5, let u = levels.firstIndex(where: { abs($0 - (1 - levels[l])) < 1e-9 }) else { return nil }
            return (l, u)
        }
    }

    /// Scores a forecast against the holdout: wQL and coverage per level, then every declared
    /// metric (`MetricDeclaration.all`). `naive2` gives the Naive2 (sMAPE, MASE) for OWA.
    public static func score(_ forecast: PanelForecast, on holdout: Holdout, levels: [Double],
                             naive2: (smape: Double, mase: Double)? = nil) -> ModelScores {
        let n = holdout.actuals.count
        precondition(forecast.items.count == n, "forecast has \(forecast.items.count) series, holdout \(n)")
        let metrics = MetricDeclaration.all
        // Actuals and forecasts over the scored steps; the formulas live in `Metrics`.
        var actuals: [[Double]] = [], byLevel = [[[Double]]](repeating: [], count: levels.count)
        var perSeries = [[Double]](repeating: [], count: metrics.count)
        var totals = [(numerator: Double, denominator: Double)](repeating: (0, 0), count: metrics.count)
        var series = 0
        let season = holdout.train.season
        for i in 0..<n {
            let item = forecast.items[i]
            let steps = min(holdout.actuals[i].count, item.horizon)
            guard steps > 0 else { continue }
            let y = Array(holdout.actuals[i].prefix(steps))
            actuals.append(y)
            for (l, level) in levels.enumerated() { byLevel[l].append(Array(item.quantile(level).prefix(steps))) }
            guard y.contains(where: { !$0.isNaN }) else { continue }
            series += 1
            let scored = ScoredSeries(actual: y, point: Array(item.point.prefix(steps)),
                                      scale: Metrics.seasonalScale(holdout.train.series[i].values, season: season)) {
                item.quantile($0, step: $1)
            }
            for (m, metric) in metrics.enumerated() {
                switch metric.computation {
                case .meanOverSeries(let value): perSeries[m].append(value(scored))
                case .ratioOfTotals(let parts):
                    let (numerator, denominator) = parts(scored)
                    totals[m].numerator += numerator
                    totals[m].denominator += denominator
                case .meanQuantileLoss, .relativeToNaive2: break
                }
            }
        }
        let wql = levels.indices.map { Metrics.weightedQuantileLoss(actuals: actuals, quantiles: byLevel[$0], level: levels[$0]) }
        var values: [String: Double] = [:], counts: [String: Int] = [:]
        for (m, metric) in metrics.enumerated() {
            switch metric.computation {
            case .meanOverSeries:
                let mean = Metrics.meanOfFinite(perSeries[m])
                values[metric.name] = mean.mean
                counts[metric.name] = mean.count
            case .ratioOfTotals:
                values[metric.name] = series == 0 ? .nan
                    : totals[m].denominator > 0 ? totals[m].numerator / totals[m].denominator : totals[m].numerator
            case .meanQuantileLoss:
                values[metric.name] = wql.isEmpty ? .nan : wql.reduce(0, +) / Double(wql.count)
            case .relativeToNaive2:
                break
            }
        }
        for metric in metrics {
            guard case .relativeToNaive2 = metric.computation, let naive2 else { continue }
            values[metric.name] = Metrics.owa(smape: values["smape"] ?? .nan, mase: values["mase"] ?? .nan,
                                              naive2Smape: naive2.smape, naive2Mase: naive2.mase)
        }
        return ModelScores(
            model: forecast.model, levels: levels, wql: wql,
            coverage: byLevel.map { Metrics.coverage(actuals: actuals, quantiles: $0) },
            intervals: centralIntervals(levels).map {
                IntervalScore(lower: levels[$0.lower], upper: levels[$0.upper],
                              coverage: Metrics.intervalCoverage(actuals: actuals, lower: byLevel[$0.lower], upper: byLevel[$0.upper]))
            },
            values: values, maseSeries: counts["mase"] ?? 0, series: series)
    }

    /// Scores step by step: entry h scores only the (h + 1)-step-ahead forecasts, for the
    /// error-by-horizon chart.
    public static func scoreByStep(_ forecast: PanelForecast, on holdout: Holdout, levels: [Double],
                                   naive2: (smape: Double, mase: Double)? = nil) -> [ModelScores] {
        (0..<holdout.steps).map { h in
            var masked = holdout
            masked.actuals = holdout.actuals.map { y in y.indices.map { $0 == h ? y[$0] : .nan } }
            return score(forecast, on: masked, levels: levels, naive2: naive2)
        }
    }

    /// The comparison table: one row per `rows` entry, led by its labels, then wQL per level
    /// and the probabilistic metrics, coverage per level and of each central interval, and the
    /// point metrics; a metric no row has (OWA without Naive2) is left out.
    /// `grouped`: each row scores a series set of its own (`evaluate by=…`), so the MASE note
    /// counts rows, whatever their counts.
    public static func table(_ rows: [ScoreRow], labelHeaders: [String] = ["model"], title: String, grouped: Bool = false) -> TextTable {
        guard let first = rows.first?.scores else { return TextTable(title: title, headers: labelHeaders) }
        let names = first.levels.map(NumberFormat.quantileName)
        let shown = MetricDeclaration.all.filter { metric in rows.contains { $0.scores.values[metric.name] != nil } }
        let probabilistic = shown.filter { $0.placement == .probabilistic }, point = shown.filter { $0.placement == .point }
        var headers = labelHeaders + names.map { "wQL[\($0)]" } + probabilistic.map(\.label) + names.map { "cov[\($0)]" }
        headers += first.intervals.map { "cov[\(NumberFormat.quantileName($0.lower))–\(NumberFormat.quantileName($0.upper))]" }
        headers += point.map(\.label)
        var table = TextTable(title: title, headers: headers)
        for row in rows {
            let s = row.scores
            var cells = row.labels + s.wql.map { NumberFormat.fixed($0, 4) } + probabilistic.map { NumberFormat.fixed(s[$0], $0.digits) }
            cells += s.coverage.map { NumberFormat.fixed($0, 3) }
            cells += s.intervals.map { NumberFormat.fixed($0.coverage, 3) }
            cells += point.map { NumberFormat.fixed(s[$0], $0.digits) }
            table.append(cells)
        }
        let short = rows.map(\.scores).filter { $0.maseSeries < $0.series }
        if let s = short.first {
            // One count for the table only when every row scored the same series (the models of
            // one holdout); groups each have their own.
            let alike = !grouped && rows.allSatisfy { $0.scores.series == s.series && $0.scores.maseSeries == s.maseSeries }
            table.notes.append((alike ? "MASE and MSIS over \(s.maseSeries) of \(s.series) series"
                                                                         : "MASE and MSIS leave out some series in \(short.count) of \(rows.count) rows")
                               + " (a history shorter than one season, or the same every season — constant, say — has no scale).")
        }
        table.notes.append("wQL = 2·Σpinball/Σ|y| over all series and steps; wCRPS = ΣCRPS/Σ|y| (CRPS on a 200-level τ grid through each quantile function);")
        table.notes.append("cov[p] = share of actuals ≤ the p quantile; cov[pLo–pHi] = share inside the interval;")
        // Defined where a student first meets them (the walkthrough's first table).
        table.notes.append("MASE = mean |y − point| ÷ the series' in-sample seasonal-naive mean |error|, averaged over series; "
                           + "sMAPE = mean of 200·|y − point|/(|y| + |point|);")
        table.notes.append("MSIS = the 95% interval's width plus 40× how far actuals fall outside it, scaled as MASE; OWA = mean of sMAPE and MASE, each relative to naive2's.")
        table.notes += shown.compactMap(\.note)
        return table
    }
}
