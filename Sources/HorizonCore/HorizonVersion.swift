/// This Horizon's version: the command line's `--version`, the REPL's banner, and every model
/// file's manifest (a file saved by a newer Horizon is refused rather than misread).
public enum HorizonVersion {
    public static let current = "0.1.0"

    /// Whether `version` ("MAJOR.MINOR.PATCH") is later than this Horizon's; an unreadable
    /// version counts as later.
    public static func isNewer(_ version: String) -> Bool {
        let theirs = version.split(separator: ".").compactMap { Int($0) }
        let ours = current.split(separator: ".").compactMap { Int($0) }
        guard theirs.count == 3, version.split(separator: ".").count == 3 else { return true }
        return ours.lexicographicallyPrecedes(theirs)
    }
}
