import HorizonCore
import HorizonData

/// A scenario on a `forecast` or `export` line (`price=-20% promo=1`): changes to the
/// known-future covariates, applied the same way in a session and in `horizon batch`.
enum Scenario {
    /// Changes `future` as the scenario says: `NAME=±N%` scales every future value of covariate
    /// NAME, `NAME=VALUE` sets it. A value outside the observed range is allowed, with a
    /// warning (it is often a percentage written without its %).
    static func apply(_ scenario: [Option], to future: inout FutureCovariates, panel: Panel, warn: (String) -> Void) throws {
        for o in scenario {
            guard panel.dynamicNames.contains(o.key.value) else {
                throw HorizonError("'\(o.key.value)' is not a covariate over time" + (panel.dynamicNames.isEmpty ? " (this data has none)" : " (covariates: \(panel.dynamicNames.joined(separator: ", ")))"),
                                   at: o.key.location, suggestion: Suggestions.didYouMean(o.key.value, in: panel.dynamicNames))
            }
            let text = o.value.value
            let change: (Double) -> Double
            if text.hasSuffix("%"), let percent = Double(text.dropLast()), percent.isFinite, percent > -100 {
                change = { $0 * (1 + percent / 100) }
            } else if !text.hasSuffix("%"), let value = Double(text), value.isFinite {
                change = { _ in value }
            } else {
                throw HorizonError("a scenario value is a change in percent above -100% (price=-20%) or a finite number (promo=1), got '\(Visible.name(text))'", at: o.value.location)
            }
            if !text.hasSuffix("%"), let value = Double(text), let range = observedRange(of: o.key.value, in: panel), !range.contains(value) {
                warn("warning: \(o.key.value)=\(text) is outside the observed \(o.key.value) (\(NumberFormat.fixed(range.lowerBound, 2))…"
                     + "\(NumberFormat.fixed(range.upperBound, 2))); a change in percent is written \(o.key.value)=\(text)%")
            }
            for s in future.dynamic.indices { future.dynamic[s][o.key.value] = future.dynamic[s][o.key.value]?.map(change) }
        }
    }

    /// The smallest and largest observed value of a covariate over time, nil if none is.
    static func observedRange(of name: String, in panel: Panel) -> ClosedRange<Double>? {
        var low = Double.infinity, high = -Double.infinity
        for s in panel.series { for v in s.dynamic[name] ?? [] where v.isFinite { low = min(low, v); high = max(high, v) } }
        return low <= high ? low...high : nil
    }
}
