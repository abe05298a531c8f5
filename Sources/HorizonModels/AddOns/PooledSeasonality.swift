import HorizonCore
import HorizonData
import HorizonForecast

/// `+seasonality`: a multiplicative seasonal profile per category, pooled across the category's
/// items, so an item with less than a season of history still gets a seasonal shape (the
/// spec's §2.1).
///
/// Estimation, per group (static attribute `by`, default `category`):
/// 1. each item's ratio to its centred moving average of order m (classical decomposition,
///    §1.3) at every position of the season, where the average exists;
/// 2. the group's index at a position is Σ y / Σ trend over its items and years (a ratio of
///    totals, robust to zeros), shrunk toward 1 by `prior` pseudo-observations of average
///    trend, then normalised to mean 1;
/// 3. an item's own profile (the same ratio over its own data) is blended with its group's
///    with weight s/(s + 1), s its number of seasons with a trend estimate, so long items keep
///    their own shape and new items take the category's.
/// The inner model then forecasts y/SI, and its point and quantiles are multiplied by the
/// future indices. Positions are calendar positions (`SeasonPosition`), so items that start
/// in different weeks share one profile.
public struct PooledSeasonality: Estimator {
    public var inner: any Estimator
    public var groupKey: String?
    public var prior = 2.0

    static let spec = AddOnSpec(
        name: "seasonality",
        summary: "a seasonal profile per category, pooled over its items (new items get the category's shape)",
        options: [OptionDeclaration("by", .word(["category", "none"]), help: "the static attribute that groups items (default category)")]
    ) { options, inner in
        PooledSeasonality(inner: inner, groupKey: options.word("by") == "none" ? nil : options.word("by") ?? "category")
    }

    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        let m = panel.season
        guard m > 1 else { throw HorizonError("+seasonality needs a season longer than 1 (this data has season \(m); try 'set season N')") }
        let key = groupKey.flatMap { panel.staticNames.contains($0) ? $0 : nil }
        // Σ y and Σ trend by group and position, and by item.
        var groupSums: [String: (y: [Double], trend: [Double])] = [:]
        var itemProfiles: [String: (y: [Double], trend: [Double], seasons: Double)] = [:]
        var allY = [Double](repeating: 0, count: m), allTrend = [Double](repeating: 0, count: m)
        var observations = 0.0
        for s in panel.series {
            let (y, trend, count) = Self.ratioSums(panel, s)
            observations += count
            let g = panel.group(of: s, by: key)
            var sums = groupSums[g] ?? ([Double](repeating: 0, count: m), [Double](repeating: 0, count: m))
            for p in 0..<m { sums.y[p] += y[p]; sums.trend[p] += trend[p]; allY[p] += y[p]; allTrend[p] += trend[p] }
            groupSums[g] = sums
            if trend.allSatisfy({ $0 > 0 }) { itemProfiles[s.id] = (y, trend, count / Double(m)) }
        }
        // The weight of one pseudo-observation: the average trend value.
        let typical = observations > 0 ? allTrend.reduce(0, +) / observations : 1
        var profiles = groupSums.mapValues { Self.profile($0.y, $0.trend, prior: prior * typical) }
        profiles["all"] = Self.profile(allY, allTrend, prior: prior * typical)
        let own = itemProfiles.mapValues { (Self.profile($0.y, $0.trend, prior: prior * typical), $0.seasons) }
        let indices = SeasonalProfiles(groupKey: key, profiles: profiles, itemProfiles: own)
        return SeasonalityPredictor(inner: try inner.fit(indices.adjust(panel), settings: settings), indices: indices)
    }

    /// Σ y and Σ centred moving average by season position for one series, and how many
    /// observations they sum.
    static func ratioSums(_ panel: Panel, _ s: Series) -> (y: [Double], trend: [Double], count: Double) {
        let m = panel.season, n = s.count, half = m / 2
        var ySum = [Double](repeating: 0, count: m), trendSum = [Double](repeating: 0, count: m)
        var count = 0.0
        guard n > 2 * half else { return (ySum, trendSum, 0) }
        let v = s.values
        for t in half..<(n - half) where !v[t].isNaN {
            var sum = 0.0, ok = true
            if m % 2 == 0 {
                sum = 0.5 * (v[t - half] + v[t + half])
                for k in (t - half + 1)...(t + half - 1) { sum += v[k] }
            } else {
                for k in (t - half)...(t + half) { sum += v[k] }
            }
            if sum.isNaN { ok = false }
            guard ok, sum > 0 else { continue }
            let p = SeasonPosition.of(panel, s, step: t)
            ySum[p] += v[t]
            trendSum[p] += sum / Double(m)
            count += 1
        }
        return (ySum, trendSum, count)
    }

    /// (Σy + w)/(Σtrend + w) per position, w the prior's weight, normalised to mean 1.
    static func profile(_ y: [Double], _ trend: [Double], prior: Double) -> [Double] {
        let m = y.count
        var p = (0..<m).map { (y[$0] + prior) / (trend[$0] + prior) }
        let mean = p.reduce(0, +) / Double(m)
        p = p.map { max($0 / mean, 1e-3) }
        return p
    }
}

