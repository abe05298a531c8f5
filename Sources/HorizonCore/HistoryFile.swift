import Foundation

/// The REPL's command history on disk: one entry per line, the newest last, at most `limit`.
///
/// Every new entry rewrites the file atomically (read, append, keep the newest, write to a
/// temporary file, rename), so a crash or a full disk leaves the previous history whole; the
/// read-modify-write holds an exclusive lock on `PATH.lock`, so two sessions at once each add
/// their lines instead of overwriting the other's. The file is private (mode 0600, as
/// readline writes it). A file that is not text is moved aside, not trusted, and the session
/// starts with an empty history; one that cannot be read is left alone and not written over.
public struct HistoryFile {
    public let path: String
    public let limit: Int

    /// Far above 2000 lines of commands; a bigger file is not a history.
    static let maxBytes = 64 << 20

    public init(path: String, limit: Int = 2000) {
        self.path = path
        self.limit = limit
    }

    /// What `load` found.
    public struct Loaded {
        public var entries: [String]
        /// A warning for the user when the file could not be used, nil when all is well.
        public var warning: String?
    }

    /// The entries, oldest first. A missing file is an empty history; a damaged one is renamed
    /// to `PATH.corrupt` (so nothing is lost) and reported.
    public func load() -> Loaded {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return Loaded(entries: []) }
        if isDirectory.boolValue {
            return Loaded(entries: [], warning: "cannot read the history file \(path): it is a folder; starting with an empty history")
        }
        // A FIFO or a device would block or never end: only a regular file of a history's size is read.
        if let problem = RegularFile.problem(path, maxBytes: Self.maxBytes) {
            return Loaded(entries: [], warning: "cannot read the history file \(path): \(problem); starting with an empty history")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return Loaded(entries: [], warning: "cannot read the history file \(path): permission denied or unreadable; starting with an empty history")
        }
        guard !data.contains(0), let text = String(data: data, encoding: .utf8) else {
            // A new name beside any earlier damaged copy, which is kept too.
            let aside = ([path + ".corrupt"] + (2...99).map { "\(path).corrupt\($0)" })
                .first { !FileManager.default.fileExists(atPath: $0) } ?? path + ".corrupt"
            let renamed = rename(path, aside) == 0
            return Loaded(entries: [], warning: "the history file \(path) is damaged (not text); "
                          + (renamed ? "moved it to \(aside) and " : "") + "starting with an empty history")
        }
        return Loaded(entries: Self.entries(text))
    }

    /// Adds `entry` to the file's current entries and writes them back atomically, under the
    /// lock. A file that exists but cannot be read is an error, not overwritten.
    public func append(_ entry: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let lock = try AtomicFile.openLock(path + ".lock", permissions: 0o600)
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw AtomicFile.WriteError.system() }
        }
        defer { flock(lock, LOCK_UN) }
        if FileManager.default.fileExists(atPath: path),
           !FileManager.default.isReadableFile(atPath: path) || RegularFile.problem(path, maxBytes: Self.maxBytes) != nil {
            throw AtomicFile.WriteError(reason: "the history file cannot be read, so it is left as it is")
        }
        var entries = load().entries
        entries.append(entry)
        let kept = entries.suffix(limit)
        try AtomicFile.write(kept.joined(separator: "\n") + "\n", to: path, permissions: 0o600)
    }

    static func entries(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
    }
}
