import HorizonCore
import HorizonData
import HorizonForecast

/// `combo`: a forecast combination. Its members are fitted once each, on the same data, and
/// their forecasts combined as distributions, level by level: the mean of the members'
/// quantiles at each level (quantile averaging, "Vincentization"), their median, or a mean
/// weighted by how each member did on the training data's last horizons (inverse-loss or
/// stacked weights).
///
/// Why the quantiles and not only the points: averaging the members' quantile functions keeps a
/// calibrated spread where averaging their points and keeping one member's intervals does not,
/// and both the mean and the median of monotone quantile functions stay monotone, so the
/// combination's quantiles never cross. Forty years of competitions (M1–M4) find a simple
/// combination of a few good models hard to beat by choosing one.
public struct ComboEstimator: Estimator {
    /// How the members' quantiles are combined at each level.
    ///
    /// `stacked` against `mean`, judged on the three horizons before the training data's last
    /// and scored on that last one (MASE — M4 Weekly: OWA —, mean wQL, p10–p90 coverage; the
    /// five members ets, arima, autotheta, qrf, mlp): better on M3 Yearly (3.268 → 3.203,
    /// 0.1239 → 0.1193, 0.642 → 0.695) and M4 Weekly (0.850 → 0.841, 0.0369 → 0.0360,
    /// 0.897 → 0.856), worse on M3 Quarterly
    /// (1.047 → 1.062, 0.0514 → 0.0527) and Monthly (0.851 → 0.869, 0.0769 → 0.0783): weights
    /// fitted to a few horizons follow those periods' shocks too (the "forecast combination
    /// puzzle"), so equal weights are the default.
    public enum Method: String, CaseIterable, Sendable { case mean, median, weighted, stacked }

    public let members: [(name: String, estimator: any Estimator)]
    public let method: Method
    /// Whether the combined spread is rescaled, level by level, to cover as often as it says
    /// on the training data's last horizons.
    public let calibrates: Bool
    /// How many of the training data's last horizons the members are judged on, with
    /// `weighted`, `stacked` or `calibrate`. The series of a competition share their calendar,
    /// so one horizon's errors carry that period's shocks: calibrated on the one before it, the
    /// training data's last horizon of M3 and M4 Weekly came out at p10–p90 coverage 0.728,
    /// 0.784, 0.745, 0.795 (Yearly, Quarterly, Monthly, Weekly); on the three before it 0.802,
    /// 0.776, 0.785, 0.849 — all within 0.05 of 0.8 — at the cost of two more fits of the
    /// members but a net. Hence the default of three (chosen there, never on a test split).
    public let origins: Int

    public init(members: [(name: String, estimator: any Estimator)], method: Method, calibrates: Bool = false, origins: Int = 3) {
        self.members = members
        self.method = method
        self.calibrates = calibrates
        self.origins = origins
    }

