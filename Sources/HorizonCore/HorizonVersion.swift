/// This Horizon's version: the command line's `--version`, the REPL's banner, and every model
/// file's manifest (a file saved by a newer Horizon is refused rather than misread).
public enum HorizonVersion {
    public static let current = "0.1.0"

    /// Whether `version` reads as "MAJOR.MINOR.PATCH", three whole numbers.
    public static func isVersion(_ version: String) -> Bool {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && Int($0).map { $0 >= 0 } == true }
    }

    /// Whether `version` ("MAJOR.MINOR.PATCH") is later than this Horizon's; an unreadable
    /// version counts as later.
    public static func isNewer(_ version: String) -> Bool {
        guard isVersion(version) else { return true }
        let theirs = version.split(separator: ".").compactMap { Int($0) }
        let ours = current.split(separator: ".").compactMap { Int($0) }
        return ours.lexicographicallyPrecedes(theirs)
    }
}
