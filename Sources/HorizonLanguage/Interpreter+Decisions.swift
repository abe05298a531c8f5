import HorizonCore
import HorizonData
import HorizonEvaluation
import HorizonModels

/// From forecasts to inventory decisions: `decide` (one model's orders) and `compare cost`
/// (every model's realised cost and savings).
extension Interpreter {
    /// The newsvendor costs, lead time and copula correlation of a decision command.
    private func decisionSettings(_ costs: DecisionCosts) throws -> (newsvendor: Newsvendor, leadTime: Int, demand: LeadTimeDemand) {
        let horizon = session.horizon
        if let l = costs.leadTime, l.value > max(1, horizon) {
            throw HorizonError("leadtime takes an integer in 1...\(max(1, horizon)) (the horizon), got '\(l.value)'", at: l.location)
        }
        let leadTime = costs.leadTime?.value ?? DecideCommand.costOptions.defaultValue("leadtime")
        return (Newsvendor(underage: costs.underage, overage: costs.overage), leadTime, LeadTimeDemand(correlation: costs.correlation))
    }

    /// How the order quantity was found, for the notes under a decision table.
    private func decisionNotes(_ newsvendor: Newsvendor, leadTime: Int, demand: LeadTimeDemand, steps: Int) -> [String] {
        let tau = newsvendor.criticalFractile
        let levels = Evaluator.requiredLevels(session.levels)
        var notes = ["critical fractile τ* = cu/(cu+co) = \(NumberFormat.fixed(tau, 3)); cost = co·(Q−D)⁺ + cu·(D−Q)⁺ = (cu+co) × pinball at τ*."]
        if !levels.contains(where: { abs($0 - tau) < 1e-9 }) {
            let below = levels.last { $0 < tau }, above = levels.first { $0 > tau }
            let add = "add \(NumberFormat.quantileName(tau)) with 'quantiles' for an exact one"
            if let below, let above {
                notes.append("τ* is not a trained level: the quantile is interpolated from \(NumberFormat.quantileName(below)) and \(NumberFormat.quantileName(above)) (\(add)).")
            } else if let edge = below ?? above {
                // Past the last level the quantile function goes on as a normal tail would.
                notes.append("τ* is beyond the trained levels: the quantile is extrapolated past \(NumberFormat.quantileName(edge)) with a normal-shaped tail (\(add)).")
            }
        }
        if leadTime == 1 {
            notes.append("lead time 1: one order per series and holdout step (\(steps) steps).")
        } else {
            let blocks = steps / leadTime, left = steps - blocks * leadTime
            notes.append("lead time \(leadTime): one order per block of \(leadTime) steps (\(blocks) block\(blocks == 1 ? "" : "s")\(left > 0 ? "; the last \(left) step\(left == 1 ? "" : "s") not scored" : "")), at the τ* quantile of the block's total demand,")
            notes.append("  sampled from \(demand.paths) joint paths of the per-step quantile functions with correlation \(NumberFormat.value(demand.correlation)) between steps (0: independent, 1: sum of per-step quantiles).")
        }
        return notes
    }

    func decide(_ costs: DecisionCosts, model: Located<String>?, to path: Located<String>?) throws {
        let data = try requireData()
        let (newsvendor, leadTime, demand) = try decisionSettings(costs)
        let i = try trainedModel(model)
        let (holdout, _, forecasts) = try holdoutForecasts([i])
        guard leadTime <= holdout.steps else {
            throw HorizonError("leadtime=\(leadTime) is longer than the \(holdout.steps)-step holdout", at: costs.leadTime?.location)
        }
        let forecast = forecasts[0]
        let outcome = try Decisions.decide(forecast, actuals: holdout.actuals, newsvendor: newsvendor, leadTime: leadTime,
                                           demand: demand, seed: session.seed)

        // Per series: its orders summed, the costliest first.
        var byItem: [String: [Order]] = [:]
        for order in outcome.orders { byItem[order.item, default: []].append(order) }
        let items = byItem.map { (id: $0.key, orders: $0.value) }
            .sorted { a, b in
                let x = a.orders.reduce(0) { $0 + $1.cost }, y = b.orders.reduce(0) { $0 + $1.cost }
                return x != y ? x > y : a.id < b.id
            }
        let shown = items.count <= 20 ? items : Array(items.prefix(10))
        var table = TextTable(title: "decide with \(forecast.model): cu=\(NumberFormat.value(newsvendor.underage)) co=\(NumberFormat.value(newsvendor.overage)), lead time \(leadTime)",
                              headers: ["item", "orders", "first order", "ordered", "demand", "short", "left over", "cost", "fill rate"])
        for item in shown {
            let o = DecisionOutcome(model: forecast.model, orders: item.orders)
            table.append([item.id, "\(o.orders.count)", NumberFormat.fixed(o.orders[0].quantity, 2), NumberFormat.fixed(o.ordered, 1),
                          NumberFormat.fixed(o.demand, 1), NumberFormat.fixed(o.demand - o.served, 1), NumberFormat.fixed(o.ordered - o.served, 1),
                          NumberFormat.fixed(o.cost, 1), NumberFormat.fixed(o.fillRate, 3)])
        }
        table.append(["all \(items.count) series", "\(outcome.orders.count)", "–", NumberFormat.fixed(outcome.ordered, 1), NumberFormat.fixed(outcome.demand, 1),
                      NumberFormat.fixed(outcome.demand - outcome.served, 1), NumberFormat.fixed(outcome.ordered - outcome.served, 1),
                      NumberFormat.fixed(outcome.cost, 1), NumberFormat.fixed(outcome.fillRate, 3)])
        if shown.count < items.count { table.notes.append("the \(shown.count) costliest of \(items.count) series shown" + (path == nil ? "; 'decide … to FILE.csv' writes every order." : ".")) }
        table.notes += decisionNotes(newsvendor, leadTime: leadTime, demand: demand, steps: holdout.steps)
        table.notes += Self.unscoredNote(outcome, holdout: holdout, leadTime: leadTime)
        table.notes.append("cost per unit of demand \(NumberFormat.fixed(outcome.costPerUnit, 4)); in-stock rate \(NumberFormat.fixed(outcome.inStock, 3)) (share of orders that met all demand; target τ* = \(NumberFormat.fixed(newsvendor.criticalFractile, 3))).")
        if leadTime > 1 {
            // The dependence assumption's two ends, so its effect on the order is visible.
            var bounds: [String] = []
            for rho in [0.0, 1.0] where rho != demand.correlation {
                let other = try Decisions.decide(forecast, actuals: holdout.actuals, newsvendor: newsvendor, leadTime: leadTime,
                                                 demand: LeadTimeDemand(correlation: rho, paths: demand.paths), seed: session.seed)
                bounds.append("corr=\(NumberFormat.value(rho)): ordered \(NumberFormat.fixed(other.ordered, 1)), cost \(NumberFormat.fixed(other.cost, 1))")
            }
            table.notes.append("bounds — " + bounds.joined(separator: "; ") + ".")
        }
        output.emit(.table(table))

        if let path {
            try writeOrders(outcome, holdout: holdout, panel: data.panel, to: path)
        }
    }