    public var refitsOnEveryHistory: Bool { members.allSatisfy(\.estimator.refitsOnEveryHistory) }

    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        // Each member fits its series in parallel itself; one after the other, the combination
        // costs the sum of its members — plus, with `weighted`, `stacked` or `calibrate`, what
        // judging them on the training data's last horizons adds (see `fitJudging`).
        guard method == .weighted || method == .stacked || calibrates else {
            return ComboPredictor(members: try members.indices.map { (members[$0].name, try Self.whole(members[$0].estimator.fit(panel, settings: memberSettings($0, settings)))) },
                                  method: method)
        }
        let (fitted, validation) = try fitJudging(panel, settings: settings)
        let weights = method == .weighted ? validation.weights
            : method == .stacked ? Self.stackedWeights(validation) : nil
        let scales = calibrates ? ComboPredictor.calibration(validation) { ComboPredictor.combine($0, method: method, weights: weights ?? equalWeights) } : []
        return ComboPredictor(members: fitted, method: method, weights: weights, scales: scales)
    }

    /// The settings member `index` is fitted with: a member named again gets a seed of its own,
    /// so `members=…,mlp,mlp` bags two nets grown from different draws (M4 Weekly's last
    /// training horizon: OWA 0.848 with one net, 0.836 with two, 0.827 with three; M3 Monthly
    /// 0.849, 0.846, 0.847 — each net adds its fit time, so the default has one).
    func memberSettings(_ index: Int, _ settings: FitSettings) -> FitSettings {
        let repeats = members[..<index].filter { $0.name == members[index].name }.count
        var s = settings
        s.seed = settings.seed &+ UInt64(repeats) &* 0x9E37_79B9_7F4A_7C15
        return s
    }

    /// A member's predictor, unless Ctrl-C stopped its training partway: that cancels the whole
    /// combination. Alone, a net stopped by Ctrl-C is kept and its line records `stop=K` so a
    /// replay trains the same model; a member's stop has no place in the `train combo` line, so
    /// a combination kept with it would not replay — and going on would train the members after
    /// it (and, when judging, the net again per held-out stretch) after the user asked to stop.
    static func whole(_ predictor: any Predictor) throws -> any Predictor {
        if (predictor as? any ReportsTraining)?.interruptedAfterEpoch != nil { throw Interrupted() }
        return predictor
    }

    var equalWeights: [Double] { Array(repeating: 1 / Double(members.count), count: members.count) }

    /// The levels the members are validated at: the calibration's grid (p50 is the centre).
    static let validationLevels = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]
    /// The levels whose pooled quantile loss judges the members (`weighted`, `stacked`): the
    /// wQL metric's default p10, p50, p90.
    static let scoredLevels = [0.1, 0.5, 0.9]

    /// The members fitted on all of `panel`, and judged on the training data's last `origins`
    /// horizons — inside the training range, never on the holdout: each member's forecasts of
    /// them, each made without what it forecasts, the actuals, and each member's weight,
    /// inversely proportional to its weighted quantile loss (p10, p50, p90) there (what
    /// `weighted` uses). A member that can forecast the stretches within its one fit (a
    /// network: `ForecastsHeldOutStretch`) does so; the others are fitted once more without
    /// each (the local models, which are fast, and the forest).
    func fitJudging(_ panel: Panel, settings: FitSettings) throws -> (members: [(name: String, predictor: any Predictor)], validation: Validation) {
        let h = settings.horizon, levels = Self.validationLevels
        var stretches: [HeldOutStretch] = [], actuals: [[Double]] = [], lengths: [Int] = []
        for k in 1...max(1, origins) {
            let cut = k * h
            guard let (stretch, kept) = HeldOutStretch.cutting(panel, last: cut, horizon: h, levels: levels) else { break }
            stretches.append(stretch)
            actuals += kept.map { Array($0.values[($0.count - cut)..<($0.count - cut + h)]) }
            lengths += kept.map { $0.count - cut }
        }
        guard !stretches.isEmpty else { throw HorizonError("combo method=\(method.rawValue)\(calibrates ? " calibrate=yes" : ""): no series has \(h + 3) points before its holdout to validate the members on") }
        var fitted: [(name: String, predictor: any Predictor)] = [], forecasts: [PanelForecast] = []
        for (index, member) in members.enumerated() {
            let memberSettings = memberSettings(index, settings)
            var judged: [PanelForecast]?
            if let judging = member.estimator as? any ForecastsHeldOutStretch {
                let both = try judging.fit(panel, settings: memberSettings, forecasting: stretches)
                fitted.append((member.name, try Self.whole(both.predictor)))
                judged = both.heldOut
            } else {
                fitted.append((member.name, try Self.whole(member.estimator.fit(panel, settings: memberSettings))))
            }
            let perStretch = try judged ?? stretches.map { stretch in
                try Self.whole(member.estimator.fit(stretch.history, settings: memberSettings))
                    .predict(stretch.history, future: stretch.future, horizon: h, levels: levels)
            }
            forecasts.append(PanelForecast(model: member.name, items: perStretch.flatMap(\.items)))
        }
        let scored = Self.scoredLevels.map { levels.firstIndex(of: $0)! }
        let losses = forecasts.map { forecast -> Double in
            var loss = 0.0, total = 0.0
            for (i, y) in actuals.enumerated() {
                for step in 0..<h where !y[step].isNaN {
                    total += abs(y[step])
                    for l in scored { loss += 2 * Metrics.pinball(y[step], forecast.items[i].quantiles[l][step], level: levels[l]) / Double(scored.count) }
                }
            }
            return total > 0 ? loss / total : .infinity
        }
        return (fitted, Validation(forecasts: forecasts, actuals: actuals, levels: levels,
                                   weights: Self.inverseLossWeights(losses), lengths: lengths))
    }

    /// Weights proportional to 1/loss (`weighted`), summing to 1. A member that made no error
    /// at all takes all the weight (shared with any other such); one without a finite loss
    /// none; with no finite loss at all, equal weights.
    static func inverseLossWeights(_ losses: [Double]) -> [Double] {
        let inverse = losses.contains(0) ? losses.map { $0 == 0 ? 1 : 0 } : losses.map { $0.isFinite && $0 > 0 ? 1 / $0 : 0 }
        let sum = inverse.reduce(0, +)
        return sum > 0 ? inverse.map { $0 / sum } : Array(repeating: 1 / Double(losses.count), count: losses.count)
    }

    struct Validation {
        var forecasts: [PanelForecast]
        var actuals: [[Double]]
        var levels: [Double]
        var weights: [Double]
        /// Each validated series' training length (its history before the stretch it forecast).
        var lengths: [Int]
    }

    /// The options a member is fitted with inside a combination where they differ from its own
    /// defaults. The net's defaults (30 epochs, 32–64 units, 2 layers) are sized for a quick
    /// look at one model; a combination is only as good as its members, and trained longer and
    /// wider the net measured better on M3 Monthly's last training horizon (MASE 0.948 →
    /// 0.909; chosen there, not on any test split) at about 20 s on two cores. N-BEATS at 100
    /// epochs is narrowed to 64 units, which the short series of M3 Yearly and Quarterly ask for
    /// (their last training horizon, with the windows of twelve and sixteen points then the
    /// default: MASE 3.769 → 3.562 and 1.200 → 1.179) and M4 Weekly's take
    /// (OWA 0.754 either way, wQL 0.0338 → 0.0334), at a cost on M3 Monthly (0.886 → 0.910).
    static let memberOptions: [String: [String: String]] = [
        "mlp": ["epochs": "100", "hidden": "128", "layers": "4"],
        "nbeats": ["epochs": "100", "hidden": "64"],
    ]

    /// The default members: the three statistical models of the M-competition ensembles (Theta
    /// as AutoTheta, which measured better than M4's Theta inside the combination on M3 Yearly:
    /// MASE 2.546 against 2.576), M4's damped trend on the seasonally adjusted series, and three
    /// global models, which err differently from them and from each other: the quantile forest
    /// over engineered features and two nets over the raw window.
    ///
    /// Chosen on the training data's last horizon, never on a test split (MASE — M4 Weekly:
    /// OWA — on M3 Yearly, Quarterly, Monthly and M4 Weekly). The five of ets, arima,
    /// autotheta, qrf and mlp: 3.268, 1.047, 0.851, 0.850. With `damped`, weak alone (3.323,
    /// 1.181, 0.964, 0.885) but erring unlike the others: 3.238, 1.049, 0.845, 0.851. With
    /// N-BEATS beside it: 3.257, 1.053, 0.842, 0.827 — the best mean change over the four
    /// (−0.9 %, against −0.3 % for `damped` alone and −0.6 % for N-BEATS alone), though not
    /// on each (Quarterly +0.6 %).
    static let defaultMembers = ["ets", "arima", "autotheta", "damped", "qrf", "mlp", "nbeats"]

    static let spec = ModelSpec(
        name: "combo",
        summary: "a combination: the members' quantiles averaged level by level (or their median)",
        options: [
            OptionDeclaration("members", .names, default: defaultMembers.joined(separator: ","),
                              help: "the models combined, fitted with their defaults except the nets, whose options in a combination are "
                                  + memberOptions.sorted { $0.key < $1.key }.map { name, options in
                                      "\(name): " + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                                  }.joined(separator: "; ")),
            OptionDeclaration("method", .word(Method.allCases.map(\.rawValue)), default: Method.mean.rawValue,
                              help: "mean of the members' quantiles at each level, their median, a mean weighted by each member's "
                                  + "inverse wQL on the training data's last horizons (origins=), or stacked: the weights that minimise "
                                  + "the combination's wQL there"),
            OptionDeclaration("calibrate", .word(["yes", "no"]), default: "no",
                              help: "rescale the combined spread at each level to cover as often as it says on the training data's last "
                                  + "horizons (origins=; a net forecasts them within its one fit, the other members are fitted once more without each)"),
            OptionDeclaration("origins", .integer(1...4), default: "3",
                              help: "with weighted, stacked or calibrate=yes: how many of the training data's last horizons the members are judged "
                                  + "on (each one more fit of the members but a net, which forecasts them all within its one fit)"),
        ], checkValue: { key, value in
        if key == "members" { _ = try memberSpecs(value.split(separator: ",").map(String.init)) }
    }) { options in
        let names = options.names("members").isEmpty ? defaultMembers : options.names("members")
        let members = try memberSpecs(names).map { spec -> (name: String, estimator: any Estimator) in
            (spec.name, try spec.make(ModelOptions(memberOptions[spec.name] ?? [:])))
        }
        return ComboEstimator(members: members, method: Method(rawValue: options.word("method") ?? "mean") ?? .mean,
                              calibrates: options.word("calibrate") == "yes", origins: options.integer("origins") ?? 3)
    }

    /// The members' specs: at least two models, none of them a combination.
    static func memberSpecs(_ names: [String]) throws -> [ModelSpec] {
        let specs = try names.map { name -> ModelSpec in
            guard name.lowercased() != "combo", let spec = ModelCatalog.spec(named: name) else {
                throw HorizonError("combo: '\(name)' is not a model to combine (models: \(ModelCatalog.names.filter { $0 != "combo" }.joined(separator: ", ")))",
                                   suggestion: Suggestions.didYouMean(name, in: ModelCatalog.names.filter { $0 != "combo" }))
            }
            return spec
        }
        guard specs.count >= 2 else { throw HorizonError("combo needs at least two members, got \(names.joined(separator: ","))") }
        return specs
    }
}

