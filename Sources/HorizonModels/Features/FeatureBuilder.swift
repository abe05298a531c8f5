import Foundation
import HorizonCore
import HorizonData

/// Engineered features for forecasting one series h steps past a forecast creation time, for
/// any model that learns one function across items and horizons from a flat row of named
/// features (model-specs §3.1): the forests now, any other tabular learner later. (The neural
/// models read windows instead, through `FeatureLayout`.)
///
/// A row is an (item, origin o, step h): the history is `y[0..<o]` and the target is
/// `y[o+h−1] / s`, where the level s is the mean |y| over the longest window of history (the
/// mean of the whole history when that window is all zeros, 1 when that is too). Dividing by s
/// lets one model serve large and small items; quantiles are equivariant under positive
/// scaling, so a model multiplies its predictions back by s.
///
/// The columns, in order:
/// - `step`: h, so one model serves every horizon;
/// - `lag k` for k = 1…lags: y[o−k]/s;
/// - `mean W` and `std W` for each window W: over the observed values among the last W, /s;
/// - `zero share W` for the longest window: how intermittent the item is;
/// - `seasonal lag` and `seasonal lag 2` (season m > 1): y[o+h−1−m⌈h/m⌉]/s, the same period
///   one season before the target, and the one a season before that;
/// - the calendar features of the target period (`CalendarFeatures`);
/// - for each numeric covariate c: `c` at the target period, and for a positive covariate that
///   is a price (named so, or not integer-valued) `c ratio`, c at the target over its mean
///   across the longest window, so a discount reads the same for a cheap and a dear item; a
///   covariate known only up to the forecast time (a stock-out) gives `c last` instead, its
///   value just before the origin (and the ratio of that);
/// - each categorical covariate (events) at the target period, as a category;
/// - each static attribute (category, store), as a category;
/// - `age`: periods since the item's first observation;
/// - `log level`: log s, the item's size.
///
/// Absent inputs are NaN, never zero: a lag before the item existed, a price for a product
/// line that has none, an attribute level not seen in training. Covariates at the target
/// period come from the series itself when building training rows (they are in the past
/// then) and only from `FutureCovariates` when forecasting; the target is never read at or
/// after the origin.
public struct FeatureBuilder: Sendable, Codable {
    /// Lags of the target.
    public let lags: Int
    /// Rolling windows, ascending; the last sets the level s.
    public let windows: [Int]
    public let season: Int
    /// The frequency whose calendar features are used: the data's, or plain steps when the
    /// data has no timestamps (competition files know their frequency but not their dates).
    public let calendarFrequency: Frequency
    /// The numeric covariates used, which get a ratio column, and which are known only up to
    /// the forecast time.
    public let dynamicNames: [String]
    let dynamicRatio: [Bool]
    let dynamicPastOnly: [Bool]
    /// Categorical covariates (with the training panel's vocabularies) and static attributes
    /// (with the levels seen in training).
    public let categoricalNames: [String]
    let categoricalLevels: [[String]]
    public let staticNames: [String]
    let staticLevels: [[String]]
    let calendarCount: Int
    public private(set) var columns: [FeatureColumn]

    /// The default lags for a seasonal period: a whole season, and at least a week's worth,
    /// when the season is short (daily 7, monthly 12, hourly 24, quarterly 7); otherwise 8
    /// (weekly data would need 52, yearly data has no season).
    public static func defaultLags(season: Int) -> Int { (2...28).contains(season) ? max(season, 7) : 8 }

    /// The default windows: the lags, and a long window of max(season, 4·lags) that sets the level.
    public static func defaultWindows(lags: Int, season: Int) -> [Int] {
        Array(Set([lags, max(season, 4 * lags)])).sorted()
    }

    /// Learns the schema from a training panel: which covariates exist, which are prices, and
    /// the levels of every categorical input. `pastOnly` names numeric covariates that are
    /// not known in advance (names the panel lacks are ignored).
    public init(panel: Panel, lags: Int? = nil, pastOnly: [String] = []) {
        let season = max(1, panel.season)
        let lags = max(1, lags ?? Self.defaultLags(season: season))
        self.lags = lags
        self.season = season
        self.windows = Self.defaultWindows(lags: lags, season: season)
        calendarFrequency = panel.hasTimestamps ? panel.frequency : .steps
        dynamicNames = panel.dynamicNames
        dynamicRatio = panel.dynamicNames.map { name in
            var positive = true, fractional = false, seen = false
            for s in panel.series {
                for v in s.dynamic[name] ?? [] where !v.isNaN {
                    seen = true
                    if v <= 0 { positive = false; break }
                    if v != v.rounded() { fractional = true }
                }
                if !positive { break }
            }
            return seen && positive && (fractional || name.lowercased().contains("price"))
        }
        dynamicPastOnly = panel.dynamicNames.map { pastOnly.contains($0) }
        categoricalNames = panel.categoricalNames
        categoricalLevels = panel.categoricalNames.map { panel.vocabularies[$0] ?? [] }
        staticNames = panel.staticNames
        staticLevels = panel.staticNames.map { name in Array(Set(panel.series.compactMap { $0.statics[name] })).sorted() }
        calendarCount = CalendarFeatures.names(calendarFrequency, season: season).count
        columns = []
        columns = expectedColumns
    }

