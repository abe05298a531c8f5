import Foundation

/// Writes files so that a reader (or a crash) never sees half of one: the content goes to a
/// temporary file beside the target, is flushed to disk, and replaces the target in one
/// rename. A write that fails (a full disk, a killed process) leaves the previous file as it was.
public enum AtomicFile {
    /// Why a write failed, in the system's words ("No space left on device").
    public struct WriteError: Error, LocalizedError, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
        public var errorDescription: String? { reason }

        static func system(_ code: Int32 = errno) -> WriteError { WriteError(reason: String(cString: strerror(code))) }
    }

    /// `permissions` are the new file's mode (before the umask): 0o644 for what is shared,
    /// 0o600 for what is private, such as the command history.
    public static func write(_ text: String, to path: String, permissions: mode_t = 0o644) throws {
        try write(Data(text.utf8), to: path, permissions: permissions)
    }

    public static func write(_ data: Data, to path: String, permissions: mode_t = 0o644) throws {
        try produce(path) { temporary in
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions)
            guard fd >= 0 else { throw WriteError.system() }
            defer { close(fd) }
            try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw WriteError.system()
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw WriteError.system() }
        }
    }

    /// Lets `make` write the file at a temporary path beside `path` (same directory, same
    /// extension, so tools that go by the extension still work), then renames it into place.
    /// If `make` throws or writes nothing, the temporary file is removed and `path` is untouched.
    /// For writers that are not ours, such as gnuplot drawing a chart.
    public static func produce(_ path: String, _ make: (String) throws -> Void) throws {
        let temporary = temporaryPath(for: path)
        do {
            try make(temporary)
            guard FileManager.default.fileExists(atPath: temporary) else {
                throw WriteError(reason: "nothing was written (does the folder exist?)")
            }
            guard rename(temporary, path) == 0 else { throw WriteError.system() }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// `DIR/.NAME.tmp-PID.EXT`: hidden, unique to the process, and with the target's extension.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = url.deletingPathExtension().lastPathComponent, ext = url.pathExtension
        let file = ".\(name).tmp-\(getpid())" + (ext.isEmpty ? "" : ".\(ext)")
        return url.deletingLastPathComponent().appendingPathComponent(file).path
    }
}
