import Foundation

/// Files read whole (scripts, model files) must be ordinary files of a sensible size: reading
/// `/dev/zero`, a FIFO, or a 2 GB CSV given to `run` by mistake would never end or fill memory.
public enum RegularFile {
    /// Why `path` cannot name a file, or nil: the system reads a name up to its first NUL, so
    /// `demo.csv\0.png` would open `demo.csv` while Horizon reported the whole name.
    public static func nameProblem(_ path: String) -> String? {
        path.utf8.contains(0) ? "a file name cannot hold a NUL character" : nil
    }

    /// Nil when `path` is, or links to, a regular file of at most `maxBytes`; otherwise why
    /// not, in words. `stat` follows symbolic links (a script linked into a folder is fine)
    /// and its error says what went wrong (a missing file, a folder without permission).
    public static func problem(_ path: String, maxBytes: Int) -> String? {
        if let problem = nameProblem(path) { return problem }
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

extension RegularFile {
    /// Scripts are read whole: 16 MiB is far beyond any script and far below what would hurt.
    public static let scriptLimit = 16 << 20

    /// Why a file's text cannot be had, in words ("not a regular file", "not UTF-8 text").
    public struct Unreadable: Error {
        public var reason: String
    }

    /// The text of `path`, a regular file of at most `maxBytes` in UTF-8.
    public static func text(_ path: String, maxBytes: Int = scriptLimit) throws(Unreadable) -> String {
        if let problem = problem(path, maxBytes: maxBytes) { throw Unreadable(reason: problem) }
        guard let data = FileManager.default.contents(atPath: path) else { throw Unreadable(reason: "cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else { throw Unreadable(reason: "not UTF-8 text (\(firstInvalidUTF8(data)))") }
        return text
    }

    /// Where the first byte that is not UTF-8 is, as a person finds it: "line 3, byte 7".
    static func firstInvalidUTF8(_ data: Data) -> String {
        var decoder = UTF8(), bytes = data.makeIterator()
        var line = 1, offset = 0, lineStart = 0
        while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                if scalar == "\n" { line += 1; lineStart = offset }
            case .emptyInput: return "line \(line)"
            case .error: return "line \(line), byte \(offset - lineStart + 1)"
            }
        }
    }
}
