import HorizonCore
import HorizonData
import HorizonForecast

/// What the per-series selections chose for one item, in words: `report MODEL ITEM`.
extension SelectedFits {
    /// The outcome for the item on `series` — as selected at `train` when that is the history
    /// it was trained on, else selected again, as the forecast from it is (the whole series
    /// after a holdout may choose another form) — or why there is none.
    func report(_ series: Series, select: ([Double]) -> SelectionOutcome<Fit>, _ describe: (Fit) -> [String]) -> [String] {
        let y = LocalPredictor<Naive>.fillForward(series.values)
        switch outcome(series.id, history: y, select: select) {
        case .fitted(let fit): return describe(fit) + (fit.converged ? [] : ["the search stopped at its iteration limit (the fit is kept)"])
        case .tooShort: return ["too short for any candidate (\(y.count) points): the naive forecast instead"]
        case .failed: return ["no candidate reached a finite fit: the naive forecast instead"]
        }
    }
}

extension ETSPredictor: ReportsItem {
    /// The chosen form, its smoothing parameters, the final states and the AICc; with
    /// averaging, the forms averaged and their Akaike weights.
    public func itemReport(_ series: Series, in panel: Panel) -> [String] {
        fits.report(series, select: { auto.choose($0, season: panel.season, averaging: averaging) }) { choice in
            let f = choice.best
            let c = f.components
            var parameters = ["α \(NumberFormat.fixed(f.alpha, 3))"]
            if c.trend != .none { parameters.append("β \(NumberFormat.fixed(f.beta, 3))") }
            if c.trend == .damped { parameters.append("φ \(NumberFormat.fixed(f.phi, 3))") }
            if c.season != .none { parameters.append("γ \(NumberFormat.fixed(f.gamma, 3))") }
            // A perfect fit (a constant series) floors the likelihood at −10¹⁰, as R does: that
            // sentinel is not a number to read.
            let aicc = f.aicc > -1e9 ? NumberFormat.fixed(f.aicc, 1) : "−∞: a perfect fit, floored as R does"
            var lines = ["\(c) chosen by AICc (\(aicc)) on \(f.n) points",
                         "smoothing: " + parameters.joined(separator: ", "),
                         "final level \(NumberFormat.value(f.level))" + (c.trend != .none ? ", slope \(NumberFormat.value(f.slope))" : "")]
            if c.season != .none {
                let range = (f.season.min() ?? 0, f.season.max() ?? 0)
                lines.append("seasonal states over \(f.season.count) positions: \(NumberFormat.value(range.0))…\(NumberFormat.value(range.1))")
            }
            lines.append("innovation sd \(NumberFormat.value(f.sigma2.squareRoot()))" + (c.error == .multiplicative ? " (relative)" : ""))
            if !choice.blend.isEmpty {
                lines.append("forecast averaged with Akaike weights: "
                             + choice.blend.map { "\($0.fit.components) \(NumberFormat.fixed($0.weight, 3))" }.joined(separator: ", "))
            }
            return lines
        }
    }
}

extension ARIMAPredictor: ReportsItem {
    /// The chosen order, its coefficients on the differenced series and the AICc.
    public func itemReport(_ series: Series, in panel: Panel) -> [String] {
        fits.report(series, select: { AutoARIMA.outcome($0, season: panel.season) }) { f in
            var lines = ["\(f.order) (season \(f.m)) chosen by AICc (\(NumberFormat.fixed(f.aicc, 1)))"]
            for (name, coefficients) in [("AR", f.ar), ("MA", f.ma)] where coefficients.contains(where: { $0 != 0 }) {
                lines.append(name + " coefficients by lag (seasonal terms multiplied out): " + Self.byLag(coefficients))
            }
            lines.append("innovation sd \(NumberFormat.value(f.sigma2.squareRoot())) (on the scaled series)")
            return lines
        }
    }

    /// "1: −0.01, 2: 0.44, 52: 0.61, …": the lags whose coefficient is not zero (a seasonal
    /// order multiplied out has mostly zeros), at most eight.
    static func byLag(_ coefficients: [Double]) -> String {
        let terms = coefficients.enumerated().filter { $0.element != 0 }.map { "\($0.offset + 1): \(NumberFormat.fixed($0.element, 3))" }
        return terms.prefix(8).joined(separator: ", ") + (terms.count > 8 ? ", … (\(terms.count) lags)" : "")
    }
}
