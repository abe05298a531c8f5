import HorizonCore
import HorizonData
import HorizonForecast

/// What an automatic per-series selection (AutoETS, AutoARIMA) gave one series.
public enum SelectionOutcome<Fit: Sendable>: Sendable {
    case fitted(Fit)
    /// Too short for every candidate.
    case tooShort
    /// No candidate reached a finite fit.
    case failed
}

/// A fit that knows whether its optimiser converged or stopped at its limit.
public protocol ReportsConvergence: Sendable {
    var converged: Bool { get }
}

/// The selections made at `train`, one per series. They are kept so that `train` can say which
/// series fell back and why, and so that `evaluate` reuses them instead of searching again; a
/// history other than the one selected on (`forecast` after the holdout is added back) is
/// selected afresh.
struct SelectedFits<Fit: ReportsConvergence>: Sendable {
    struct Stored: Sendable {
        var count: Int
        var last: Double
        var outcome: SelectionOutcome<Fit>
    }

    let byID: [String: Stored]

    /// Selects on every series of `panel` in parallel, gaps filled forward.
    init(_ panel: Panel, select: ([Double]) -> SelectionOutcome<Fit>) throws {
        let stored = try parallelMap(panel.series.count) { i -> Stored in
            let y = LocalPredictor<Naive>.fillForward(panel.series[i].values)
            return Stored(count: y.count, last: y.last ?? .nan, outcome: select(y))
        }
        var byID: [String: Stored] = [:]
        for (s, outcome) in zip(panel.series, stored) { byID[s.id] = outcome }
        self.byID = byID
    }

    /// The stored selection when `y` is the history it was made on, else a new one.
    func outcome(_ id: String, history y: [Double], select: ([Double]) -> SelectionOutcome<Fit>) -> SelectionOutcome<Fit> {
        if let stored = byID[id], stored.count == y.count, stored.last == y.last { return stored.outcome }
        return select(y)
    }

    /// How many series fell back to the naive forecast (too short, or no finite fit), and how
    /// many kept a fit whose optimiser stopped at its limit.
    var tally: (short: Int, failed: Int, unconverged: Int) {
        var short = 0, failed = 0, unconverged = 0
        for stored in byID.values {
            switch stored.outcome {
            case .fitted(let f): if !f.converged { unconverged += 1 }
            case .tooShort: short += 1
            case .failed: failed += 1
            }
        }
        return (short, failed, unconverged)
    }
}

/// Forecasts every series of `history` in parallel from its observations, gaps filled forward
/// (leading gaps dropped); a series with no observation at all is an error naming it.
func forecastEachSeries(_ history: Panel, model: String,
                        _ body: (_ series: Series, _ y: [Double]) throws -> ItemForecast) throws -> PanelForecast {
    let items = try parallelMap(history.series.count) { i -> ItemForecast in
        let s = history.series[i]
        let y = LocalPredictor<Naive>.fillForward(s.values)
        guard !y.isEmpty else { throw HorizonError("model '\(model)': series '\(s.id)' has no observations") }
        return try body(s, y)
    }
    return PanelForecast(model: model, items: items)
}
