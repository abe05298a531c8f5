import Foundation
import Testing

/// A full disk, a killed process and damaged files leave earlier work intact.
@Suite(.serialized) struct NothingLostTests {
    /// Runs horizon under bash with a 1 KiB file-size limit, the way a full disk fails a write
    /// (EFBIG, with SIGXFSZ ignored so the write returns the error instead of killing).
    func horizonOnAFullDisk(_ script: String, in dir: String) throws -> Run {
        let wrapper = dir + "/full-disk.sh"
        try "#!/bin/bash\ntrap '' XFSZ\nulimit -f 1\nexec \"\(horizonBinary)\" \"$@\"\n".write(toFile: wrapper, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper)
        return try horizon([], input: script, in: dir, executable: wrapper)
    }

    func hidden(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }
    }

    @Test func aFullDiskLeavesEarlierExportsAndModelsIntact() throws {
        let dir = try temporaryDirectory()
        let setup = """
            load \(repositoryRoot)/datasets/retail-demo.csv
            set horizon 4
            train snaive
            train mlp epochs=1 batches=2 hidden=4 context=8
            export forecasts snaive to forecasts.csv
            decide cu=4 co=1 model=snaive to orders.csv
            save model mlp to model.hzm
            """
        let first = try horizon([], input: setup, in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let before = try ["forecasts.csv", "orders.csv", "model.hzm"].map { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)) }

        let run = try horizonOnAFullDisk(setup.replacingOccurrences(of: "set horizon 4", with: "set horizon 6"), in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("<stdin>:5:28: error: cannot write 'forecasts.csv': File too large"), "\(run.stderr)")
        #expect(run.stderr.contains("<stdin>:6:34: error: cannot write 'orders.csv': File too large"), "\(run.stderr)")
        #expect(run.stderr.contains("<stdin>:7:19: error: cannot write 'model.hzm': File too large"), "\(run.stderr)")
        let after = try ["forecasts.csv", "orders.csv", "model.hzm"].map { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)) }
        #expect(after == before)
        let leftovers = try hidden(dir)
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    /// gnuplot exits with success when its writes fail: the chart is checked whole before it
    /// replaces the earlier one.
    @Test(.enabled(if: gnuplotInstalled, "needs gnuplot"))
    func aFullDiskLeavesEarlierChartsIntact() throws {
        let dir = try temporaryDirectory()
        let script = "load \(repositoryRoot)/datasets/retail-demo.csv\nset horizon 4\ntrain snaive\nplot JACKET-01 to fan.svg\nplot compare to bars.png\n"
        let first = try horizon([], input: script, in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let before = try ["fan.svg", "bars.png"].map { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)) }
        let run = try horizonOnAFullDisk(script.replacingOccurrences(of: "set horizon 4", with: "set horizon 6"), in: dir)
        #expect(run.stderr.contains("<stdin>:4:19: error: gnuplot wrote an incomplete chart"), "\(run.stderr)")
        #expect(run.stderr.contains("<stdin>:5:17: error: gnuplot wrote an incomplete chart"), "\(run.stderr)")
        let after = try ["fan.svg", "bars.png"].map { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)) }
        #expect(after == before)
        let leftovers = try hidden(dir)
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    /// `kill -9` in the middle of training loses that training and nothing else: the history
    /// holds every line typed, the files written before are whole, the model still loads, and
    /// the run log still lists the runs logged before.
    @Test func killDuringTrainLosesOnlyThatTraining() throws {
        let dir = try temporaryDirectory()
        let log = dir + "/runs.sqlite"
        let terminal = try PseudoTerminalSession(environment: ["XDG_STATE_HOME": dir + "/state", "HORIZON_RUNS": log], directory: dir)
        let lines = ["load \(repositoryRoot)/datasets/retail-demo.csv", "set horizon 4", "train snaive",
                     "export forecasts snaive to forecasts.csv", "train mlp epochs=1 batches=2 hidden=4 context=8", "save model mlp to model.hzm"]
        for (k, line) in lines.enumerated() {
            #expect(terminal.waitFor("[\(k + 1)]> "))
            terminal.send(line + "\r")
        }
        #expect(terminal.waitFor("[\(lines.count + 1)]> "))
        #expect(terminal.transcript.contains("saved mlp"))
        let before = try ["forecasts.csv", "model.hzm"].map { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)) }
        let start = terminal.mark
        terminal.send("train mlp epochs=500 batches=200 hidden=16 as long\r")
        #expect(terminal.waitFor("long", after: start))
        #expect(terminal.waitFor("/100000", after: start), "no progress bar: \(terminal.transcript[start...])")
        kill(terminal.process.processIdentifier, SIGKILL)
        #expect(terminal.waitForExit())

        let history = try String(contentsOfFile: dir + "/state/horizon/history", encoding: .utf8)
        #expect(history == (lines + ["train mlp epochs=500 batches=200 hidden=16 as long"]).joined(separator: "\n") + "\n")
        let after = try ["forecasts.csv", "model.hzm"].map { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)) }
        #expect(after == before)
        let reload = try horizon([], input: "load \(repositoryRoot)/datasets/retail-demo.csv\nset horizon 4\nload model model.hzm\nforecast mlp\nruns\n",
                                 in: dir, environment: ["HORIZON_RUNS": log])
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(reload.stdout.contains("loaded mlp (mlp,"))
        let runs = reload.stdout.split(separator: "\n").filter { $0.contains(" train ") }
        #expect(runs.count == 2 && runs.contains { $0.contains("snaive") } && runs.contains { $0.contains("mlp") }, "\(reload.stdout)")
    }

    @Test func aDamagedHistoryIsMovedAsideAndTheREPLStarts() throws {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/horizon", withIntermediateDirectories: true)
        try Data([0x00, 0x01, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: dir + "/horizon/history"))
        let terminal = try PseudoTerminalSession(environment: ["XDG_STATE_HOME": dir], directory: dir)
        #expect(terminal.waitFor("[1]> "))
        #expect(terminal.transcript.contains("warning: the history file \(dir)/horizon/history is damaged (not text); moved it to \(dir)/horizon/history.corrupt"))
        terminal.send("set seed 3\r")
        #expect(terminal.waitFor("[2]> "))
        terminal.send("quit\r")
        #expect(terminal.waitForExit())
        #expect(try String(contentsOfFile: dir + "/horizon/history", encoding: .utf8) == "set seed 3\nquit\n")
    }

    @Test func aScriptThatIsNotAFileIsRefused() throws {
        let run = try horizon(["/dev/zero"])
        #expect(run.status == 2)
        #expect(run.stderr == "error: cannot read script '/dev/zero': not a regular file\n")
    }

    @Test func aDamagedModelFileIsAnErrorAndTheSessionGoesOn() throws {
        let dir = try temporaryDirectory()
        let first = try horizon([], input: "load \(repositoryRoot)/datasets/retail-demo.csv\nset horizon 4\ntrain mlp epochs=1 batches=2 hidden=4 context=8\nsave model mlp to model.hzm\n", in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/model.hzm"))
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: dir + "/damaged.hzm"))
        try bytes.prefix(100).write(to: URL(fileURLWithPath: dir + "/truncated.hzm"))
        let run = try horizon([], input: "load model damaged.hzm\nload model truncated.hzm\nset seed 5\nhistory\n", in: dir)
        #expect(run.stderr.contains("<stdin>:1:12: error: cannot load 'damaged.hzm': corrupt model file: checksum mismatch (the file was truncated or altered)"), "\(run.stderr)")
        #expect(run.stderr.contains("<stdin>:2:12: error: cannot load 'truncated.hzm': corrupt model file: checksum mismatch (the file was truncated or altered)"), "\(run.stderr)")
        #expect(run.stdout.contains("seed 5"))
    }
}
