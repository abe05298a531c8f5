/// The best split of one node on one feature, found from a histogram of the node's rows over
/// the feature's bins (CART variance reduction).
///
/// The gain of sending rows L left and R right is the drop in the weighted sum of squared
/// errors, SL²/WL + SR²/WR − S²/W (S: weighted sum of targets, W: total weight). Missing values
/// are handled natively, as XGBoost and LightGBM do: every threshold is tried with the node's
/// missing rows sent left and sent right, plus the split "observed | missing" itself, and the
/// better direction is kept; a node that saw no missing values sends them to its heavier child.
/// A categorical feature's levels are ordered by their mean target in the node and split like
/// an ordered feature (for squared error this ordering holds the best of all 2^(k−1) subsets,
/// Breiman et al. 1984 §9.4); levels absent from the node follow the missing values.
final class SplitSearch {
    struct Split {
        var feature: Int
        var gain: Double
        /// Numeric: rows with a bin ≤ this go left.
        var bin: UInt8
        /// Categorical: the bins that go left (nil for a numeric split).
        var categories: SIMD4<UInt64>?
        var missingLeft: Bool
    }

    /// Per feature slot and bin: (weighted sum of targets, weight), side by side so one vector
    /// add updates both.
    private let histogram: UnsafeMutablePointer<SIMD2<Double>>
    /// Per feature slot, one bit per bin that holds rows of the current node.
    private let occupied: UnsafeMutablePointer<UInt64>
    private let slots: Int
    /// The current feature's occupied bins, in scan order, and their mean targets.
    private let present = UnsafeMutablePointer<Int>.allocate(capacity: 256)
    private let means = UnsafeMutablePointer<Double>.allocate(capacity: 256)
    let minLeaf: Double

    /// `slots`: the most features one sweep handles.
    init(minLeaf: Int, slots: Int) {
        self.minLeaf = Double(minLeaf)
        self.slots = max(1, slots)
        histogram = .allocate(capacity: self.slots * 256)
        histogram.initialize(repeating: .zero, count: self.slots * 256)
        occupied = .allocate(capacity: self.slots * 4)
        occupied.initialize(repeating: 0, count: self.slots * 4)
        present.initialize(repeating: 0, count: 256)
        means.initialize(repeating: 0, count: 256)
    }

    deinit {
        histogram.deallocate()
        occupied.deallocate()
        present.deallocate()
        means.deallocate()
    }

    /// Builds the histograms of `features` (at most `slots` of them) over a node's rows in one
    /// sweep. `bins` is row-major (`bins[row * width + feature]`), so each row's bins share a
    /// cache line and a deep node's scattered rows cost one miss each, not one per feature;
    /// consecutive updates go to different features' histograms, so they do not wait on each
    /// other's stores. `stats` holds each row's (weight × target, weight), in `rows` order.
    func accumulate(_ features: ArraySlice<Int>, bins: UnsafePointer<UInt8>, width: Int,
                    rows: UnsafeBufferPointer<Int32>, stats: UnsafeBufferPointer<SIMD2<Double>>) {
        let k = features.count
        precondition(k <= slots, "more features than histogram slots")
        let start = features.startIndex
        if rows.count >= 256 {
            for i in 0..<rows.count {
                let row = bins + Int(rows[i]) * width
                let st = stats[i]
                for j in 0..<k { histogram[j << 8 | Int(row[features[start + j]])] += st }
            }
            // Every drawn row weighs at least 1, so occupied bins have positive weight; for
            // large nodes reading them off costs less than marking each row.
            for j in 0..<k {
                for word in 0..<4 {
                    var bits: UInt64 = 0
                    for b in 0..<64 where histogram[j << 8 | word << 6 | b].y > 0 { bits |= 1 &<< UInt64(b) }
                    occupied[j << 2 | word] = bits
                }
            }
        } else {
            for i in 0..<rows.count {
                let row = bins + Int(rows[i]) * width
                let st = stats[i]
                for j in 0..<k {
                    let b = Int(row[features[start + j]])
                    histogram[j << 8 | b] += st
                    occupied[j << 2 | b >> 6] |= 1 &<< UInt64(b & 63)
                }
            }
        }
    }

