/// "Did you mean …?" for mistyped names.
public enum Suggestions {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
    /// (at most a third of the word's length, and at most 3 edits).
    ///
    /// The work is bounded whatever the input: a word longer than `maxLength` gets no
    /// suggestion (a 20,000-character id pasted into `show` is not a typo), candidates whose
    /// length differs by more than the limit are skipped unseen, and the distance is computed
    /// only in the band of diagonals the limit allows.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = Array(word.lowercased())
        guard lowered.count <= maxLength else { return nil }
        let limit = min(3, max(1, lowered.count / 3))
        var best: (String, Int)?
        for candidate in candidates {
            guard abs(candidate.count - lowered.count) <= limit else { continue }
            let d = boundedDistance(lowered, Array(candidate.lowercased()), limit: min(limit, (best?.1 ?? Int.max) - 1))
            if let d { best = (candidate, d) }
        }
        return best?.0
    }

    /// Longer words are never matched.
    public static let maxLength = 256

    /// The "did you mean" clause for `word`, or nil when nothing is close.
    public static func didYouMean(_ word: String, in candidates: [String]) -> String? {
        closest(to: word, in: candidates).map { "did you mean '\($0)'?" }
    }

    /// Damerau–Levenshtein distance (optimal string alignment: adjacent swaps cost 1,
    /// the commonest typo).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        return boundedDistance(a, b, limit: max(a.count, b.count))!
    }

    /// The distance when it is at most `limit`, else nil; only cells within `limit` of the
    /// diagonal are computed (the others cannot lead to a distance within it).
    static func boundedDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int? {
        guard limit >= 0, abs(a.count - b.count) <= limit else { return nil }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let outside = limit + 1
        var previous2 = [Int](repeating: outside, count: b.count + 1)
        var previous = (0...b.count).map { min($0, outside) }
        var current = [Int](repeating: outside, count: b.count + 1)
        for i in 1...a.count {
            let low = max(1, i - limit), high = min(b.count, i + limit)
            // Only the cells next to the band are read outside it: reset those (the row is reused).
            current[low - 1] = i <= limit ? i : outside
            if high < b.count { current[high + 1] = outside }
            if low <= high {
                for j in low...high {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, previous2[j - 2] + 1) }
                    current[j] = min(d, outside)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count] <= limit ? previous[b.count] : nil
    }
}