    /// The columns the fields imply, in order (a saved builder's are checked against them).
    var expectedColumns: [FeatureColumn] {
        var columns = [FeatureColumn("step")]
        columns += (1...lags).map { FeatureColumn("lag \($0)") }
        for w in windows { columns += [FeatureColumn("mean \(w)"), FeatureColumn("std \(w)")] }
        columns.append(FeatureColumn("zero share \(windows.last!)"))
        if season > 1 { columns += [FeatureColumn("seasonal lag"), FeatureColumn("seasonal lag 2")] }
        columns += CalendarFeatures.names(calendarFrequency, season: season).map { FeatureColumn($0) }
        for (k, name) in dynamicNames.enumerated() {
            columns.append(FeatureColumn(dynamicPastOnly[k] ? "\(name) last" : name))
            if dynamicRatio[k] { columns.append(FeatureColumn("\(name) ratio")) }
        }
        columns += zip(categoricalNames, categoricalLevels).map { FeatureColumn($0, .categorical(levels: $1)) }
        columns += zip(staticNames, staticLevels).map { FeatureColumn($0, .categorical(levels: $1)) }
        columns += [FeatureColumn("age"), FeatureColumn("log level")]
        return columns
    }

    public var names: [String] { columns.map(\.name) }

    /// A one-line account of the features, for training reports.
    public var summary: String {
        var parts = ["step", "lags 1–\(lags)", "mean/std over " + windows.map(String.init).joined(separator: ", ")]
        if season > 1 { parts.append("seasonal lags (m = \(season))") }
        if calendarCount > 0 { parts.append("calendar") }
        // Names come from the data's header (or a model file): one line stays one line.
        parts += zip(dynamicNames, dynamicPastOnly).map { $1 ? "\(Visible.name($0)) (past only)" : Visible.name($0) }
        parts += (categoricalNames + staticNames).map(Visible.name)
        parts += ["age", "level"]
        return "\(columns.count) features: " + parts.joined(separator: ", ")
    }

    // MARK: rows

    /// Training rows: (item, origin, step) triples whose target is observed and whose history
    /// holds at least one observation, drawn uniformly without replacement (at most `maxRows`,
    /// reproducibly from `seed`), so rows come from the whole history, not only its end.
    public func trainingRows(_ panel: Panel, horizon: Int, maxRows: Int, seed: UInt64) throws -> ForecastRows {
        let picks = Self.sampleRows(panel, horizon: horizon, maxRows: maxRows, seed: seed)
        let p = columns.count
        let statics = panel.series.map(staticCodes)
        let categorical = panel.series.map { categoricalCodes($0.categorical, vocabularies: panel.vocabularies) }
        let chunk = 2048
        let parts = try parallelMap((picks.count + chunk - 1) / chunk, chunk: 1) { c -> (features: [Float], scales: [Double]) in
            let range = (c * chunk)..<min(picks.count, (c + 1) * chunk)
            var out = [Float](repeating: .nan, count: range.count * p)
            var scales: [Double] = []
            scales.reserveCapacity(range.count)
            for (r, k) in range.enumerated() {
                let pick = picks[k]
                let s = panel.series[pick.series]
                let target = pick.origin + pick.step - 1
                scales.append(fill(&out, at: r * p, history: s.values[..<pick.origin],
                                   pastDynamic: dynamicNames.map { s.dynamic[$0]?[..<pick.origin] },
                                   statics: statics[pick.series], step: pick.step, targetTime: panel.time(of: s, at: target),
                                   dynamicAtTarget: dynamicNames.map { s.dynamic[$0].map { $0[target] } ?? .nan },
                                   categoricalAtTarget: categorical[pick.series].map { $0.map { $0[target] } ?? -1 }))
            }
            return (out, scales)
        }
        let scales = Array(parts.map(\.scales).joined())
        return ForecastRows(features: FeatureMatrix(columns: columns, values: Array(parts.map(\.features).joined())),
                            scales: scales,
                            targets: zip(picks, scales).map { pick, s in panel.series[pick.series].values[pick.origin + pick.step - 1] / s },
                            steps: picks.map(\.step), series: picks.map(\.series), origins: picks.map(\.origin))
    }

