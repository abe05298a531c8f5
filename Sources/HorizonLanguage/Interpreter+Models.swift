import Foundation
import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonModels
import HorizonForecast

extension Interpreter {
    /// The current holdout split: series with nothing left to train on are left out (and named).
    func currentHoldout() throws -> (holdout: Holdout, counts: [Int], excluded: [String]) {
        let data = try requireData()
        let counts = session.holdoutCounts()
        let split = Holdout.trainable(data.panel, counts: counts, steps: session.horizon)
        guard let holdout = split.holdout else {
            throw HorizonError("the holdout (\(counts.max() ?? 0) points) leaves no series anything to train on: lower it with 'holdout N'")
        }
        return (holdout, split.kept.map { counts[$0] }, split.excluded)
    }

    func train(_ command: TrainCommand) throws {
        let (model, alias, options, addOns) = (command.model, command.alias, command.options, command.addOns)
        _ = try requireData(model.location)
        let resolved = try command.resolve()
        let spec = resolved.spec
        var estimator = try spec.make(resolved.values)
        for (addOn, values) in resolved.addOns { estimator = try addOn.make(values, estimator) }
        let name = alias?.value ?? resolved.name
        let (holdout, counts, excluded) = try currentHoldout()
        let settings = FitSettings(horizon: session.horizon, context: session.context, levels: session.levels, seed: session.seed)
        let started = Date()
        let predictor = try estimator.fit(holdout.train, settings: settings)
        let seconds = Date().timeIntervalSince(started)
        // A training Ctrl-C stopped is recorded as stopping there (stop=K), in the model's
        // options and in the line the session replays, so a replay gives the same model.
        let stop = (predictor as? any ReportsTraining)?.interruptedAfterEpoch
        let modelOptions = options.filter { stop == nil || $0.key.value != "stop" }.map { "\($0.key.value)=\($0.value.value)" }
            + (stop.map { ["stop=\($0)"] } ?? [])
        let optionsText = (modelOptions + addOns.flatMap { a in ["+" + a.name.value.lowercased()] + a.options.map { "\($0.key.value)=\($0.value.value)" } })
            .joined(separator: " ")
        if let stop, let text = currentStatement?.text, text.hasPrefix("train \(model.value)") {
            // The canonical line with stop=K after the model's name (an earlier stop= of its own goes).
            let rest = String(text.dropFirst("train \(model.value)".count)).replacingOccurrences(of: #" stop=\d+"#, with: "", options: .regularExpression)
            recordedText = "train \(model.value) stop=\(stop)" + rest
        }
        let trained = TrainedModel(name: name, spec: spec, estimator: estimator, optionsText: optionsText,
                                   predictor: predictor, holdoutCounts: counts, seriesCount: holdout.train.count,
                                   fitSeconds: seconds)
        let replaced = session.models.contains { $0.name == name }
        session.models.removeAll { $0.name == name }
        session.models.append(trained)
        var line = "trained \(name)" + (name == spec.name ? "" : " (\(spec.name)\(addOns.isEmpty ? "" : " with add-ons"))")
            + " on \(holdout.train.count) series in \(NumberFormat.duration(seconds)); holdout \(holdout.steps) steps"
        if replaced { line += "; replaced the earlier \(name)" }
        for detail in (predictor as? any SummarizesFit)?.fitSummary ?? [] { line += "\n  " + detail }
        if !excluded.isEmpty, excluded != session.reportedExclusions { line += "\n  left out \(excluded.count) series with nothing before the holdout: \(excluded.prefix(5).joined(separator: ", "))\(excluded.count > 5 ? ", …" : "")" }
        session.reportedExclusions = excluded
        emit(line)
        logTraining(trained)
    }

    /// A trained model by name (default: the last one), or a located error.
    func trainedModel(_ name: Located<String>?, at location: SourceLocation? = nil) throws -> Int {
        guard !session.models.isEmpty else {
            throw HorizonError("no model trained yet: try 'train snaive'", at: name?.location ?? location)
        }
        guard let name else { return session.models.count - 1 }
        if let i = session.models.firstIndex(where: { $0.name == name.value }) { return i }
        throw HorizonError("no trained model '\(name.value)'", at: name.location,
                           suggestion: Suggestions.didYouMean(name.value, in: session.modelNames))
    }

    /// A value far outside the data can push a model's response past any number (a promotion
    /// effect to the power 1e308): refused for the items the command shows or writes (`ids`,
    /// nil for all), not shown as a table of inf.
    func requireFinite(_ forecast: PanelForecast, of model: String, ids: [String]?, scenario: [Option]) throws {
        guard let first = scenario.first, let item = Self.firstNotFinite(forecast, among: ids.map(Set.init)) else { return }
        let text = scenario.map { "\($0.key.value)=\($0.value.value)" }.joined(separator: " ")
        throw HorizonError("with \(text), \(model)'s forecast of '\(Visible.name(item.id))' is not a finite number: keep the values near the data's",
                           at: first.key.location)
    }

    /// The first item (of `ids`, nil for all) whose forecast holds a number that is not finite.
    static func firstNotFinite(_ forecast: PanelForecast, among ids: Set<String>?) -> ItemForecast? {
        forecast.items.first { item in (ids?.contains(item.id) ?? true) && !item.isFinite }
    }

    /// Data near the largest double, or a model file whose values are (finite, but 1e306 each),
    /// can forecast past any number: refused once, where the forecast is made, rather than
    /// shown or scored as inf by every command that uses it.
    private func refuseNotFinite(_ forecast: PanelForecast, of model: TrainedModel, at location: SourceLocation?) throws {
        guard let item = Self.firstNotFinite(forecast, among: nil) else { return }
        throw HorizonError("\(model.name)'s forecast of '\(Visible.name(item.id))' is not a finite number: the data or the model's own values "
                           + "are too large to forecast from", at: location)
    }

    /// Holdout forecasts of model `i`, cached; a model trained on another split must be retrained.
    func holdoutForecast(_ i: Int, holdout: Holdout, counts: [Int]) throws -> PanelForecast {
        let model = session.models[i]
        guard model.holdoutCounts == counts else {
            throw HorizonError("model '\(model.name)' was trained with a different holdout: train it again")
        }
        let levels = Evaluator.requiredLevels(session.levels)
        try model.requireHorizon(holdout.steps, what: "the holdout's \(holdout.steps)", fix: "train it again after 'set horizon \(holdout.steps)'")
        if let cached = model.holdoutForecast, cached.horizon == holdout.steps, cached.items.first?.levels == levels { return cached }
        let (forecast, members) = try Self.predict(model.predictor, holdout.train, future: holdout.future, horizon: holdout.steps, levels: levels)
        try refuseNotFinite(forecast, of: model, at: nil)
        session.models[i].holdoutForecast = forecast
        session.models[i].holdoutMemberForecasts = members
        return forecast
    }

    /// The predictor's forecast and, when it combines members, each member's forecast that it
    /// combined (one pass: the members are not asked twice).
    static func predict(_ predictor: any Predictor, _ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double])
        throws -> (forecast: PanelForecast, members: [PanelForecast]?) {
        guard let combination = predictor as? any CombinesForecasts else {
            return (try predictor.predict(history, future: future, horizon: horizon, levels: levels), nil)
        }
        let members = try combination.weightedMembers.map { try $0.predictor.predict(history, future: future, horizon: horizon, levels: levels) }
        return (try combination.combining(members, history: history, horizon: horizon, levels: levels), members)
    }