/// The fitted members, combined at forecast time.
public struct ComboPredictor: Predictor, SummarizesFit, ReportsItem, CombinesForecasts {
    let members: [(name: String, predictor: any Predictor)]
    public var longestHorizon: Int? { members.compactMap { $0.predictor.longestHorizon }.min() }
    let method: ComboEstimator.Method
    /// Each member's weight in the mean (equal unless `weighted` or `stacked`), summing to 1.
    let weights: [Double]

    /// With `calibrate=yes`, the factor each level's distance from the median is multiplied by,
    /// at the validation levels (ascending; empty: no calibration).
    let scales: [(level: Double, scale: Double)]

    init(members: [(name: String, predictor: any Predictor)], method: ComboEstimator.Method, weights: [Double]? = nil,
         scales: [(level: Double, scale: Double)] = []) {
        self.members = members
        self.method = method
        self.weights = weights ?? Array(repeating: 1 / Double(members.count), count: members.count)
        self.scales = scales
    }

    /// For each validation level τ ≠ ½, the factor s by which the combined quantile's distance
    /// from the combined median is multiplied so that, over every series and step of the
    /// validation horizon, a fraction τ of the actuals falls below median + s·(q_τ − median).
    /// Over the points where q_τ ≠ median, with r = (y − median)/(q_τ − median): above the
    /// median that is the τ-quantile of r, below it the (1 − τ)-quantile. Kept within [¼, 4],
    /// so a short or odd validation cannot collapse or explode an interval.
    static func calibration(_ v: ComboEstimator.Validation, combine: ([Double]) -> Double) -> [(level: Double, scale: Double)] {
        guard let centre = v.levels.firstIndex(of: 0.5) else { return [] }
        // Series that keep at least two horizons of history when the last one is dropped: on
        // shorter ones the members lose too much of what they fit on, and their validation
        // errors overstate the errors of the fit on all the data.
        let horizon = v.actuals.first?.count ?? 0
        let long = v.lengths.indices.filter { v.lengths[$0] >= 2 * horizon }
        let used = long.count >= 20 ? long : Array(v.actuals.indices)
        // The combined median of each used series and step, which every level is measured from.
        var medians = [[Double]](repeating: [], count: v.actuals.count)
        for i in used { medians[i] = v.actuals[i].indices.map { step in combine(v.forecasts.map { $0.items[i].quantiles[centre][step] }) } }
        return v.levels.indices.compactMap { l -> (Double, Double)? in
            guard l != centre else { return nil }
            var ratios: [Double] = []
            for i in used {
                let y = v.actuals[i]
                for step in y.indices where !y[step].isNaN {
                    let m = medians[i][step]
                    let q = combine(v.forecasts.map { $0.items[i].quantiles[l][step] })
                    if q != m { ratios.append((y[step] - m) / (q - m)) }
                }
            }
            guard ratios.count >= 20 else { return (v.levels[l], 1) }
            ratios.sort()
            let tau = v.levels[l]
            let s = SampleQuantile.type7(sorted: ratios, tau > 0.5 ? tau : 1 - tau)
            return (tau, min(4, max(0.25, s)))
        }
    }

