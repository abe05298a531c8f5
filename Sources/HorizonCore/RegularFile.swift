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
        let bytes = [UInt8](data)
        var line = 1, lineStart = 0, i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            let valid = length > 0 && i + length <= bytes.count && String(bytes: bytes[i..<(i + length)], encoding: .utf8) != nil
            guard valid else { return "line \(line), byte \(i - lineStart + 1)" }
            if b == 0x0A { line += 1; lineStart = i + 1 }
            i += length
        }
        return "line \(line)"
    }
}