    /// Forecasts of model `i` past the end of the data, computed once per horizon and levels
    /// (a scenario, which changes the future covariates, is computed afresh).
    func futureForecast(_ i: Int, data: LoadedData, scenario: [Option] = [], at location: SourceLocation? = nil) throws -> PanelForecast {
        let model = session.models[i]
        try model.requireHorizon(session.horizon, at: location, what: "\(session.horizon)",
                                 fix: "'set horizon \(model.predictor.longestHorizon ?? session.horizon)', or train it again")
        if scenario.isEmpty, let cached = model.futureForecast, cached.horizon == session.horizon, cached.items.first?.levels == session.levels {
            return cached
        }
        var future = FutureCovariates.carriedForward(data.panel, horizon: session.horizon)
        try Scenario.apply(scenario, to: &future, panel: data.panel, warn: emit)
        let (forecast, members) = try Self.predict(model.predictor, data.panel, future: future, horizon: session.horizon, levels: session.levels)
        if scenario.isEmpty {
            try refuseNotFinite(forecast, of: model, at: location)
            session.models[i].futureForecast = forecast
            session.models[i].futureMemberForecasts = members
        }
        return forecast
    }

    func forecast(_ name: Located<String>?, items: [Located<String>] = [], scenario: [Option] = []) throws {
        let data = try requireData(name?.location)
        let i = try trainedModel(name, at: scenario.first?.key.location)
        let model = session.models[i]
        let panel = data.panel
        let named = try items.map { try lookup($0, in: panel).id }  // before the forecast, which can take a while
        let forecast = try futureForecast(i, data: data, scenario: scenario, at: name?.location)
        // A scenario is read against the forecast without it: both, side by side, and the change.
        let baseline = scenario.isEmpty ? nil : try futureForecast(i, data: data)
        let scenarioText = scenario.map { "\($0.key.value)=\($0.value.value)" }.joined(separator: " ")
        let shown = named.isEmpty ? Array(forecast.items.prefix(3)) : named.compactMap { forecast.item($0) }
        try requireFinite(forecast, of: model.name, ids: shown.map(\.id), scenario: scenario)
        for item in shown {
            guard let series = panel[item.id] else { continue }
            let base = baseline?.item(item.id)
            let quantileHeaders = item.levels.map(NumberFormat.quantileName)
            var table = TextTable(title: "\(item.id): \(model.name) forecast"
                                    + (scenario.isEmpty ? "" : " with \(scenarioText) beside the baseline (quantiles with \(scenarioText))"),
                                  headers: ["time"] + (base == nil ? ["point"] : ["baseline", scenarioText, "change"]) + quantileHeaders)
            for h in 0..<item.horizon {
                var row = [panel.timeLabel(panel.time(of: series, at: series.count + h))]
                if let base {
                    row += [NumberFormat.fixed(base.point[h], 2), NumberFormat.fixed(item.point[h], 2), Self.change(from: base.point[h], to: item.point[h])]
                } else {
                    row.append(NumberFormat.fixed(item.point[h], 2))
                }
                table.append(row + item.quantiles.map { NumberFormat.fixed($0[h], 2) })
            }
            if let base {
                let before = base.point.reduce(0, +), after = item.point.reduce(0, +)
                table.append(["total", NumberFormat.fixed(before, 1), NumberFormat.fixed(after, 1), Self.change(from: before, to: after)]
                             + item.quantiles.map { _ in "" })
            }
            output.emit(.table(table))
        }
        emit("forecast \(forecast.items.count) series × \(session.horizon) steps with \(model.name)" + (scenario.isEmpty ? "" : " (\(scenarioText))")
             + (forecast.items.count > shown.count ? "; \(shown.count) shown, 'export forecasts \(model.name) to FILE.csv' writes all" : ""))
    }

