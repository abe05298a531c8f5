import Foundation
import HorizonCore
import HorizonData
import HorizonForecast

/// Automatic exponential smoothing: every admissible ETS(error, trend, season) model is fitted
/// by likelihood and the one with the smallest AICc is kept, as statsforecast's `AutoETS` (and
/// R's `ets()`) do: restricted set (no multiplicative trend, no additive error with
/// multiplicative season), multiplicative components only for strictly positive data, seasonal
/// models only with m > 1 and two full seasons.
///
/// The candidates are fitted in statsforecast's order (error, then no trend before a trend,
/// then season, the damped form before the undamped one) because one of its bounds depends on
/// it: statsforecast's `initparam` lowers β's upper bound to the starting α of the model being
/// fitted *in place*, in the array every later candidate shares. So β ≤ 0.2 for ETS(A,Ad,N) and
/// ETS(A,A,N), but from the first seasonal trended candidate on (ETS(A,Ad,A)) β ≤ 0.2/m for every
/// trended model, including the non-seasonal ETS(M,Ad,N) and ETS(M,A,N). `select` carries the
/// same running bound: on M4 Hourly it changes 32 of the 414 choices (to statsforecast's) and
/// OWA from 0.809 to 0.802.
public struct AutoETS: Sendable {
    public var errors: [ETSComponents.Error]
    public var trends: [ETSComponents.Trend]
    public var seasons: [ETSComponents.Season]
    public var estimation: ETSLikelihoodEstimation

    public init(errors: [ETSComponents.Error] = ETSComponents.Error.allCases,
                trends: [ETSComponents.Trend] = ETSComponents.Trend.allCases,
                seasons: [ETSComponents.Season] = ETSComponents.Season.allCases,
                estimation: ETSLikelihoodEstimation = ETSLikelihoodEstimation()) {
        self.errors = errors
        self.trends = trends
        self.seasons = seasons
        self.estimation = estimation
    }

    /// The candidate models for a series of this length and sign, in statsforecast's order.
    public func candidates(count n: Int, positive: Bool, season m: Int) -> [ETSComponents] {
        var out: [ETSComponents] = []
        for e in errors {
            for trended in [false, true] {
                for s in seasons {
                    for t in trended ? [ETSComponents.Trend.damped, .additive] : [.none] where trends.contains(t) {
                        if s != .none, m <= 1 || n < 2 * m { continue }
                        if e == .additive, s == .multiplicative { continue }
                        if !positive, e == .multiplicative || s == .multiplicative { continue }
                        out.append(ETSComponents(e, t, s))
                    }
                }
            }
        }
        return out
    }

    /// The selected fit, or why there is none (no candidate reached a finite likelihood: `failed`).
    public typealias Outcome = SelectionOutcome<ETSFit>

    /// The fit with the smallest AICc (the first of equals). As in statsforecast, a candidate
    /// whose search stopped at the iteration cap still competes (its `converged` is false).
    public func select(_ y: [Double], season m: Int) -> Outcome {
        switch choose(y, season: m, averaging: false) {
        case .fitted(let choice): return .fitted(choice.best)
        case .tooShort: return .tooShort
        case .failed: return .failed
        }
    }

    /// The fit with the smallest AICc and, when `averaging`, every candidate whose Akaike weight
    /// w ∝ exp(−ΔAICc/2) is at least `ETSChoice.smallestWeight`, with its weight (Kolassa,
    /// "Combining exponential smoothing forecasts using Akaike weights", IJF 27(2), 2011).
    public func choose(_ y: [Double], season m: Int, averaging: Bool) -> SelectionOutcome<ETSChoice> {
        let (fits, anyCandidate) = fitted(y, season: m)
        // The first of equals, as `min(by:)` keeps it.
        guard let best = fits.min(by: { $0.aicc < $1.aicc }) else { return anyCandidate ? .failed : .tooShort }
        return .fitted(ETSChoice(best: best, blend: averaging ? ETSChoice.akaikeWeights(fits) : []))
    }

