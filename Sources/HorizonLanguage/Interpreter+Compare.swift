import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonModels
import HorizonForecast

/// `evaluate` / `compare`: every model scored on the same holdout, in one table.
extension Interpreter {
    /// The holdout forecasts of the named trained models (all of them when none is named),
    /// each labelled with its session name, on the current split.
    func holdoutForecasts(_ names: [Located<String>], at location: SourceLocation? = nil) throws
        -> (holdout: Holdout, counts: [Int], forecasts: [PanelForecast]) {
        _ = try requireData(names.first?.location ?? location)
        let indices = names.isEmpty ? Array(session.models.indices) : try names.map { try trainedModel($0) }
        guard !indices.isEmpty else { throw HorizonError("no model trained yet: try 'train snaive' first", at: location) }
        return try holdoutForecasts(indices)
    }

    /// The holdout forecasts of the trained models at `indices`, labelled with their names.
    func holdoutForecasts(_ indices: [Int]) throws -> (holdout: Holdout, counts: [Int], forecasts: [PanelForecast]) {
        let (holdout, counts, _) = try currentHoldout()
        guard holdout.steps > 0 else { throw HorizonError("the holdout is empty: set one with 'holdout N'") }
        let forecasts = try indices.map { i -> PanelForecast in
            var forecast = try holdoutForecast(i, holdout: holdout, counts: counts)
            forecast.model = session.models[i].name
            return forecast
        }
        return (holdout, counts, forecasts)
    }

    func evaluate(_ names: [Located<String>], options: [Option]) throws {
        let started = Date()
        let data = try requireData(names.first?.location)
        let sort = try options.named("sort").map { o in
            do { return try ScoreMetric.parse(o.value.value, levels: session.levels) } catch let e as HorizonError { throw e.located(at: o.value.location) }
        }
        let by = try options.named("by").map { try $0.word(Grouping.attributes(of: data.panel)) }
        let keep = options.named("n").flatMap { Int($0.value.value) }
        let (holdout, counts, forecasts) = try holdoutForecasts(names)
        let reference = try naive2Reference(holdout: holdout, counts: counts)
        let overall = forecasts.map {
            Evaluator.score($0, on: holdout, levels: session.levels, naive2: (reference.smape, reference.mase))
        }
        let title = holdout.title
        var table: TextTable
        if let by {
            table = try groupedTable(forecasts, holdout: holdout, reference: reference.forecast, by: by, sort: sort, keep: keep, title: title)
        } else {
            var rows = overall.map { ScoreRow(labels: [$0.model], scores: $0) }
            if let sort { rows = sort.sorted(rows) }
            table = Evaluator.table(rows, title: title + (sort.map { ", best \($0.label) first" } ?? ""))
            let naive2 = SeasonalAdjustment.test(holdout.train)
            if naive2.passed == 0 { table.notes.append("OWA is relative to " + naive2.description + ".") }
        }
        if let columns = options.named("columns") {
            do {
                table = try table.selectingColumns(columns.value.value.split(separator: ",").map(String.init), aliases: Self.columnAliases(table))
            } catch let e as HorizonError { throw e.located(at: columns.value.location) }
        }
        output.emit(.table(table))
        logEvaluation(overall, models: forecasts.compactMap { session.model(named: $0.model) }, holdout: holdout,
                      seconds: Date().timeIntervalSince(started))
    }

    /// Short names for the evaluation table's columns: each metric's name, each level's
    /// (its wQL), and `cov` for every coverage column.
    static func columnAliases(_ table: TextTable) -> [String: [String]] {
        var aliases: [String: [String]] = ["cov": table.headers.filter { $0.hasPrefix("cov[") }]
        for metric in MetricDeclaration.all { aliases[metric.name] = [metric.label] }
        for header in table.headers where header.hasPrefix("wQL[") && header.hasSuffix("]") {
            aliases[String(header.dropFirst(4).dropLast())] = [header]
        }
        return aliases
    }

    /// The evaluation table with each group of series (`by=`) scored on its own. With `sort`,
    /// the groups come worst first by the first model's score and the models best first within
    /// each; `keep` keeps that many groups.
    private func groupedTable(_ forecasts: [PanelForecast], holdout: Holdout, reference: PanelForecast, by: String,
                              sort: ScoreMetric?, keep: Int?, title: String) throws -> TextTable {
        let groups = Grouping.groups(of: holdout.train, by: by)
        var scored: [[ScoreRow]] = []
        for group in groups {
            try Interrupt.check()
            let part = holdout.selecting(group.indices)
            let naive2 = Evaluator.score(reference.selecting(group.indices), on: part, levels: [0.5])
            scored.append(forecasts.map {
                ScoreRow(labels: [group.name, $0.model],
                         scores: Evaluator.score($0.selecting(group.indices), on: part, levels: session.levels,
                                                 naive2: (naive2.smape, naive2.mase)))
            })
        }
        var order = Array(scored.indices), title = title
        if let sort, let firstModel = forecasts.first?.model {
            order = sort.order(scored.map { $0[0].scores }, worstFirst: true)
            if let keep { order = Array(order.prefix(keep)) }
            title = title + ", worst \(by) first by \(firstModel)'s \(sort.label)" + (keep.map { " (\(min($0, groups.count)) of \(groups.count))" } ?? "")
                + (forecasts.count > 1 ? ", models best first in each" : "")
        }
        let rows = order.flatMap { sort?.sorted(scored[$0]) ?? scored[$0] }
        var table = Evaluator.table(rows, labelHeaders: [by, "model"], title: title + (sort == nil ? ", by \(by) (\(groups.count) groups)" : ""), grouped: true)
        table.notes.insert("Each \(by) is scored on its own series (ratios of totals within it; OWA against naive2 on the same series).", at: 0)
        return table
    }

    /// Naive2's holdout forecast and its (sMAPE, MASE) on this split: the OWA reference,
    /// computed once per split.
    func naive2Reference(holdout: Holdout, counts: [Int]) throws -> (forecast: PanelForecast, smape: Double, mase: Double) {
        let season = holdout.train.season
        if let r = session.naive2Reference, r.counts == counts, r.steps == holdout.steps, r.season == season {
            return (r.forecast, r.smape, r.mase)
        }
        let forecast = try LocalPredictor(name: "naive2", method: Naive2())
            .predict(holdout.train, horizon: holdout.steps, levels: [0.5])
        let scores = Evaluator.score(forecast, on: holdout, levels: [0.5])
        session.naive2Reference = (counts, holdout.steps, season, forecast, scores.smape, scores.mase)
        return (forecast, scores.smape, scores.mase)
    }
}
