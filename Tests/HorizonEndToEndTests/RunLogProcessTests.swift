import Foundation
import HorizonRuns
import Testing

/// The experiment log as separate `horizon` processes use it: at the same time, and killed
/// in the middle of their work.
@Suite(.serialized) struct RunLogProcessTests {
    /// Two sessions append to one new log at once (both create it, both migrate it); every
    /// run of both is there afterwards.
    @Test func twoSessionsWritingAtOnceLoseNoRun() throws {
        let folder = try temporaryDirectory()
        let data = try generatedPanel(in: folder)
        let log = folder + "/shared/runs.sqlite"
        let rounds = 12
        var processes: [Process] = []
        for name in ["a", "b"] {
            let script = "load \(data)\nset horizon 4\n" + (1...rounds).map { "train naive as \(name)\($0)\nevaluate \(name)\($0)" }.joined(separator: "\n") + "\n"
            try script.write(toFile: "\(folder)/\(name).hz", atomically: false, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: horizonBinary)
            process.arguments = ["\(name).hz"]
            process.currentDirectoryURL = URL(fileURLWithPath: folder)
            process.environment = testEnvironment(["HORIZON_RUNS": log])
            #expect(FileManager.default.createFile(atPath: "\(folder)/\(name).out", contents: nil))
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(folder)/\(name).out"))
            processes.append(process)
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.map(\.terminationStatus) == [0, 0])
        let store = try RunStore(path: log)
        #expect(try store.count() == 2 * 2 * rounds, "\(["a", "b"].map { (try? String(contentsOfFile: "\(folder)/\($0).out", encoding: .utf8))?.split(separator: "\n").filter { $0.hasPrefix("note") }.joined(separator: " | ") ?? "" })")
        let runs = try store.recent(limit: 1000).runs
        for name in ["a", "b"] {
            #expect(Set(runs.filter { $0.source.hasPrefix("\(name).hz:") }.map(\.modelName)) == Set((1...rounds).map { "\(name)\($0)" }))
        }
        #expect(try store.integrityCheck() == "ok")
    }

    /// A session killed (SIGKILL, no chance to clean up) while it logs leaves a sound database
    /// that opens again, and each command's runs are all there or not at all.
    @Test func aSessionKilledWhileLoggingLeavesASoundLog() throws {
        let folder = try temporaryDirectory()
        let data = try generatedPanel(in: folder)
        let log = folder + "/runs.sqlite"
        let script = "load \(data)\nset horizon 4\ntrain snaive\n" + String(repeating: "train naive\ntrain mean window=4\nevaluate\n", count: 400)
        try script.write(toFile: folder + "/long.hz", atomically: false, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: horizonBinary)
        process.arguments = ["long.hz"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = testEnvironment(["HORIZON_RUNS": log])
        #expect(FileManager.default.createFile(atPath: folder + "/out.txt", contents: nil))
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/out.txt"))
        try process.run()
        let reader = RunLog(.file(log))
        let deadline = Date().addingTimeInterval(120)
        var seen = 0
        while process.isRunning, Date() < deadline, seen < 60 {
            usleep(20_000)
            seen = (try? reader.existingStore()?.count()) ?? 0
        }
        #expect(process.isRunning, "the script ended before it could be killed: \((try? String(contentsOfFile: folder + "/out.txt", encoding: .utf8))?.split(separator: "\n").filter { !$0.hasPrefix("trained") && !$0.hasPrefix("model") && !$0.contains("  ") }.prefix(8) ?? [])")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let store = try RunStore(path: log)
        #expect(try store.integrityCheck() == "ok")
        let runs = try store.recent(limit: 10_000).runs
        #expect(runs.count >= 60)
        // Every evaluate logs its three models in one transaction.
        let evaluations = Dictionary(grouping: runs.filter { $0.kind == .evaluate }, by: \.source)
        #expect(!evaluations.isEmpty)
        #expect(evaluations.values.allSatisfy { $0.map(\.modelName).sorted() == ["mean", "naive", "snaive"] })
        #expect(Set(evaluations.values.map { Set($0.map(\.startedAt)).count }) == [1])
    }
}