    /// Every candidate that reached a finite AICc, in statsforecast's order, and whether any
    /// candidate was long enough to be fitted at all.
    func fitted(_ y: [Double], season m: Int) -> (fits: [ETSFit], anyCandidate: Bool) {
        let positive = y.allSatisfy { $0 > 0 }
        var fits: [ETSFit] = [], anyCandidate = false
        var betaUpper = Double.infinity
        for c in candidates(count: y.count, positive: positive, season: m) {
            let mc = c.isSeasonal ? m : 1
            if c.hasTrend { betaUpper = min(betaUpper, ETSLikelihoodEstimation.startingAlpha(season: mc)) }
            guard y.count > ETSLikelihoodEstimation.parameterCount(c, season: mc) else { continue }
            anyCandidate = true
            guard let fit = estimation.fit(y, c, season: m, betaUpper: betaUpper), fit.aicc.isFinite else { continue }
            fits.append(fit)
        }
        return (fits, anyCandidate)
    }
}

/// What `ets` keeps for a series: the candidate with the smallest AICc and, with
/// `combine=akaike`, the candidates whose forecasts it averages, each with its Akaike weight.
public struct ETSChoice: ReportsConvergence {
    public struct Weighted: Sendable {
        public var fit: ETSFit
        public var weight: Double
    }

    public var best: ETSFit
    /// The averaged candidates, weights summing to 1; empty when the best forecasts alone.
    public var blend: [Weighted]
    public var converged: Bool { best.converged }

    /// Below this Akaike weight a candidate is left out of the average (and the others'
    /// weights scaled back to a sum of 1): it could move a forecast by less than a thousandth
    /// of its distance from the others, and a multiplicative-error candidate kept would cost
    /// its own simulated paths.
    public static let smallestWeight = 0.001

    /// exp(−ΔAICc/2) over its sum for each fit, ΔAICc from the smallest; those under
    /// `smallestWeight` dropped and the rest normalised again; ordered by weight, largest first.
    static func akaikeWeights(_ fits: [ETSFit]) -> [Weighted] {
        guard let smallest = fits.map(\.aicc).min() else { return [] }
        let raw = fits.map { exp(-0.5 * ($0.aicc - smallest)) }
        let total = raw.reduce(0, +)
        let kept = zip(fits, raw).filter { $1 / total >= smallestWeight }
        let keptTotal = kept.reduce(0) { $0 + $1.1 }
        return kept.map { Weighted(fit: $0, weight: $1 / keptTotal) }.sorted { $0.weight > $1.weight }
    }
}

/// `train ets`: one automatic ETS per series, fitted at `train` and reused by `evaluate`;
/// `forecast` refits on the longer history.
///
/// Quantiles: for the linear models (additive error, no multiplicative season) the analytic
/// normal quantiles of `ETSFit.analyticVariance`, exact under the model; for models with a
/// multiplicative error there is no closed form (the spec's §1.4), so `paths` sample paths are
/// simulated from the fitted model with innovations drawn from the session seed (a generator
/// per series derived from the seed and the series id, so results do not depend on threading)
/// and the quantiles are the type-7 sample quantiles of the paths at each step.
///
/// With `averaging` (`combine=akaike`) the forecast is not the best candidate's but the mean of
/// the candidates' forecasts weighted by their Akaike weights, points and quantiles level by
/// level (as `combo` combines its members). Why: AICc often separates two forms by less than
/// the data can tell apart, and choosing one throws the other's forecast away; on M3 and M4
/// Weekly the average measured better than the choice on every split tried (see the README).
public struct ETSEstimator: Estimator {
    public var auto: AutoETS
    public var paths: Int
    public var averaging: Bool

    public init(auto: AutoETS = AutoETS(), paths: Int = 2000, averaging: Bool = false) {
        self.auto = auto
        self.paths = paths
        self.averaging = averaging
    }

    /// The predictor selects a form afresh on any history other than the one trained on
    /// (`SelectedFits`), so refitting at each backtest origin changes nothing.
    public var refitsOnEveryHistory: Bool { true }

    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        let season = panel.season, averaging = averaging
        return ETSPredictor(auto: auto, paths: paths, seed: settings.seed, averaging: averaging,
                            fits: try SelectedFits(panel) { [auto] in auto.choose($0, season: season, averaging: averaging) })
    }
}

public struct ETSPredictor: Predictor, SummarizesFit {
    let auto: AutoETS
    let paths: Int
    let seed: UInt64
    let averaging: Bool
    let fits: SelectedFits<ETSChoice>

    /// The model chosen for each series fitted at `train` (with averaging, the one of largest weight).
    public var selected: [String: ETSFit] {
        fits.byID.compactMapValues { if case .fitted(let f) = $0.outcome { return f.best } else { return nil } }
    }

