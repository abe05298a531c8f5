import Synchronization

/// Ctrl-C, as a flag that long-running work polls.
///
/// The executable's SIGINT handler calls `raise()` (an atomic store, safe in a signal
/// handler); training loops, loaders and fits call `check()` at natural boundaries and
/// unwind with `Interrupted`, so the session's state stays intact.
public enum Interrupt {
    private static let process = Flag()

    /// A stop request; the process has one (Ctrl-C), and a task may bind its own.
    public final class Flag: Sendable {
        fileprivate let raised = Atomic<Bool>(false)
        public init() {}
        /// Asks the work that polls this flag to stop. Async-signal-safe.
        public func raise() { raised.store(true, ordering: .relaxed) }
    }

    /// The flag the work in this task polls instead of the process's: a test interrupts one
    /// training without stopping the others running beside it.
    @TaskLocal public static var local: Flag?

    private static var current: Flag { local ?? process }

    /// Marks that the user asked to stop. Async-signal-safe.
    public static func raise() { process.raise() }

    /// Clears a pending request, before a command starts.
    public static func reset() { current.raised.store(false, ordering: .relaxed) }

    /// Whether an interrupt is pending.
    public static var isRequested: Bool { current.raised.load(ordering: .relaxed) }

    /// Throws `Interrupted` (and clears the flag) when the user pressed Ctrl-C.
    public static func check() throws {
        if current.raised.exchange(false, ordering: .relaxed) { throw Interrupted() }
    }
}