    /// The factor at `level`, interpolated linearly between the calibrated levels (the nearest
    /// one's outside them; 1 at the median).
    func scale(at level: Double) -> Double {
        let side = scales.filter { level < 0.5 ? $0.level < 0.5 : $0.level > 0.5 }
        guard level != 0.5, let first = side.first, let last = side.last else { return 1 }
        if level <= first.level { return first.scale }
        if level >= last.level { return last.scale }
        for (a, b) in zip(side, side.dropFirst()) where level <= b.level {
            return a.scale + (b.scale - a.scale) * (level - a.level) / (b.level - a.level)
        }
        return last.scale
    }

    /// The members' weights, or for a median only their names: it weighs none of them.
    public var fitSummary: [String] {
        ["members: " + weightedMembers.map { m in m.name + (m.weight.map { " " + NumberFormat.fixed($0, 2) } ?? "") }.joined(separator: ", ")
            + "; quantiles combined level by level by their \(method == .median ? "median" : method == .mean ? "mean" : "weighted mean")"]
            + members.flatMap { m in ((m.predictor as? any SummarizesFit)?.fitSummary ?? []).map { "\(m.name): \($0)" } }
    }

    public func itemReport(_ series: Series, in panel: Panel) -> [String] {
        members.flatMap { m in ((m.predictor as? any ReportsItem)?.itemReport(series, in: panel) ?? []).map { "\(m.name): \($0)" } }
    }