    /// `report [MODEL] ITEM`: the model's own account of the item (a local model's form and
    /// parameters, an add-on's estimate for its group; a global model's training summary),
    /// then the item's holdout scores and its forecast past the data.
    func report(_ name: Located<String>?, item: Located<String>) throws {
        let data = try requireData(item.location)
        let i = try trainedModel(name, at: item.location)
        let model = session.models[i]
        let series = try lookup(item, in: data.panel)
        let (holdout, counts, _) = try currentHoldout()
        var lines = ["\(series.id) — \(model.name)" + (model.optionsText.isEmpty ? "" : " (\(model.optionsText))")]
        guard let k = holdout.train.index(of: series.id) else {
            lines.append("  no history before the holdout, so \(model.name) was not fitted on it ('show \(series.id)' lists its points)")
            return emit(lines.joined(separator: "\n"))
        }
        let own = (model.predictor as? any ReportsItem)?.itemReport(holdout.train.series[k], in: holdout.train) ?? []
        let summary = (model.predictor as? any SummarizesFit)?.fitSummary ?? []
        if own.isEmpty && summary.isEmpty {
            lines.append("  fitted to each item's own history (the method has no form or parameters to show)")
        } else if own.isEmpty {
            lines.append("  one model for every item:")
            lines += summary.map { "    " + $0 }
        } else {
            lines += own.map { "  " + $0 }
        }
        var scored: [ModelScores] = []
        if holdout.actuals[k].isEmpty {
            lines.append("  no holdout to score it on ('holdout N' sets one)")
        } else {
            let forecast = try holdoutForecast(i, holdout: holdout, counts: counts)
            let item = holdout.selecting([k])
            let scores = Evaluator.score(forecast.selecting([k]), on: item, levels: session.levels)
            var parts = ["mean wQL \(NumberFormat.fixed(scores.meanWQL, 4))"]
            if scores.mase.isFinite { parts.append("MASE \(NumberFormat.fixed(scores.mase, 3))") }
            if let interval = scores.intervals.last {
                parts.append("\(NumberFormat.quantileName(interval.lower))–\(NumberFormat.quantileName(interval.upper)) covered \(NumberFormat.fixed(100 * interval.coverage, 0))%")
            }
            lines.append("  holdout (\(holdout.actuals[k].count) steps): " + parts.joined(separator: ", "))
            // A combination's members, scored the same way.
            scored = (session.models[i].holdoutMemberForecasts ?? []).map {
                Evaluator.score($0.selecting([k]), on: item, levels: session.levels)
            } + [scores]
        }
        let future = try futureForecast(i, data: data, at: name?.location)
        if let item = future.item(series.id) {
            // A model that estimates from the history it is given forecasts the future from
            // the whole series, so it may choose another form than the one above: said, with it.
            let whole = model.estimator.refitsOnEveryHistory
                ? (model.predictor as? any ReportsItem)?.itemReport(series, in: data.panel) ?? [] : []
            if !whole.isEmpty && whole != own {
                lines.append("  refitted on the whole series for the forecast below:")
                lines += whole.map { "    " + $0 }
            }
            lines.append("  next \(item.horizon) steps (median): " + Self.median(item).map { NumberFormat.value($0) }.joined(separator: ", "))
        }
        emit(lines.joined(separator: "\n"))
        if let combination = model.predictor as? any CombinesForecasts, let members = session.models[i].futureMemberForecasts {
            output.emit(.table(membersTable(combination, name: model.name, item: series.id, scores: scored, ahead: members + [future])))
        }
    }

