/// One time series with its covariates, on a regular grid.
public struct Series: Sendable {
    public var id: String
    /// The time of `values[0]`: seconds since 1970 for calendar data, a step number otherwise.
    public var start: Int64
    /// The target, NaN where missing.
    public var values: [Double]
    /// Numeric covariates over time (price, promo, …), aligned with `values`, NaN where missing.
    public var dynamic: [String: [Double]]
    /// Categorical covariates over time (event names, …) as codes into the panel's vocabulary;
    /// -1 where missing.
    public var categorical: [String: [Int32]]
    /// Attributes constant for the series (category, store, …).
    public var statics: [String: String]

    public init(id: String, start: Int64 = 0, values: [Double], dynamic: [String: [Double]] = [:],
                categorical: [String: [Int32]] = [:], statics: [String: String] = [:]) {
        self.id = id
        self.start = start
        self.values = values
        self.dynamic = dynamic
        self.categorical = categorical
        self.statics = statics
    }

    public var count: Int { values.count }

    /// Number of observed (non-missing) target values.
    public var observedCount: Int { values.reduce(0) { $1.isNaN ? $0 : $0 + 1 } }

    /// The series without its last `n` points (covariates cut alike).
    public func droppingLast(_ n: Int) -> Series {
        let keep = max(0, count - n)
        var copy = self
        copy.values = Array(values.prefix(keep))
        copy.dynamic = dynamic.mapValues { Array($0.prefix(keep)) }
        copy.categorical = categorical.mapValues { Array($0.prefix(keep)) }
        return copy
    }
}

/// A panel: many series sharing a frequency, a seasonal period and covariate names.
///
/// This is the one data structure every model consumes, so each later model (ETS, forests,
/// neural nets) sees covariates the same way.
public struct Panel: Sendable {
    public var series: [Series]
    public var frequency: Frequency
    /// The seasonal period used by seasonal models and MASE.
    public var season: Int
    /// Whether `Series.start` holds real timestamps (false: step numbers).
    public var hasTimestamps: Bool
    public var targetName: String
    public var dynamicNames: [String]
    public var categoricalNames: [String]
    public var staticNames: [String]
    /// The levels behind each categorical covariate's codes.
    public var vocabularies: [String: [String]]
    private var indexByID: [String: Int]

    public init(series: [Series], frequency: Frequency, season: Int, hasTimestamps: Bool,
                targetName: String = "target", dynamicNames: [String] = [], categoricalNames: [String] = [],
                staticNames: [String] = [], vocabularies: [String: [String]] = [:]) {
        self.series = series
        self.frequency = frequency
        self.season = season
        self.hasTimestamps = hasTimestamps
        self.targetName = targetName
        self.dynamicNames = dynamicNames
        self.categoricalNames = categoricalNames
        self.staticNames = staticNames
        self.vocabularies = vocabularies
        var index: [String: Int] = [:]
        for (i, s) in series.enumerated() { index[s.id] = i }
        self.indexByID = index
    }

    public var count: Int { series.count }
    public var ids: [String] { series.map(\.id) }

    public func index(of id: String) -> Int? { indexByID[id] }
    public subscript(id: String) -> Series? { indexByID[id].map { series[$0] } }

    /// The time of position `t` of series `i` (t may run past the end, for forecasts).
    public func time(of series: Series, at t: Int) -> Int64 {
        hasTimestamps ? frequency.advance(series.start, by: t) : series.start + Int64(t)
    }

    /// A human-readable time label.
    public func timeLabel(_ time: Int64) -> String {
        guard hasTimestamps else { return String(time) }
        return Timestamp.format(time, withTime: frequency == .hourly)
    }

    /// The panel with `counts[i]` points removed from the end of series i.
    public func droppingLast(_ counts: [Int]) -> Panel {
        var copy = self
        copy.series = zip(series, counts).map { $0.droppingLast($1) }
        return copy
    }

    /// The panel with the same covariates but different series (e.g. a subset).
    public func replacingSeries(_ newSeries: [Series]) -> Panel {
        Panel(series: newSeries, frequency: frequency, season: season, hasTimestamps: hasTimestamps,
              targetName: targetName, dynamicNames: dynamicNames, categoricalNames: categoricalNames,
              staticNames: staticNames, vocabularies: vocabularies)
    }
}

extension Panel {
    /// A 64-bit FNV-1a hash of every series' id, start, length and values: the same data gives
    /// the same fingerprint on any machine, so a saved model or a logged run can tell whether it
    /// is looking at the data it came from.
    public var fingerprint: String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ v: UInt64) {
            var x = v
            for _ in 0..<8 { h = (h ^ (x & 0xFF)) &* 0x0000_0100_0000_01B3; x >>= 8 }
        }
        for s in series {
            for b in s.id.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            mix(UInt64(bitPattern: s.start))
            mix(UInt64(s.count))
            for v in s.values { mix(v.isNaN ? 0x7FF8_0000_0000_0000 : v.bitPattern) }
        }
        return String(h, radix: 16)
    }
}