    public var weightedMembers: [(name: String, weight: Double?, predictor: any Predictor)] {
        zip(members, weights).map { ($0.name, method == .median ? nil : $1, $0.predictor) }
    }

    public func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        try combining(members.map { try $0.predictor.predict(history, future: future, horizon: horizon, levels: levels) },
                      history: history, horizon: horizon, levels: levels)
    }

    public func combining(_ forecasts: [PanelForecast], history: Panel, horizon: Int, levels: [Double]) throws -> PanelForecast {
        precondition(forecasts.count == members.count, "\(forecasts.count) forecasts for \(members.count) members")
        let items = try history.series.indices.map { i -> ItemForecast in
            let parts = forecasts.map { $0.items[i] }
            guard parts.allSatisfy({ $0.id == parts[0].id && $0.horizon == horizon && $0.levels == levels }) else {
                throw HorizonError("combo: the members' forecasts of '\(history.series[i].id)' do not line up")
            }
            var quantiles = levels.indices.map { l in (0..<horizon).map { h in combine(parts.map { $0.quantiles[l][h] }) } }
            if !scales.isEmpty {
                // The median the spread is measured from: the members' medians combined.
                let median = (0..<horizon).map { h in combine(parts.map { $0.quantile(0.5, step: h) }) }
                let floor = history.series[i].values.allSatisfy { $0.isNaN || $0 >= 0 } ? 0 : -Double.infinity
                quantiles = levels.indices.map { l in
                    let factor = scale(at: levels[l])
                    return (0..<horizon).map { h in max(floor, median[h] + factor * (quantiles[l][h] - median[h])) }
                }
                // Factors that differ by level could make neighbouring quantiles cross: sorting
                // each step's values across the levels (monotone rearrangement) never worsens a
                // quantile loss and puts them back in order.
                for h in 0..<horizon {
                    let sorted = levels.indices.map { quantiles[$0][h] }.sorted()
                    for l in levels.indices { quantiles[l][h] = sorted[l] }
                }
            }
            return ItemForecast(id: parts[0].id, firstTime: parts[0].firstTime,
                                point: (0..<horizon).map { h in combine(parts.map { $0.point[h] }) },
                                levels: levels, quantiles: quantiles)
        }
        return PanelForecast(model: "combo", items: items)
    }

    /// The members' values at one level and step, combined.
    func combine(_ values: [Double]) -> Double { Self.combine(values, method: method, weights: weights) }

    /// The same for any method and weights (the calibration combines before a predictor exists).
    static func combine(_ values: [Double], method: ComboEstimator.Method, weights: [Double]) -> Double {
        switch method {
        case .mean, .weighted, .stacked: return zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }
        case .median:
            let sorted = values.sorted(), n = sorted.count
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        }
    }
}
