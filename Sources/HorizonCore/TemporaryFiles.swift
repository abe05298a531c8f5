#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The temporary files being written right now, so a termination signal (a scheduler's SIGTERM,
/// Ctrl-C in `horizon batch`) removes them instead of leaving `.horizon-RANDOM.tmp.csv` beside
/// the output: the earlier output stays as it was, and nothing else is left behind.
///
/// The table is fixed and its paths are C strings made before they are needed, because a signal
/// handler may only do what is async-signal-safe: read memory and call `unlink`.
public enum TemporaryFiles {
    static let capacity = 64
    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let table = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        table.initialize(repeating: nil, count: capacity)
        return table
    }()
    private static let lock = NSLock()

    /// Records `path` as being written; returns its slot (nil when the table is full: the file
    /// is still written, only not removed on a signal).
    static func register(_ path: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard let slot = (0..<capacity).first(where: { slots[$0] == nil }) else { return nil }
        slots[slot] = strdup(path)
        return slot
    }

    /// Forgets the file in `slot` (it was put in place or removed).
    static func release(_ slot: Int?) {
        guard let slot else { return }
        lock.lock()
        defer { lock.unlock() }
        let path = slots[slot]
        slots[slot] = nil
        free(path)
    }

    /// Removes every file being written. Async-signal-safe: called from a signal handler.
    public static func removeAll() {
        for slot in 0..<capacity {
            if let path = slots[slot] { unlink(path) }
        }
    }

    /// Removes the temporary files on SIGTERM and SIGHUP (and SIGINT when `interrupt` is true),
    /// then ends the process as the signal would have.
    public static func removeOnTermination(interrupt: Bool) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            TemporaryFiles.removeAll()
            Glibc.signal(signal, SIG_DFL)
            raise(signal)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        // A parent may have blocked them (a test runner, some launchers): we want them.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signal in [SIGTERM, SIGHUP] + (interrupt ? [SIGINT] : []) {
            sigaction(signal, &action, nil)
            sigaddset(&unblocked, signal)
        }
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    }
}