    /// Rows to forecast steps 1…horizon past the end of every series of `history`, with the
    /// covariates of those steps from `future` (targets are NaN).
    public func forecastRows(_ history: Panel, future: FutureCovariates, horizon: Int) -> ForecastRows {
        let p = columns.count
        var out = [Float](repeating: .nan, count: history.count * horizon * p)
        var rows = ForecastRows(features: FeatureMatrix(columns: columns), scales: [], targets: [], steps: [], series: [], origins: [])
        for (i, s) in history.series.enumerated() {
            let statics = staticCodes(s)
            let futureDynamic = i < future.dynamic.count ? future.dynamic[i] : [:]
            let futureCategorical = categoricalCodes(i < future.categorical.count ? future.categorical[i] : [:],
                                                     vocabularies: history.vocabularies)
            for h in stride(from: 1, through: horizon, by: 1) {
                let row = rows.steps.count
                let level = fill(&out, at: row * p, history: s.values[...], pastDynamic: dynamicNames.map { s.dynamic[$0]?[...] },
                                 statics: statics, step: h, targetTime: history.time(of: s, at: s.count + h - 1),
                                 dynamicAtTarget: dynamicNames.map { name in futureDynamic[name].map { h - 1 < $0.count ? $0[h - 1] : .nan } ?? .nan },
                                 categoricalAtTarget: futureCategorical.map { $0.map { h - 1 < $0.count ? $0[h - 1] : -1 } ?? -1 })
                rows.steps.append(h)
                rows.series.append(i)
                rows.origins.append(s.count)
                rows.scales.append(level)
                rows.targets.append(.nan)
            }
        }
        rows.features = FeatureMatrix(columns: columns, values: out)
        return rows
    }

    /// The level s of a history (see the type's documentation).
    public func scale(_ history: ArraySlice<Double>) -> Double {
        let window = history.suffix(windows.last!)
        var sum = 0.0, n = 0
        for v in window where !v.isNaN { sum += abs(v); n += 1 }
        if n > 0, sum > 0 { return sum / Double(n) }
        sum = 0; n = 0
        for v in history where !v.isNaN { sum += abs(v); n += 1 }
        return n > 0 && sum > 0 ? sum / Double(n) : 1
    }

    /// Each row's recent spread in scaled units: the standard deviation over the longest
    /// window, at least 0.01 (a hundredth of the level), 1 when it is unknown. Errors divided by it
    /// compare across items as noisy and steady as they come.
    public func spreads(_ rows: ForecastRows) -> [Double] {
        let column = columns.firstIndex { $0.name == "std \(windows.last!)" }!
        return (0..<rows.count).map { r in
            let v = Double(rows.features[r, column])
            return v.isNaN ? 1 : max(0.01, v)
        }
    }

    // MARK: one row

