import Foundation

/// Writes files so that a reader (or a crash) never sees half of one, and so that a write
/// replaces nothing but a regular file.
///
/// - A regular file (or a new one) is replaced atomically: the content goes to a temporary
///   file beside it, is flushed to disk, and takes the target's place in one rename. A write
///   that fails (a full disk, a killed process) leaves the previous file as it was.
/// - A symbolic link is followed: the file it points to is replaced and the link stays (a
///   rename over the link would have replaced the link itself — `/dev/stdout` among them).
///   A link that points nowhere is refused rather than followed to wherever it names.
/// - A FIFO or a character device (`/dev/stdout`, `/dev/null`, a named pipe a consumer
///   reads) is streamed into, not replaced; a FIFO with no reader is refused instead of
///   blocking the session.
/// - Anything else (a folder, a socket, a block device) is refused.
///
/// Temporary files have unpredictable names and are created with `O_EXCL | O_NOFOLLOW`, so a
/// link planted at a guessed name cannot redirect the write to another file.
public enum AtomicFile {
    /// Why a write failed, in the system's words ("No space left on device").
    public struct WriteError: Error, LocalizedError, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
        public var errorDescription: String? { reason }

        public init(reason: String) { self.reason = reason }

        static func system(_ code: Int32 = errno) -> WriteError { WriteError(reason: String(cString: strerror(code))) }
    }

    /// `permissions` are a new file's mode (before the umask): 0o644 for what is shared,
    /// 0o600 for what is private, such as the command history.
    public static func write(_ text: String, to path: String, permissions: mode_t = 0o644) throws {
        try write(Data(text.utf8), to: path, permissions: permissions)
    }

    public static func write(_ data: Data, to path: String, permissions: mode_t = 0o644) throws {
        try write(to: path, permissions: permissions) { fd in try writeAll(data, to: fd) }
    }

    /// Lets `fill` write the content to a descriptor (in pieces, so a large export never
    /// exists whole in memory), with the same guarantees as `write(_:to:)`: a regular file is
    /// replaced only once `fill` returns, and left as it was if `fill` throws.
    public static func write(to path: String, permissions: mode_t = 0o644, _ fill: (Int32) throws -> Void) throws {
        switch try Destination(path) {
        case .descriptor(let fd):
            // What print() still holds must come out first.
            fflush(stdout)
            fflush(stderr)
            try fill(fd)
        case .stream(let target):
            let fd = try openStream(target)
            defer { close(fd) }
            try fill(fd)
        case .replace(let target):
            let (fd, temporary) = try createTemporary(beside: target, permissions: permissions)
            let slot = TemporaryFiles.register(temporary)
            defer { TemporaryFiles.release(slot) }
            do {
                defer { close(fd) }
                try keepMode(of: target, on: fd)
                try fill(fd)
                guard fsync(fd) == 0 else { throw WriteError.system() }
            } catch {
                unlink(temporary)
                throw error
            }
            try commit(temporary, to: target)
        }
    }

    /// Lets `make` write the file at a temporary path (same extension, so tools that go by
    /// the extension still work), then puts it in place as `write` would. If `make` throws or
    /// writes nothing, the temporary file is removed and `path` is untouched. For writers that
    /// are not ours, such as gnuplot drawing a chart: the temporary file already exists (empty,
    /// created exclusively) when `make` runs, so the writer opens our file and no other.
    public static func produce(_ path: String, _ make: (String) throws -> Void) throws {
        let destination = try Destination(path)
        let directory: String
        switch destination {
        case .replace(let target): directory = (target as NSString).deletingLastPathComponent
        case .stream, .descriptor: directory = NSTemporaryDirectory()
        }
        let (fd, temporary) = try createTemporary(in: directory.isEmpty ? "." : directory,
                                                  extension: (path as NSString).pathExtension, permissions: 0o644)
        close(fd)
        let slot = TemporaryFiles.register(temporary)
        defer { TemporaryFiles.release(slot) }
        do {
            try make(temporary)
            var info = stat()
            guard lstat(temporary, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else {
                throw WriteError(reason: "nothing was written")
            }
            switch destination {
            case .replace(let target):
                try commit(temporary, to: target)
            case .stream, .descriptor:
                guard let data = FileManager.default.contents(atPath: temporary) else { throw WriteError(reason: "the drawing could not be read back") }
                unlink(temporary)
                try write(data, to: path)
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// What a path is, for writing.
    enum Destination {
        /// Standard output or error, written to directly.
        case descriptor(Int32)
        /// A FIFO or character device, written into.
        case stream(String)
        /// A regular file (or none yet) at this path (links resolved), replaced by rename.
        case replace(String)

        init(_ path: String) throws {
            guard !path.isEmpty else { throw WriteError(reason: "the file name is empty") }
            guard !Visible.hasControl(path) else {
                throw WriteError(reason: "the file name '\(Visible.name(path))' has control characters")
            }
            switch path {
            case "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1": self = .descriptor(1); return
            case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2": self = .descriptor(2); return
            default: break
            }
            var info = stat()
            guard lstat(path, &info) == 0 else {
                guard errno == ENOENT else { throw WriteError.system() }
                self = .replace(path)
                return
            }
            var target = path
            if info.st_mode & S_IFMT == S_IFLNK {
                guard let resolved = realpath(path, nil) else {
                    if errno == ENOENT { throw WriteError(reason: "it is a symbolic link to a file that does not exist") }
                    throw WriteError.system()
                }
                target = String(cString: resolved)
                free(resolved)
                guard lstat(target, &info) == 0 else { throw WriteError.system() }
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG: self = .replace(target)
            case S_IFIFO, S_IFCHR: self = .stream(target)
            case S_IFDIR: throw WriteError(reason: "it is a folder")
            default: throw WriteError(reason: "it is not a regular file (a socket or a block device), so it is left alone")
            }
        }
    }

    /// Opens a FIFO or device for writing. A FIFO is opened without blocking first, so one
    /// that no process reads is an error at once rather than a session stuck in `open`.
    private static func openStream(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            if errno == ENXIO { throw WriteError(reason: "it is a FIFO that no process is reading") }
            throw WriteError.system()
        }
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
            let error = WriteError.system()
            close(fd)
            throw error
        }
        return fd
    }

    /// Writes all of `data` to `fd`, retrying short writes and interrupted calls. A terminal
    /// (`export forecasts to /dev/stdout` from a shell, or `/dev/tty`) gets the text with its
    /// control characters escaped, as everything else Horizon prints: an id from data
    /// carrying ESC sequences must not reach it raw. Files and pipes get the bytes as they are.
    public static func writeAll(_ data: Data, to fd: Int32) throws {
        let data = isatty(fd) == 1 ? Data(Visible.lines(String(decoding: data, as: UTF8.self)).utf8) : data
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
    }

    /// A file replaced keeps its permissions (a private 0600 file stays private).
    private static func keepMode(of target: String, on fd: Int32) throws {
        var info = stat()
        guard stat(target, &info) == 0 else { return }
        guard fchmod(fd, info.st_mode & 0o7777) == 0 else { throw WriteError.system() }
    }

    private static func commit(_ temporary: String, to target: String) throws {
        guard rename(temporary, target) == 0 else {
            let error = WriteError.system()
            unlink(temporary)
            throw error
        }
    }

    private static func createTemporary(beside path: String, permissions: mode_t) throws -> (Int32, String) {
        let directory = (path as NSString).deletingLastPathComponent
        return try createTemporary(in: directory.isEmpty ? "." : directory, extension: (path as NSString).pathExtension,
                                   permissions: permissions)
    }

    /// `DIR/.horizon-RANDOM.EXT`, created exclusively: hidden, unguessable, and with the
    /// target's extension. Names from data never appear in it.
    static func createTemporary(in directory: String, extension ext: String, permissions: mode_t) throws -> (Int32, String) {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<8 {
            let random = String(generator.next() as UInt64, radix: 36)
            let temporary = (directory as NSString).appendingPathComponent(".horizon-\(random).tmp" + (ext.isEmpty ? "" : ".\(ext)"))
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions)
            if fd >= 0 { return (fd, temporary) }
            if errno == EEXIST { continue }
            if errno == ENOENT { throw WriteError(reason: "the folder '\(Visible.name(directory))' does not exist") }
            throw WriteError.system()
        }
        throw WriteError(reason: "could not create a temporary file in '\(Visible.name(directory))'")
    }
}