/// The fitted indices: by group, and items' own.
struct SeasonalProfiles: Sendable {
    let groupKey: String?
    /// By group (and "all"): the index at each season position.
    let profiles: [String: [Double]]
    /// Items with a full season of their own: their profile and how many seasons it rests on.
    let itemProfiles: [String: (profile: [Double], seasons: Double)]

    /// The indices used for one series: its own profile blended with its group's.
    func profile(_ panel: Panel, _ s: Series) -> [Double] {
        let group = profiles[panel.group(of: s, by: groupKey)] ?? profiles["all"]!
        guard let own = itemProfiles[s.id] else { return group }
        let w = own.seasons / (own.seasons + 1)
        return zip(own.profile, group).map { w * $0 + (1 - w) * $1 }
    }

    func adjust(_ panel: Panel) -> Panel {
        panel.replacingValues(panel.series.map { s in
            let si = profile(panel, s)
            return s.values.indices.map { s.values[$0] / si[SeasonPosition.of(panel, s, step: $0)] }
        })
    }
}

public struct SeasonalityPredictor: Predictor, SummarizesFit, ReportsItem {
    let inner: any Predictor
    public var longestHorizon: Int? { inner.longestHorizon }
    let indices: SeasonalProfiles

    /// The profile the item's forecast is multiplied by: its peak and trough, and how much
    /// of it is the item's own.
    public func itemReport(_ series: Series, in panel: Panel) -> [String] {
        let profile = indices.profile(panel, series)
        let top = profile.indices.max { profile[$0] < profile[$1] } ?? 0, bottom = profile.indices.min { profile[$0] < profile[$1] } ?? 0
        let own = indices.itemProfiles[series.id].map { "blended with its own over \(NumberFormat.fixed($0.seasons, 1)) seasons" } ?? "its group's alone"
        return combinedItemReport(["+seasonality: peak ×\(NumberFormat.fixed(profile[top], 2)) at position \(top + 1), trough ×\(NumberFormat.fixed(profile[bottom], 2)) "
                                   + "at position \(bottom + 1) (the profile of \(panel.group(of: series, by: indices.groupKey)), \(own))"], inner: inner, series, panel)
    }

    public var fitSummary: [String] {
        let profiles = indices.profiles
        let groups = profiles.keys.filter { $0 != "all" }.sorted()
        let peaks = groups.map { g -> String in
            let p = profiles[g]!
            let top = p.indices.max { p[$0] < p[$1] }!
            return "\(g) peak ×\(NumberFormat.fixed(p[top], 2)) at position \(top + 1)"
        }
        return combinedReport(["+seasonality: \(groups.count) pooled profiles (\(peaks.prefix(4).joined(separator: "; "))\(groups.count > 4 ? "; …" : ""))"],
                              inner: inner)
    }

    public func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        let base = try inner.predict(indices.adjust(history), future: future, horizon: horizon, levels: levels)
        let factors = history.series.map { s -> [Double] in
            let si = indices.profile(history, s)
            return (0..<horizon).map { si[SeasonPosition.of(history, s, step: s.count + $0)] }
        }
        return base.scaled(by: factors)
    }
}