    public var fitSummary: [String] {
        var counts: [String: Int] = [:], bestWeights: [Double] = [], blended: [Int] = []
        for stored in fits.byID.values {
            guard case .fitted(let f) = stored.outcome else { continue }
            counts[f.best.components.description, default: 0] += 1
            if let top = f.blend.first {
                bestWeights.append(top.weight)
                blended.append(f.blend.count)
            }
        }
        let (short, failed, unconverged) = fits.tally
        let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var lines = ["selected by AICc: " + ranked.map { "\($0.key) \($0.value)" }.joined(separator: ", ")]
        if !bestWeights.isEmpty {
            let mean = { (values: [Double]) in values.reduce(0, +) / Double(values.count) }
            lines.append("forecasts averaged with Akaike weights: \(NumberFormat.fixed(mean(blended.map(Double.init)), 1)) candidates per series "
                         + "(weight ≥ \(ETSChoice.smallestWeight)), the selected one's weight \(NumberFormat.fixed(mean(bestWeights), 2)) on average")
        }
        if short > 0 { lines.append("\(short) series too short for any ETS model: naive forecast instead") }
        if failed > 0 { lines.append("\(failed) series where no ETS model reached a finite likelihood: naive forecast instead") }
        if unconverged > 0 { lines.append("\(unconverged) series whose chosen model stopped at the search's \(auto.estimation.search.maxIterations)-iteration cap (kept, as statsforecast does)") }
        return lines
    }

    public func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        let season = history.season
        let z = levels.map(NormalDistribution.quantile)
        return try forecastEachSeries(history, model: "ets") { s, y in
            let firstTime = history.time(of: s, at: s.count)
            let nonNegative = y.allSatisfy { $0 >= 0 }
            let outcome = fits.outcome(s.id, history: y) { auto.choose($0, season: season, averaging: averaging) }
            guard case .fitted(let choice) = outcome else {
                let (point, sd) = NaiveFallback.forecast(y, horizon: horizon)
                return .gaussian(id: s.id, firstTime: firstTime, point: point, sd: sd, levels: levels, z: z, nonNegative: nonNegative)
            }
            var generator = SeededGenerator(seed: seed ^ StableHash.of(s.id))
            func forecast(_ fit: ETSFit) -> ItemForecast {
                Self.forecast(fit, id: s.id, firstTime: firstTime, horizon: horizon, levels: levels, z: z, nonNegative: nonNegative,
                              paths: paths, generator: &generator)
            }
            guard !choice.blend.isEmpty else { return forecast(choice.best) }
            var point = [Double](repeating: 0, count: horizon)
            var quantiles = [[Double]](repeating: point, count: levels.count)
            for member in choice.blend {
                let f = forecast(member.fit)
                for h in 0..<horizon {
                    point[h] += member.weight * f.point[h]
                    for l in levels.indices { quantiles[l][h] += member.weight * f.quantiles[l][h] }
                }
            }
            return ItemForecast(id: s.id, firstTime: firstTime, point: point, levels: levels, quantiles: quantiles)
        }
    }

    /// One fitted model's forecast: analytic normal quantiles for the linear models, the sample
    /// quantiles of simulated paths for the others.
    static func forecast(_ fit: ETSFit, id: String, firstTime: Int64, horizon: Int, levels: [Double], z: [Double], nonNegative: Bool,
                         paths: Int, generator: inout SeededGenerator) -> ItemForecast {
        let point = fit.forecast(horizon: horizon)
        if let variance = fit.analyticVariance(horizon: horizon) {
            return .gaussian(id: id, firstTime: firstTime, point: point, sd: variance.map { $0.squareRoot() },
                             levels: levels, z: z, nonNegative: nonNegative)
        }
        let simulated = fit.simulate(horizon: horizon, paths: paths, generator: &generator)
        var quantiles = [[Double]](repeating: [Double](repeating: 0, count: horizon), count: levels.count)
        var column = [Double](repeating: 0, count: paths)
        for h in 0..<horizon {
            for p in 0..<paths { column[p] = simulated[p][h] }
            column.sort()
            for (l, level) in levels.enumerated() {
                let q = SampleQuantile.type7(sorted: column, level)
                quantiles[l][h] = nonNegative ? max(0, q) : q
            }
        }
        return ItemForecast(id: id, firstTime: firstTime, point: nonNegative ? point.map { max(0, $0) } : point,
                            levels: levels, quantiles: quantiles)
    }
}

/// A hash of a string that is the same in every run (Swift's `hashValue` is seeded per process):
/// FNV-1a over the UTF-8 bytes, for deriving per-series random generators.
public enum StableHash {
    public static func of(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
