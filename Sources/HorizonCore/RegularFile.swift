import Foundation

/// Files read whole (scripts, model files) must be ordinary files of a sensible size: reading
/// `/dev/zero`, a FIFO, or a 2 GB CSV given to `run` by mistake would never end or fill memory.
public enum RegularFile {
    /// Nil when `path` is a regular file of at most `maxBytes`; otherwise why not, in words.
    public static func problem(_ path: String, maxBytes: Int) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "no such file" }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { return "not a regular file" }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxBytes else { return "\(size >> 20) MiB is more than the \(maxBytes >> 20) MiB this reads whole" }
        return nil
    }
}
