import HorizonCore

/// Features turned into one-byte bins before any tree is grown, as LightGBM does.
///
/// Why bins rather than sorted features: a split search then builds a 255-slot histogram of
/// the node's rows in one pass over bytes (no sorting, no per-feature index lists), and all
/// trees share one small byte matrix (rows × features bytes, a quarter of the Float32
/// features). Measured on the retail demo (60,000 rows × 24 features, 100-tree forest and
/// qrf, release build): sorting each node's rows by every candidate feature took 87 s of CPU,
/// the histograms 7.2 s, for identical trees (both searched the same bins). Presorting once
/// instead would keep a sorted index list per feature and partition all p of them at every
/// split, about p/mtry = 3 times the row passes of a histogram search, plus p·n indices per
/// tree (not measured). With at most 255 distinct values a numeric feature's bins are exact;
/// above that, bins of equal counts only restrict where a threshold can fall.
///
/// Numeric feature: bin b holds the values in (t[b−1], t[b]] for ascending thresholds t, each
/// the midpoint between neighbouring training values. Categorical feature: the bin is the
/// level code (levels past the 255th share the last bin). Bin 255 marks a missing value.
public struct FeatureBinning: Sendable {
    public static let missing: UInt8 = 255
    public static let maxBins = 255

    /// Ascending thresholds of each numeric feature (empty for categorical ones).
    public let thresholds: [[Float]]
    public let isCategorical: [Bool]

    /// Thresholds as a saved forest holds them (checked by its loader).
    init(thresholds: [[Float]], isCategorical: [Bool]) {
        self.thresholds = thresholds
        self.isCategorical = isCategorical
    }

    public init(_ features: FeatureMatrix) throws {
        let n = features.rowCount, p = features.columnCount
        isCategorical = features.columns.map(\.isCategorical)
        let categorical = isCategorical
        thresholds = try parallelMap(p, chunk: 1) { f -> [Float] in
            guard !categorical[f] else { return [] }
            var values: [Float] = []
            values.reserveCapacity(n)
            for r in 0..<n { let v = features.values[r * p + f]; if !v.isNaN { values.append(v) } }
            return Self.thresholds(sortedValues: values.sorted())
        }
    }

    /// Thresholds splitting sorted values into at most 255 bins of about equal counts, never
    /// separating equal values.
    static func thresholds(sortedValues v: [Float]) -> [Float] {
        guard !v.isEmpty else { return [] }
        var distinct: [(value: Float, count: Int)] = []
        for x in v {
            if let last = distinct.last, last.value == x { distinct[distinct.count - 1].count += 1 } else { distinct.append((x, 1)) }
        }
        func between(_ a: Float, _ b: Float) -> Float {
            let mid = a + (b - a) / 2
            return mid < b ? mid : a
        }
        if distinct.count <= maxBins {
            return (1..<distinct.count).map { between(distinct[$0 - 1].value, distinct[$0].value) }
        }
        var result: [Float] = []
        var seen = 0
        for k in 0..<(distinct.count - 1) {
            seen += distinct[k].count
            // Close a bin once it reaches its share of the values, keeping room for the rest.
            if Double(seen) >= Double(v.count) * Double(result.count + 1) / Double(maxBins), result.count < maxBins - 1 {
                result.append(between(distinct[k].value, distinct[k + 1].value))
            }
        }
        return result
    }

    /// The bin of `value` for feature `f`.
    @inline(__always)
    public func bin(_ value: Float, feature f: Int) -> UInt8 {
        if value.isNaN { return Self.missing }
        if isCategorical[f] { return UInt8(min(Float(Self.maxBins - 1), max(0, value))) }
        // The number of thresholds below the value.
        let t = thresholds[f]
        var lo = 0, hi = t.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if t[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return UInt8(lo)
    }

    /// The bins of a whole matrix, row-major like the features (`bins[r * features + f]`), so
    /// the bins of one row share a cache line.
    public func binned(_ features: FeatureMatrix) throws -> BinnedFeatures {
        let n = features.rowCount, p = features.columnCount
        let chunk = 4096
        let parts = try parallelMap((n + chunk - 1) / chunk, chunk: 1) { c -> [UInt8] in
            let rows = (c * chunk)..<min(n, (c + 1) * chunk)
            var out = [UInt8](repeating: 0, count: rows.count * p)
            for (k, r) in rows.enumerated() {
                for f in 0..<p { out[k * p + f] = bin(features.values[r * p + f], feature: f) }
            }
            return out
        }
        return BinnedFeatures(rows: n, features: p, bins: Array(parts.joined()))
    }

    /// The bins of one row.
    public func binnedRow(_ row: ArraySlice<Float>) -> [UInt8] {
        row.enumerated().map { bin($0.element, feature: $0.offset) }
    }
}

/// A row-major matrix of bins.
public struct BinnedFeatures: Sendable {
    public let rows: Int
    public let features: Int
    public let bins: [UInt8]
}
