import Foundation
import HorizonCore
import Testing
@testable import HorizonLanguage

/// Output that notes whether a progress bar was still on screen when a block arrived.
final class BarWatchingOutput: OutputSink {
    let screen: ProgressBar.Screen
    private(set) var blocksOverABar: [String] = []
    init(_ screen: ProgressBar.Screen) { self.screen = screen }
    func emit(_ block: OutputBlock) {
        if screen.barsShown > 0 { blocksOverABar.append(String(block.rendered.prefix(60))) }
    }
}

/// Backtest and compare cost erase their bar before printing the table (it would otherwise
/// start on the bar's line).
@Suite struct ProgressBarOrderTests {
    @Test func tablesNeverFollowABarStillOnScreen() throws {
        let screen = ProgressBar.Screen()
        let output = BarWatchingOutput(screen)
        let interpreter = Interpreter(output: output)
        try ProgressBar.$screen.withValue(screen) {
            try interpreter.execute("load \(try demoFile())\nset horizon 4\nholdout 4\ntrain snaive\ntrain naive", source: "s")
            try interpreter.execute("backtest naive windows=2\ncompare cost cu=4 co=1", source: "s")
        }
        #expect(output.blocksOverABar.isEmpty, "\(output.blocksOverABar)")
        #expect(screen.barsShown == 0)
    }
}
