import HorizonData
import HorizonForecast

/// Scoring per group of series (`by=category`, `by=item`): the holdout and the forecasts
/// cut down to the group's series, so every group is scored by the same `Evaluator.score`.
public enum Grouping {
    /// The groups of `panel` by a static attribute (`category`, `store_id`, …) or `item`
    /// (one group per series), in name order; series without the attribute form the group "–".
    public static func groups(of panel: Panel, by attribute: String) -> [(name: String, indices: [Int])] {
        var members: [String: [Int]] = [:]
        for (i, s) in panel.series.enumerated() {
            let key = attribute == "item" ? s.id : (s.statics[attribute] ?? "–")
            members[key, default: []].append(i)
        }
        return members.keys.sorted().map { ($0, members[$0]!) }
    }

    /// The attributes `by=` accepts for this panel.
    public static func attributes(of panel: Panel) -> [String] { ["item"] + panel.staticNames }
}

extension Holdout {
    /// The holdout of the series at `indices` only.
    public func selecting(_ indices: [Int]) -> Holdout {
        var copy = self
        copy.train = train.replacingSeries(indices.map { train.series[$0] })
        copy.actuals = indices.map { actuals[$0] }
        copy.future = future.selecting(indices)
        return copy
    }
}

extension PanelForecast {
    /// The forecasts of the series at `indices` only.
    public func selecting(_ indices: [Int]) -> PanelForecast {
        PanelForecast(model: model, items: indices.map { items[$0] })
    }
}
