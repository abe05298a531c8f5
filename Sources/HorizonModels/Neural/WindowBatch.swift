import HorizonCore
import HorizonData

/// The inputs and targets of a batch of windows, as flat Float32 arrays ready to become
/// tensors. Shapes (B windows, T context, F forks, K horizon):
/// `past` (B, T, pastWidth), `future` (B, T+K, futureWidth), `lags` (B, F, K, lagWidth),
/// `events[e]` (B, T+K) codes, `statics[s]` (B) codes, `logScale`, `location` and `scale` (B),
/// `targets` and `mask` (B, F, K). Targets are in the data's own units; the networks read and
/// predict the target standardised by its window's warm-up, (y − location)/scale.
struct WindowBatch {
    let size: Int, context: Int, forks: Int, horizon: Int
    var past: [Float], future: [Float], lags: [Float]
    var events: [[Int32]], statics: [[Int32]]
    var logScale: [Float], location: [Float], scale: [Float]
    var targets: [Float], mask: [Float]

    init(size: Int, layout: FeatureLayout, context: Int, forks: Int, horizon: Int) {
        self.size = size
        self.context = context
        self.forks = forks
        self.horizon = horizon
        past = [Float](repeating: 0, count: size * context * layout.pastWidth)
        future = [Float](repeating: 0, count: size * (context + horizon) * layout.futureWidth)
        lags = [Float](repeating: 0, count: size * forks * horizon * layout.lagWidth)
        events = layout.events.map { _ in [Int32](repeating: 0, count: size * (context + horizon)) }
        statics = layout.statics.map { _ in [Int32](repeating: 0, count: size) }
        logScale = [Float](repeating: 0, count: size)
        location = [Float](repeating: 0, count: size)
        scale = [Float](repeating: 1, count: size)
        targets = [Float](repeating: 0, count: size * forks * horizon)
        mask = [Float](repeating: 0, count: size * forks * horizon)
    }
}

/// One series prepared for window building: its target, covariates over the history and the
/// horizon after it, calendar features and codes, computed once so cutting a window is copying.
struct SeriesInputs {
    /// The target, NaN where missing.
    let values: [Float]
    /// Targets at positions ≥ `targetLimit` are never used as training targets (the
    /// validation period, or nothing past the history).
    let targetLimit: Int
    /// Calendar features for positions −padding ..< count + horizon, row-major.
    let calendar: [Float]
    let padding: Int
    /// Raw known covariates over 0 ..< count + horizon (NaN unknown), raw past covariates over the history.
    let known: [[Double]], past: [[Double]]
    /// Event codes (layout codes, 0 none) over 0 ..< count + horizon.
    let events: [[Int32]]
    let statics: [Int32]
    /// Observed points up to and including each position, for the age feature.
    let observedSoFar: [Float]

    var count: Int { values.count }

    /// `future` supplies the known covariates after the history (inference); without it the
    /// positions after the series are unknown (training windows never need them as inputs
    /// beyond the data, since their targets there are masked).
    init(series: Series, panel: Panel, layout: FeatureLayout, horizon: Int, padding: Int, targetLimit: Int,
         futureDynamic: [String: [Double]]? = nil, futureCategorical: [String: [Int32]]? = nil, codeMaps: [[Int32]]) {
        values = series.values.map { Float($0) }
        self.targetLimit = targetLimit
        self.padding = padding
        let n = series.count, total = n + horizon
        var calendar: [Float] = []
        calendar.reserveCapacity((padding + total) * layout.calendarCount)
        for p in -padding..<total {
            for v in FeatureLayout.calendarValues(panel, time: panel.time(of: series, at: p)) { calendar.append(Float(v)) }
        }
        self.calendar = calendar
        known = layout.known.map { c in
            var v = series.dynamic[c.name] ?? [Double](repeating: .nan, count: n)
            let ahead = futureDynamic?[c.name] ?? []
            for h in 0..<horizon { v.append(h < ahead.count ? ahead[h] : .nan) }
            return v
        }
        past = layout.past.map { series.dynamic[$0.name] ?? [Double](repeating: .nan, count: n) }
        events = layout.events.enumerated().map { e, input in
            let map = codeMaps[e]
            func code(_ c: Int32) -> Int32 { c >= 0 && Int(c) < map.count ? map[Int(c)] : 0 }
            var codes = (series.categorical[input.name] ?? [Int32](repeating: -1, count: n)).map(code)
            let ahead = futureCategorical?[input.name] ?? []
            for h in 0..<horizon { codes.append(h < ahead.count ? code(ahead[h]) : 0) }
            return codes
        }
        statics = layout.statics.map { input in
            guard let v = series.statics[input.name], let i = input.levels.firstIndex(of: v) else { return 0 }
            return Int32(i + 1)
        }
        var seen: Float = 0
        observedSoFar = series.values.map { if !$0.isNaN { seen += 1 }; return seen }
    }
}

/// Cuts windows out of prepared series into a `WindowBatch`.
struct WindowBuilder {
    let layout: FeatureLayout
    let context: Int, forks: Int, horizon: Int