    /// The median where the forecast has one, else its point forecast.
    static func median(_ item: ItemForecast) -> [Double] { item.levels.contains(0.5) ? item.quantile(0.5) : item.point }

    /// A combination's members beside it on one item: each member's weight, its scores on the
    /// item's holdout (`scores`, the combination's last; none without a holdout) and its median
    /// past the data (`ahead`: the members' forecasts the combination combined, then its own).
    func membersTable(_ combination: any CombinesForecasts, name: String, item id: String, scores: [ModelScores], ahead: [PanelForecast]) -> TextTable {
        let interval = scores.last?.intervals.last
        let shown = min(session.horizon, 6)
        var table = TextTable(title: "\(id): the members of \(name)",
                              headers: ["model", "weight"] + (scores.isEmpty ? [] : ["holdout wQL", "MASE"])
                                  + (interval.map { ["\(NumberFormat.quantileName($0.lower))–\(NumberFormat.quantileName($0.upper)) covered"] } ?? [])
                                  + ["next \(session.horizon) steps (median)"])
        let labels = combination.weightedMembers.map { ($0.name, $0.weight.map { NumberFormat.fixed($0, 2) } ?? "–") } + [(name, "")]
        for (row, (label, weight)) in labels.enumerated() {
            var cells = [label, weight]
            if !scores.isEmpty {
                let score = scores[row]
                cells += [NumberFormat.fixed(score.meanWQL, 4), score.mase.isFinite ? NumberFormat.fixed(score.mase, 3) : "–"]
                if interval != nil { cells.append(score.intervals.last.map { NumberFormat.fixed(100 * $0.coverage, 0) + "%" } ?? "–") }
            }
            let median = ahead[row].item(id).map(Self.median) ?? []
            cells.append(median.prefix(shown).map { NumberFormat.value($0) }.joined(separator: ", ") + (median.count > shown ? ", …" : ""))
            table.append(cells)
        }
        return table
    }

