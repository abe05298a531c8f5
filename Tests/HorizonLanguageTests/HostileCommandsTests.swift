import Foundation
import HorizonCore
import Testing
@testable import HorizonLanguage

/// Whatever comes to mind at the prompt: absurd sizes are located errors, not a crash that
/// loses the session.
@Suite struct HostileCommandsTests {
    @Test(arguments: ["set horizon 100000000", "set context 100000000", "set season 10001", "set horizon 0",
                      "set horizon 99999999999999999999999"])
    func absurdSettingsAreRefusedAndTheSessionKept(_ line: String) throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ntrain snaive", source: "<repl>")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute(line, source: "<repl>", firstLine: 4) }
        let value = line.split(separator: " ").last!
        #expect(error?.description == "<repl>:4:\(line.count - value.count + 1): error: '\(line.split(separator: " ")[1])' takes a whole number from 1 to 10000, got '\(value)'")
        #expect(interpreter.session.horizon == 4 && interpreter.session.models.count == 1)
        try interpreter.execute("forecast", source: "<repl>")
    }

    @Test func anAbsurdSeasonOnLoadIsLocated() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        let path = try demoFile()
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("load \(path) season=5000000", source: "s") }
        #expect(error?.message == "season must be a whole number from 1 to 10000, got '5000000'")
        #expect(interpreter.session.data == nil)
    }

    @Test func aHoldoutLongerThanEverySeriesIsLocated() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())\nholdout 1000000000", source: "s")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("train naive", source: "s", firstLine: 3) }
        #expect(error?.message == "the holdout (1000000000 points) leaves no series anything to train on: lower it with 'holdout N'")
    }

    /// Control characters, invalid UTF-8 repaired to U+FFFD, and a very long line parse or fail
    /// with a located error.
    @Test func garbageLinesAreLocatedErrors() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        for line in ["\u{0}\u{1}\u{7F}", String(decoding: [0xFF, 0xFE, 0x41], as: UTF8.self), String(repeating: "x", count: 100_000),
                     "train \"", "= = =", "set", "quantiles p0 p100"] {
            let error = #expect(throws: HorizonError.self) { try interpreter.execute(line, source: "<repl>") }
            #expect(error?.location?.source == "<repl>", "\(line.prefix(20)): \(String(describing: error))")
        }
    }
}
