import Foundation

/// How much memory one command may plan to use: 60 % of the machine's physical memory,
/// leaving room for the session, the data and everything else running. Estimates are
/// checked against it before large allocations (a network's training, a loaded model), so
/// a request that cannot fit is a clear error, not a process killed by the allocator.
/// `HORIZON_MEMORY_LIMIT` (bytes, or with a K/M/G suffix) lowers it, as a batch job given a
/// share of a machine needs.
public enum MemoryBudget {
    public static let bytes: Double = {
        let physical = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        let machine = physical > 0 ? 0.6 * physical : 8e9
        if let text = ProcessInfo.processInfo.environment["HORIZON_MEMORY_LIMIT"], let limit = parse(text) { return min(machine, limit) }
        return machine
    }()

    /// `4G`, `512M`, `100000K` or plain bytes.
    static func parse(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let scale: Double
        var digits = Substring(t)
        switch t.last {
        case "K": scale = 1024; digits = digits.dropLast()
        case "M": scale = Double(1 << 20); digits = digits.dropLast()
        case "G": scale = Double(1 << 30); digits = digits.dropLast()
        default: scale = 1
        }
        guard let v = Double(digits), v > 0, v.isFinite else { return nil }
        return v * scale
    }

    /// `1.2 GB`, `850 MB`, `3.1 TB`.
    public static func describe(_ bytes: Double) -> String {
        switch bytes {
        case ..<1e9: return "\(Int((bytes / 1e6).rounded())) MB"
        case ..<1e12: return String(format: "%.1f GB", bytes / 1e9)
        default: return String(format: "%.1f TB", bytes / 1e12)
        }
    }
}