    /// Fills slot `b` with the window whose last forecast creation time is position `end` of
    /// `s` (window positions 0 ..< T map to series positions end − T + 1 ... end).
    func fill(_ batch: inout WindowBatch, slot b: Int, series s: SeriesInputs, end: Int) {
        let T = context, F = forks, K = horizon
        let first = end - T + 1
        // Window positions 0 ... warmUp are known at every forecast creation time of the window
        // (the first one is at warmUp), so the standardisation and the reference levels come
        // from there.
        let warmUp = T - F
        let (location, scale, level) = standardisation(s, first: first, warmUp: warmUp)
        batch.location[b] = location
        batch.scale[b] = scale
        batch.logScale[b] = Self.compressedLog(level)
        for (k, code) in s.statics.enumerated() { batch.statics[k][b] = code }

        // Encoder-only features.
        let pw = layout.pastWidth
        let pastRelative = layout.past.indices.map { warmUpMean(s.past[$0], first: first, warmUp: warmUp) }
        for q in 0..<T {
            let i = first + q
            guard i >= 0, i < s.count else { continue }
            var o = (b * T + q) * pw
            let y = s.values[i]
            batch.past[o] = y.isNaN ? 0 : (y - location) / scale
            batch.past[o + 1] = y.isNaN ? 0 : 1
            batch.past[o + 2] = Self.compressedLog(s.observedSoFar[i])
            o += 3
            for (c, covariate) in layout.past.enumerated() {
                let v = s.past[c][i]
                batch.past[o] = Self.zScore(v, covariate); o += 1
                if covariate.positive { batch.past[o] = Self.relative(v, pastRelative[c]); o += 1 }
            }
        }

        // Features shared by encoder and decoder, over the window and the K steps after it.
        let fw = layout.futureWidth, cc = layout.calendarCount
        let knownRelative = layout.known.indices.map { warmUpMean(s.known[$0], first: first, warmUp: warmUp) }
        for q in 0..<(T + K) {
            let i = first + q
            var o = (b * (T + K) + q) * fw
            let row = (i + s.padding) * cc
            if row >= 0, row + cc <= s.calendar.count {
                for c in 0..<cc { batch.future[o + c] = s.calendar[row + c] }
            }
            o += cc
            for (c, covariate) in layout.known.enumerated() {
                let v = i >= 0 && i < s.known[c].count ? s.known[c][i] : .nan
                batch.future[o] = Self.zScore(v, covariate); o += 1
                if covariate.positive { batch.future[o] = Self.relative(v, knownRelative[c]); o += 1 }
            }
            for e in layout.events.indices {
                batch.events[e][b * (T + K) + q] = i >= 0 && i < s.events[e].count ? s.events[e][i] : 0
            }
        }

        // Per forecast and horizon: targets, mask, and each lag's latest same-phase value.
        let periods = layout.lagPeriods, lw = layout.lagWidth
        for f in 0..<F {
            let p = first + warmUp + f  // the series position of this forecast creation time
            for k in 1...K {
                let slot = (b * F + f) * K + (k - 1)
                let i = p + k
                if i >= 0, i < s.targetLimit, i < s.count, !s.values[i].isNaN {
                    batch.targets[slot] = s.values[i]
                    batch.mask[slot] = 1
                }
                for (l, m) in periods.enumerated() {
                    let lag = p + k - m * ((k + m - 1) / m)  // the latest same-phase point at or before p
                    if lag >= 0, lag < s.count, lag <= p, !s.values[lag].isNaN {
                        batch.lags[slot * lw + 2 * l] = (s.values[lag] - location) / scale
                        batch.lags[slot * lw + 2 * l + 1] = 1
                    }
                }
            }
        }
    }

    /// The warm-up's mean and standard deviation over its observed points, and its mean |y|
    /// (the level, an input of its own). Standardising — not only dividing by the level —
    /// lets a series that barely moves around a high level (a third of M4 Hourly) be read at
    /// the size of its movements, where a forecast within its noise is learnable.
    ///
    /// The spread has a floor of 5 % of the level: a warm-up that is flat, or holds one point,
    /// would otherwise blow its differences up to any size. A warm-up with nothing observed is
    /// read around zero at a typical size (the layout's fallback).
    func standardisation(_ s: SeriesInputs, first: Int, warmUp: Int) -> (location: Float, scale: Float, level: Float) {
        var total: Double = 0, absolute: Double = 0, squares: Double = 0, count: Double = 0
        for q in 0...warmUp {
            let i = first + q
            guard i >= 0, i < s.count, !s.values[i].isNaN else { continue }
            let y = Double(s.values[i])
            total += y; absolute += abs(y); squares += y * y; count += 1
        }
        guard count > 0 else { return (0, Float(layout.fallbackScale), Float(layout.fallbackScale)) }
        let mean = total / count, level = absolute / count
        let std = max(0, squares / count - mean * mean).squareRoot()
        var scale = max(std, 0.05 * level)
        if !(scale > 0) { scale = 0.05 * layout.fallbackScale }
        return (Float(mean), Float(scale), Float(level))
    }

    private func warmUpMean(_ values: [Double], first: Int, warmUp: Int) -> Double {
        var total = 0.0, count = 0.0
        for q in 0...warmUp {
            let i = first + q
            guard i >= 0, i < values.count, !values[i].isNaN else { continue }
            total += values[i]; count += 1
        }
        return count > 0 ? total / count : .nan
    }

    static func zScore(_ v: Double, _ c: FeatureLayout.NumericCovariate) -> Float {
        v.isNaN ? 0 : Float(max(-10, min(10, (v - c.mean) / c.std)))
    }

    static func relative(_ v: Double, _ reference: Double) -> Float {
        guard !v.isNaN, reference > 0 else { return 0 }
        return Float(max(-5, min(5, v / reference - 1)))
    }

    /// log(1 + x)/5: sizes and ages spanning orders of magnitude, brought to about unit range.
    static func compressedLog(_ x: Float) -> Float { Float(log1p(Double(x))) / 5 }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