    /// "+12.3%", or "–" from a baseline of 0.
    static func change(from before: Double, to after: Double) -> String {
        guard before != 0, before.isFinite, after.isFinite else { return "–" }
        let percent = 100 * (after / before - 1)
        return (percent >= 0 ? "+" : "") + NumberFormat.fixed(percent, 1) + "%"
    }

    /// Streams the rows to the file a series at a time (10,000 series × 10,000 steps is 10⁸
    /// rows: never held whole), and stops at Ctrl-C, leaving any earlier file as it was.
    func exportForecasts(_ name: Located<String>?, scenario: [Option] = [], to path: Located<String>) throws {
        let data = try requireData(path.location)
        let i = try trainedModel(name, at: path.location)
        // Refused before the forecast is computed (it can take a while); writeFile checks again.
        try checkWritable(path)
        let forecast = try futureForecast(i, data: data, scenario: scenario, at: name?.location)
        try requireFinite(forecast, of: session.models[i].name, ids: nil, scenario: scenario)
        let levels = forecast.items.first?.levels ?? session.levels
        try writeFile(path) { fd in
            var chunk = "item,time,step,point," + levels.map(NumberFormat.quantileName).joined(separator: ",") + "\n"
            for item in forecast.items {
                try Interrupt.check()
                guard let series = data.panel[item.id] else { continue }
                let id = CSVField.text(item.id)
                for h in 0..<item.horizon {
                    chunk += "\(id),\(data.panel.timeLabel(data.panel.time(of: series, at: series.count + h))),\(h + 1),\(item.point[h])"
                    for q in item.quantiles { chunk += ",\(q[h])" }
                    chunk += "\n"
                }
                if chunk.utf8.count >= 1 << 20 {
                    try AtomicFile.writeAll(Data(chunk.utf8), to: fd)
                    chunk = ""
                }
            }
            try AtomicFile.writeAll(Data(chunk.utf8), to: fd)
        }
        let scenarioText = scenario.map { "\($0.key.value)=\($0.value.value)" }.joined(separator: " ")
        emit("wrote \(forecast.items.count) series × \(forecast.horizon) steps of \(session.models[i].name) forecasts"
             + (scenario.isEmpty ? "" : " with \(scenarioText)") + " to \(path.value)")
    }

    func listModels() {
        if !session.models.isEmpty {
            var table = TextTable(title: "trained", headers: ["name", "model", "options", "series", "holdout", "fit time"])
            for m in session.models {
                table.append([m.name, m.spec.name, m.optionsText.isEmpty ? "–" : m.optionsText, "\(m.seriesCount)",
                              "\(m.holdoutCounts.max() ?? 0)", NumberFormat.duration(m.fitSeconds)])
            }
            output.emit(.table(table))
        }
        var available = TextTable(title: "available (train MODEL)", headers: ["model", "what it is"])
        for spec in ModelCatalog.all { available.append([spec.name, spec.summary]) }
        output.emit(.table(available))
        var addOns = TextTable(title: "add-ons (train MODEL +ADDON …)", headers: ["add-on", "what it does"])
        for addOn in AddOnCatalog.all { addOns.append(["+" + addOn.name, addOn.summary]) }
        output.emit(.table(addOns))
    }
}
