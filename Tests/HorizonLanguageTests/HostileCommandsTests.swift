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
        #expect(error?.message == "season takes an integer in 1...10000, got '5000000'" && error?.location?.column == path.count + 14)
        #expect(interpreter.session.data == nil)
    }

    @Test func aHoldoutLongerThanEverySeriesIsLocated() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())\nholdout 1000000000", source: "s")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("train naive", source: "s", firstLine: 3) }
        #expect(error?.message == "the holdout (1000000000 points) leaves no series anything to train on: lower it with 'holdout N'")
    }

    /// Files read whole must be ordinary and of a script's size: `/dev/zero` would never end.
    @Test func runAndLoadModelRefuseDevicesAndHugeFiles() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        let run = #expect(throws: HorizonError.self) { try interpreter.execute("run /dev/zero", source: "<repl>") }
        #expect(run?.description == "<repl>:1:5: error: cannot run '/dev/zero': not a regular file")
        let model = #expect(throws: HorizonError.self) { try interpreter.execute("load model /dev/zero", source: "<repl>") }
        #expect(model?.description == "<repl>:1:12: error: cannot load '/dev/zero': cannot read model file '/dev/zero': not a regular file")
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-big-\(UUID().uuidString).hz").path
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: 17 << 20)  // sparse: 17 MiB of nothing
        try handle.close()
        defer { try? FileManager.default.removeItem(atPath: big) }
        let huge = #expect(throws: HorizonError.self) { try interpreter.execute("run \(big)", source: "<repl>") }
        #expect(huge?.message == "cannot run '\(big)': 17 MiB is more than the 16 MiB this reads whole")
    }

    /// A script reached through a symbolic link is the file it links to (the check follows
    /// links); a link to a device is still refused.
    @Test func runFollowsSymbolicLinks() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-link-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "set horizon 5\n".write(toFile: folder + "/real.hz", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder + "/linked.hz", withDestinationPath: folder + "/real.hz")
        try FileManager.default.createSymbolicLink(atPath: folder + "/zero.hz", withDestinationPath: "/dev/zero")
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("run \(folder)/linked.hz", source: "<repl>")
        #expect(interpreter.session.horizon == 5)
        let device = #expect(throws: HorizonError.self) { try interpreter.execute("run \(folder)/zero.hz", source: "<repl>") }
        #expect(device?.message == "cannot run '\(folder)/zero.hz': not a regular file")
    }

    /// Control characters, invalid UTF-8 repaired to U+FFFD, and a very long line parse or fail
    /// with a located error.
    @Test func garbageLinesAreLocatedErrors() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        for line in ["\u{0}\u{1}\u{7F}", String(decoding: [0xFF, 0xFE, 0x41], as: UTF8.self), String(repeating: "x", count: 100_000),
                     "train \"", "= = =", "set horizon", "quantiles p0 p100"] {
            let error = #expect(throws: HorizonError.self) { try interpreter.execute(line, source: "<repl>") }
            #expect(error?.location?.source == "<repl>", "\(line.prefix(20)): \(String(describing: error))")
        }
    }
}