    /// The best split on the feature accumulated in `slot` (nil when no split leaves `minLeaf`
    /// weight on both sides), and whether the feature takes more than one value (missing
    /// counts as a value) in the node; `total` is the node's (S, W). Clears the slot.
    func best(slot: Int, feature: Int, categorical: Bool, total: (sum: Double, weight: Double)) -> (split: Split?, varies: Bool) {
        let histogram = self.histogram + slot << 8, occupied = self.occupied + slot << 2
        defer {
            // Clear the bins this node touched.
            for word in 0..<4 {
                var bits = occupied[word]
                while bits != 0 {
                    histogram[word << 6 | bits.trailingZeroBitCount] = .zero
                    bits &= bits - 1
                }
                occupied[word] = 0
            }
        }
        // The observed bins in ascending order; the missing bin (255) apart.
        var q = 0
        for word in 0..<4 {
            var bits = occupied[word]
            while bits != 0 {
                let b = word << 6 | bits.trailingZeroBitCount
                bits &= bits - 1
                if b != Int(FeatureBinning.missing) { present[q] = b; q += 1 }
            }
        }
        let missingSum = histogram[255].x, missingWeight = histogram[255].y
        let hasMissing = occupied[3] >> 63 != 0
        guard q + (hasMissing ? 1 : 0) >= 2 else { return (nil, false) }

        if categorical {
            for j in 0..<q { means[present[j]] = histogram[present[j]].x / histogram[present[j]].y }
            let means = self.means
            var bins = UnsafeMutableBufferPointer(start: present, count: q)
            bins.sort { means[$0] != means[$1] ? means[$0] < means[$1] : $0 < $1 }
        }
        let base = total.sum * total.sum / total.weight
        var best: Split?
        var bestPrefix = 0, bestIsObservedVersusMissing = false
        func consider(_ leftSum: Double, _ leftWeight: Double, prefix: Int, missingLeft: Bool, observedVersusMissing: Bool = false) {
            let rightWeight = total.weight - leftWeight
            guard leftWeight >= minLeaf, rightWeight >= minLeaf else { return }
            let rightSum = total.sum - leftSum
            let gain = leftSum * leftSum / leftWeight + rightSum * rightSum / rightWeight - base
            guard gain > (best?.gain ?? 0) else { return }
            // Without missing rows in the node, missing values later follow the heavier side.
            let left = hasMissing ? missingLeft : leftWeight >= rightWeight
            // "Observed | missing" sends every observed value left, even one above the node's range.
            let bin = observedVersusMissing ? UInt8(FeatureBinning.maxBins - 1) : UInt8(present[prefix - 1])
            best = Split(feature: feature, gain: gain, bin: bin, categories: nil, missingLeft: left)
            bestPrefix = prefix
            bestIsObservedVersusMissing = observedVersusMissing
        }
        var leftSum = 0.0, leftWeight = 0.0
        for j in 0..<max(0, q - 1) {
            leftSum += histogram[present[j]].x
            leftWeight += histogram[present[j]].y
            consider(leftSum, leftWeight, prefix: j + 1, missingLeft: false)
            if hasMissing { consider(leftSum + missingSum, leftWeight + missingWeight, prefix: j + 1, missingLeft: true) }
        }
        if hasMissing && q > 0 {
            consider(total.sum - missingSum, total.weight - missingWeight, prefix: q, missingLeft: false, observedVersusMissing: true)
        }
        if categorical, var split = best {
            // Levels in the left prefix go left; levels this node never saw go with the missing
            // (or, for "observed | missing", with the observed).
            let unseenLeft = bestIsObservedVersusMissing || split.missingLeft
            var set = unseenLeft ? SIMD4<UInt64>(repeating: ~0) : SIMD4<UInt64>(repeating: 0)
            for j in 0..<q {
                let b = present[j]
                if j < bestPrefix { set[b >> 6] |= 1 &<< UInt64(b & 63) } else { set[b >> 6] &= ~(1 &<< UInt64(b & 63)) }
            }
            set[3] &= ~(1 &<< 63)  // the missing bin is routed by `missingLeft`
            split.categories = set
            best = split
        }
        return (best, true)
    }
}
