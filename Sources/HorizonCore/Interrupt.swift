import Synchronization

/// Ctrl-C, as a flag that long-running work polls.
///
/// The executable's SIGINT handler calls `raise()` (an atomic store, safe in a signal
/// handler); training loops, loaders and fits call `check()` at natural boundaries and
/// unwind with `Interrupted`, so the session's state stays intact.
public enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    /// Marks that the user asked to stop. Async-signal-safe.
    public static func raise() { flag.store(true, ordering: .relaxed) }

    /// Clears a pending request, before a command starts.
    public static func reset() { flag.store(false, ordering: .relaxed) }

    /// Whether an interrupt is pending.
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Throws `Interrupted` (and clears the flag) when the user pressed Ctrl-C.
    public static func check() throws {
        if flag.exchange(false, ordering: .relaxed) { throw Interrupted() }
    }
}