    private func writeOrders(_ outcome: DecisionOutcome, holdout: Holdout, panel: Panel, to path: Located<String>) throws {
        var csv = "item,time,steps,order,demand,cost\n"
        for order in outcome.orders {
            guard let series = holdout.train[order.item] else { continue }
            let id = CSVField.text(order.item)
            csv += "\(id),\(panel.timeLabel(panel.time(of: series, at: series.count + order.firstStep))),\(order.steps),\(order.quantity),\(order.demand),\(order.cost)\n"
        }
        try writeFile(path, csv)
        emit("wrote \(outcome.orders.count) orders of \(outcome.model) to \(path.value)")
    }

    func compareCost(_ names: [Located<String>], costs: DecisionCosts, baseline name: Located<String>?) throws {
        _ = try requireData()
        let (newsvendor, leadTime, demand) = try decisionSettings(costs)
        let (holdout, _, forecasts) = try holdoutForecasts(names)
        guard leadTime <= holdout.steps else {
            throw HorizonError("leadtime=\(leadTime) is longer than the \(holdout.steps)-step holdout", at: costs.leadTime?.location)
        }
        let baseline: Int
        if let name {
            guard let k = forecasts.firstIndex(where: { $0.model == name.value }) else {
                throw HorizonError("baseline '\(name.value)' is not among the compared models", at: name.location,
                                   suggestion: Suggestions.didYouMean(name.value, in: forecasts.map(\.model)))
            }
            baseline = k
        } else {
            baseline = forecasts.firstIndex { $0.model == "snaive" } ?? forecasts.firstIndex { $0.model == "naive2" } ?? 0
        }
        let bar = ProgressBar("compare cost", total: forecasts.count)
        defer { bar.finish() }
        var outcomes: [DecisionOutcome] = []
        for forecast in forecasts {
            try Interrupt.check()
            outcomes.append(try Decisions.decide(forecast, actuals: holdout.actuals, newsvendor: newsvendor, leadTime: leadTime,
                                                 demand: demand, seed: session.seed))
            bar.advance()
        }
        bar.finish()  // before the table, which would otherwise start on the bar's line
        var table = Decisions.costTable(outcomes, baseline: baseline,
                                        title: "inventory cost on the holdout: cu=\(NumberFormat.value(newsvendor.underage)) co=\(NumberFormat.value(newsvendor.overage)), lead time \(leadTime), "
                                            + "\(Set(outcomes[0].orders.map(\.item)).count) series")
        table.notes = decisionNotes(newsvendor, leadTime: leadTime, demand: demand, steps: holdout.steps)
        table.notes += Self.unscoredNote(outcomes[0], holdout: holdout, leadTime: leadTime)
        table.notes.append("fill rate = Σmin(Q,D)/ΣD; in-stock = share of orders that met all demand (target τ*); savings = baseline cost − model cost.")
        output.emit(.table(table))
    }

    /// The series without an order to score (no whole block of theirs has every actual): the
    /// same for every model, since it depends on the actuals alone.
    static func unscoredNote(_ outcome: DecisionOutcome, holdout: Holdout, leadTime: Int) -> [String] {
        let scored = Set(outcome.orders.map(\.item))
        let left = holdout.train.series.map(\.id).filter { !scored.contains($0) }
        guard !left.isEmpty else { return [] }
        let names = left.prefix(5).map { Visible.name($0) }.joined(separator: ", ") + (left.count > 5 ? ", …" : "")
        let what = leadTime == 1 ? "observed step" : "block of \(leadTime) steps with every actual observed"
        return ["\(left.count) series not scored: \(left.count == 1 ? "its holdout has" : "their holdouts have") no \(what) (\(names))."]
    }
}
