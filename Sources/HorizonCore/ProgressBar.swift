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

    /// Bars drawn and not yet erased. Output printed while one is on screen would start on
    /// its line: commands erase their bar before their table, and a test checks that.
    public static var onScreen: Int { drawnBars.load(ordering: .relaxed) }
    private static let drawnBars = Atomic<Int>(0)

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
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        drawn = false
        Self.drawnBars.subtract(1, ordering: .relaxed)
    }

    private func draw(_ now: Date) {
        guard Self.isEnabled else { return }
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
        FileHandle.standardError.write(Data(line.utf8))
        if !drawn { Self.drawnBars.add(1, ordering: .relaxed) }
        drawn = true
    }

    /// `m:ss` or `h:mm:ss`.
    public static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