extension AtomicFile {
    /// Opens (creating if needed) a lock file without following a symbolic link at its path,
    /// so a link planted there cannot make Horizon create or lock another file.
    public static func openLock(_ path: String, permissions: mode_t) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, permissions)
        guard fd >= 0 else {
            if errno == ELOOP { throw WriteError(reason: "the lock file '\(Visible.name(path))' is a symbolic link; remove it") }
            throw WriteError.system()
        }
        return fd
    }

    /// Whether two paths name the same file (same device and inode, links followed); false
    /// when either does not exist.
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    /// Whether a write to `a` would replace the file at `b`: the same regular file (a device or
    /// FIFO is streamed into, never replaced: `/dev/stdout` and `/dev/stderr` on one terminal
    /// are not a clash), or, for a file yet to be written, the same place — the folder resolved
    /// through its links, then the name byte for byte (Swift's `==` would take two Unicode
    /// spellings of a name, two files on Linux, for one).
    public static func sameDestination(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        if stat(a, &x) == 0, stat(b, &y) == 0 {
            return x.st_dev == y.st_dev && x.st_ino == y.st_ino && (x.st_mode & S_IFMT) == S_IFREG
        }
        return place(a) == place(b)
    }

    /// `path` as the bytes of its resolved folder and its own name.
    private static func place(_ path: String) -> [UInt8] {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let slash = absolute.lastIndex(of: "/")!
        let folder = slash == absolute.startIndex ? "/" : String(absolute[..<slash])
        let name = Array(absolute[absolute.index(after: slash)...].utf8)
        guard let resolved = realpath(folder, nil) else { return Array(absolute.utf8) }
        defer { free(resolved) }
        return Array(String(cString: resolved).utf8) + [UInt8(ascii: "/")] + name
    }
}
