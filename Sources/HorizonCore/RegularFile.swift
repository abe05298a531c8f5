import Foundation

/// Files read whole (scripts, model files) must be ordinary files of a sensible size: reading
/// `/dev/zero`, a FIFO, or a 2 GB CSV given to `run` by mistake would never end or fill memory.
public enum RegularFile {
    /// Nil when `path` is, or links to, a regular file of at most `maxBytes`; otherwise why
    /// not, in words. `stat` follows symbolic links (a script linked into a folder is fine)
    /// and its error says what went wrong (a missing file, a folder without permission).
    public static func problem(_ path: String, maxBytes: Int) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "no such file" : String(cString: strerror(errno)).lowercased()
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return "not a regular file" }
        let size = Int(info.st_size)
        guard size <= maxBytes else { return "\(size >> 20) MiB is more than the \(maxBytes >> 20) MiB this reads whole" }
        return nil
    }
}
