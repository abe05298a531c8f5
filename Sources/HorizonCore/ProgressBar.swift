#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import Synchronization

/// A progress bar with ETA, drawn on standard error only when it is a terminal, so piped
/// and captured output is never garbled by carriage returns.
public final class ProgressBar {
    /// Whether bars are drawn at all; false when stderr is not a terminal.
    nonisolated(unsafe) public static var isEnabled: Bool = isatty(2) != 0

    /// Where bars created in this task are drawn instead of standard error, when set: a test
    /// binds one to see which bars are on screen when output arrives (output printed while a
    /// bar is on screen would start on its line).
    @TaskLocal public static var screen: Screen?

    /// Counts the bars drawn and not yet erased, in place of a terminal.
    public final class Screen: Sendable {
        private let drawn = Atomic<Int>(0)
        public init() {}
        public var barsShown: Int { drawn.load(ordering: .relaxed) }
        func changed(by n: Int) { drawn.add(n, ordering: .relaxed) }
    }

    private let screen = ProgressBar.screen

    private let label: String
    private let total: Int
    private var done = 0
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false
    /// Extra text after the bar, e.g. the current training loss.
    public var detail = ""

    public init(_ label: String, total: Int) {
        // Labels name models and files: shown, never sent as control characters.
        self.label = Visible.name(label)
        self.total = max(total, 1)
    }

    /// Moves the bar forward and redraws it at most ten times a second.
    public func advance(by n: Int = 1) {
        done = min(total, done + n)
        let now = Date()
        if now.timeIntervalSince(lastDraw) >= 0.1 || done == total { draw(now) }
    }

    /// Sets the absolute position.
    public func update(to value: Int) {
        done = min(total, max(0, value))
        advance(by: 0)
    }

    /// Erases the bar (the command's own output follows in its place).
    public func finish() {
        guard drawn else { return }
        drawn = false
        if let screen { screen.changed(by: -1); return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    private func draw(_ now: Date) {
        guard Self.isEnabled || screen != nil else { return }
        lastDraw = now
        let fraction = Double(done) / Double(total)
        let width = 28
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let elapsed = now.timeIntervalSince(start)
        let eta = done > 0 ? elapsed / fraction - elapsed : 0
        var line = "\r\u{1B}[2K\(label) \(bar) \(Int(fraction * 100))% \(done)/\(total)"
        line += " \(Self.clock(elapsed))"
        if done < total, done > 0 { line += " ETA \(Self.clock(eta))" }
        if !detail.isEmpty { line += " \(detail)" }
        if let screen {
            if !drawn { screen.changed(by: 1) }
        } else {
            FileHandle.standardError.write(Data(line.utf8))
        }
        drawn = true
    }

    /// `m:ss` or `h:mm:ss`.
    public static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
