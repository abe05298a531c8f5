import HorizonCore
import HorizonData

/// What the networks see of a panel, fixed at training time and saved with the weights, so a
/// forecast (or a loaded model) builds its inputs exactly as training did.
///
/// Inputs, after model-specs §0.6:
/// - per window step (encoder only): the target divided by the window's scale (0 where
///   missing), an observed flag, the item's age, and the past-only covariates;
/// - per step, past and future (encoder at t, decoder at t + k): calendar features of the
///   time stamp, known-future numeric covariates (z-scored, and relative to the window's
///   warm-up mean for positive ones such as price), categorical covariates such as events
///   (as embeddings);
/// - per forecast and horizon: last season's value of the target (seasonal naive), when the
///   data has a season, and last long cycle's value (`longSeason`), both taken at or before
///   the forecast time;
/// - per item: embeddings of the static attributes (category, store, …) and log of the scale.
public struct FeatureLayout: Codable, Sendable, Equatable {
    public struct NumericCovariate: Codable, Sendable, Equatable {
        public var name: String
        public var mean: Double
        public var std: Double
        /// Strictly positive throughout training (prices): also given relative to its window mean.
        public var positive: Bool
    }

    public struct CategoricalInput: Codable, Sendable, Equatable {
        public var name: String
        /// Levels in code order; code 0 is reserved for "none/unknown", level i has code i + 1.
        public var levels: [String]
        public var dimension: Int
    }

    public var frequency: String
    public var season: Int
    /// The longer cycle the frequency implies beyond the season, when it is a multiple of it —
    /// a week of hours, 52 weeks of days — or nil. Its lag is a horizon feature of its own:
    /// without it an hourly network whose encoder reads 31 hours (MQ-CNN) cannot tell a
    /// Monday from a Sunday, since competition data carries no dates. Nil in files written
    /// before it existed, which rebuild the inputs they were trained with.
    public var longSeason: Int?
    public var hasTimestamps: Bool
    public var calendarCount: Int
    public var known: [NumericCovariate]
    public var past: [NumericCovariate]
    public var events: [CategoricalInput]
    public var statics: [CategoricalInput]
    /// The scale used when a window has no observed (non-zero) target in its warm-up:
    /// the median of the items' mean absolute values, so a new item is read at a typical size.
    public var fallbackScale: Double

    /// Features per encoder step that only the encoder sees.
    public var pastWidth: Int { 3 + past.reduce(0) { $0 + ($1.positive ? 2 : 1) } }
    /// Numeric features per step shared by encoder and decoder (before event embeddings).
    public var futureWidth: Int { calendarCount + known.reduce(0) { $0 + ($1.positive ? 2 : 1) } }
    /// The lags given per forecast and horizon, shortest first: the season, then the long cycle.
    public var lagPeriods: [Int] { season > 1 ? [season] + (longSeason.map { [$0] } ?? []) : [] }
    /// Features per forecast and horizon: each lag's value and its observed flag.
    public var lagWidth: Int { 2 * lagPeriods.count }

    /// A week of hours, 52 weeks of days (the same weekday a year before); nothing for the
    /// frequencies whose season already is the year.
    static func longSeason(_ frequency: Frequency, season: Int) -> Int? {
        let cycle: Int
        switch frequency {
        case .hourly: cycle = 168
        case .daily: cycle = 364
        default: return nil
        }
        return season > 1 && cycle > season && cycle % season == 0 ? cycle : nil
    }
    public var eventEmbeddingWidth: Int { events.reduce(0) { $0 + $1.dimension } }
    public var staticWidth: Int { statics.reduce(0) { $0 + $1.dimension } + 1 }

    /// Learns the layout from the training panel; `pastNames` are the covariates known only
    /// up to the forecast time.
    public static func learn(from panel: Panel, pastNames: [String]) throws -> FeatureLayout {
        for name in pastNames where !panel.dynamicNames.contains(name) {
            throw HorizonError("'past=\(name)': the data has no numeric covariate '\(name)'"
                               + (panel.dynamicNames.isEmpty ? " (it has none)" : " (it has \(panel.dynamicNames.joined(separator: ", ")))"),
                               suggestion: Suggestions.didYouMean(name, in: panel.dynamicNames))
        }
        func numeric(_ name: String) -> NumericCovariate {
            var sum = 0.0, sumSquares = 0.0, count = 0.0, positive = true
            for s in panel.series {
                for v in s.dynamic[name] ?? [] where !v.isNaN {
                    sum += v; sumSquares += v * v; count += 1
                    if v <= 0 { positive = false }
                }
            }
            let mean = count > 0 ? sum / count : 0
            let variance = count > 1 ? max(0, sumSquares / count - mean * mean) : 0
            return NumericCovariate(name: name, mean: mean, std: variance > 0 ? variance.squareRoot() : 1, positive: positive && count > 0)
        }
        func categorical(_ name: String, levels: [String]) -> CategoricalInput {
            CategoricalInput(name: name, levels: levels, dimension: min(16, max(2, (levels.count + 2) / 2)))
        }
        var scales: [Double] = []
        for s in panel.series {
            let observed = s.values.filter { !$0.isNaN }
            let m = observed.reduce(0) { $0 + abs($1) } / Double(max(observed.count, 1))
            if m > 0 { scales.append(m) }
        }
        scales.sort()
        let staticNames = panel.staticNames
        return FeatureLayout(
            frequency: panel.frequency.code, season: panel.season,
            longSeason: longSeason(panel.frequency, season: panel.season), hasTimestamps: panel.hasTimestamps,
            calendarCount: calendarNames(panel).count,
            known: panel.dynamicNames.filter { !pastNames.contains($0) }.map(numeric),
            past: pastNames.map(numeric),
            events: panel.categoricalNames.map { categorical($0, levels: panel.vocabularies[$0] ?? []) },
            statics: staticNames.map { name in
                categorical(name, levels: Array(Set(panel.series.compactMap { $0.statics[name] })).sorted())
            },
            fallbackScale: scales.isEmpty ? 1 : scales[scales.count / 2])
    }

    /// Calendar features from real time stamps; data without them (competition layouts) gets
    /// the position within the season instead.
    static func calendarNames(_ panel: Panel) -> [String] {
        panel.hasTimestamps ? CalendarFeatures.names(panel.frequency, season: panel.season)
            : CalendarFeatures.names(.steps, season: panel.season)
    }

    static func calendarValues(_ panel: Panel, time: Int64) -> [Double] {
        panel.hasTimestamps ? CalendarFeatures.values(time, frequency: panel.frequency, season: panel.season)
            : CalendarFeatures.values(time, frequency: .steps, season: panel.season)
    }
}

extension FeatureLayout.CategoricalInput {
    /// Layout codes (0 = none/unknown) for a panel's codes of this input, mapped by level name,
    /// so a model applies to data whose vocabulary lists levels in another order.
    func codeMap(from vocabulary: [String]) -> [Int32] {
        let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0 + 1)) })
        return vocabulary.map { index[$0] ?? 0 }
    }
}