    /// Writes one row at `out[base...]` and returns its level s. `history` is the target before
    /// the origin and `pastDynamic` the covariates over the same periods; nothing at or after
    /// the origin is visible here except the covariates of the target period, passed in by the
    /// caller.
    private func fill(_ out: inout [Float], at base: Int, history: ArraySlice<Double>, pastDynamic: [ArraySlice<Double>?],
                      statics: [Float], step h: Int, targetTime: Int64,
                      dynamicAtTarget: [Double], categoricalAtTarget: [Int32]) -> Double {
        let s = scale(history)
        let start = history.startIndex, origin = history.endIndex
        var c = base
        func put(_ v: Double) { out[c] = Float(v); c += 1 }
        put(Double(h))
        for k in 1...lags { put(origin - k >= start ? history[origin - k] / s : .nan) }
        for w in windows {
            var sum = 0.0, sq = 0.0, n = 0.0
            for v in history.suffix(w) where !v.isNaN { sum += v; sq += v * v; n += 1 }
            let mean = n > 0 ? sum / n : .nan
            put(mean / s)
            put(n > 1 ? (max(0, sq - n * mean * mean) / (n - 1)).squareRoot() / s : .nan)
        }
        do {
            var zeros = 0.0, n = 0.0
            for v in history.suffix(windows.last!) where !v.isNaN { n += 1; if v == 0 { zeros += 1 } }
            put(n > 0 ? zeros / n : .nan)
        }
        if season > 1 {
            let target = origin + h - 1
            let back = target - season * ((h + season - 1) / season)
            put(back >= start ? history[back] / s : .nan)
            put(back - season >= start ? history[back - season] / s : .nan)
        }
        for v in CalendarFeatures.values(targetTime, frequency: calendarFrequency, season: season) { put(v) }
        for (k, ratio) in dynamicRatio.enumerated() {
            let v = dynamicPastOnly[k] ? pastDynamic[k]?.last ?? .nan : dynamicAtTarget[k]
            put(v)
            if ratio {
                var sum = 0.0, n = 0.0
                if let past = pastDynamic[k] { for x in past.suffix(windows.last!) where !x.isNaN { sum += x; n += 1 } }
                put(n > 0 ? v / (sum / n) : .nan)
            }
        }
        for code in categoricalAtTarget { put(code >= 0 ? Double(code) : .nan) }
        for code in statics { out[c] = code; c += 1 }
        let first = history.firstIndex { !$0.isNaN }
        put(first.map { Double(origin - $0) } ?? .nan)
        put(first == nil ? .nan : log(s))
        return s
    }

    /// Codes of a series' static attributes in the training levels (NaN: absent or unseen).
    private func staticCodes(_ s: Series) -> [Float] {
        zip(staticNames, staticLevels).map { name, levels in
            guard let value = s.statics[name], let k = levels.firstIndex(of: value) else { return .nan }
            return Float(k)
        }
    }

    /// Categorical covariates re-coded into the training vocabularies (a panel loaded anew may
    /// number its levels differently); nil where the series lacks the covariate.
    private func categoricalCodes(_ codes: [String: [Int32]], vocabularies: [String: [String]]) -> [[Int32]?] {
        zip(categoricalNames, categoricalLevels).map { name, levels in
            guard let series = codes[name] else { return nil }
            let source = vocabularies[name] ?? []
            if source == levels { return series }
            let index = Dictionary(levels.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
            return series.map { $0 >= 0 && Int($0) < source.count ? index[source[Int($0)]] ?? -1 : -1 }
        }
    }

    // MARK: sampling

    struct Pick: Sendable { var series: Int, origin: Int, step: Int }

    /// Every candidate (series, target t, step h) with an observed target and an origin
    /// o = t − h + 1 after the first observation, thinned to `maxRows` by selection sampling
    /// (Knuth's Algorithm S: each candidate in turn is kept with probability
    /// still-needed / still-left, which yields a uniform sample in one pass, in order).
    static func sampleRows(_ panel: Panel, horizon: Int, maxRows: Int, seed: UInt64) -> [Pick] {
        let firsts = panel.series.map { $0.values.firstIndex { !$0.isNaN } }
        func steps(_ t: Int, first: Int) -> Int { min(horizon, t - first) }
        var total = 0
        for (s, first) in zip(panel.series, firsts) {
            guard let first else { continue }
            for t in (first + 1)..<max(first + 1, s.count) where !s.values[t].isNaN { total += steps(t, first: first) }
        }
        let wanted = min(total, maxRows)
        var picks: [Pick] = []
        picks.reserveCapacity(wanted)
        var rng = SeededGenerator(seed: seed ^ 0x7EE5_F0E5_7000_0001)
        var left = total
        for (i, (s, first)) in zip(panel.series, firsts).enumerated() {
            guard let first else { continue }
            for t in (first + 1)..<max(first + 1, s.count) where !s.values[t].isNaN {
                for h in stride(from: 1, through: steps(t, first: first), by: 1) {
                    if wanted == total || Double(left) * rng.uniform() < Double(wanted - picks.count) {
                        picks.append(Pick(series: i, origin: t - h + 1, step: h))
                    }
                    left -= 1
                }
            }
        }
        return picks
    }
}

/// Rows of engineered features with what a model needs to learn from them and to turn its
/// predictions back into the data's units.
public struct ForecastRows: Sendable {
    public var features: FeatureMatrix
    /// The level s of each row's history: predictions in scaled units are multiplied by it.
    public var scales: [Double]
    /// y[origin + step − 1] / scale (NaN for rows to forecast).
    public var targets: [Double]
    public var steps: [Int]
    /// Index of the row's series in its panel.
    public var series: [Int]
    public var origins: [Int]

    public var count: Int { steps.count }
}
