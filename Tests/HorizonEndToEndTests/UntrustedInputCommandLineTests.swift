import Foundation
import HorizonRuns
import Testing

/// The untrusted-input guarantees seen from outside, through the `horizon` executable.
@Suite(.serialized) struct UntrustedInputCommandLineTests {
    /// Ids with terminal escapes (an OSC 52 clipboard write, a screen clear, a bell, CR).
    static func hostileCSV(in dir: String) throws -> String {
        var csv = "item,week,sales\n"
        for id in ["\"A\u{1B}]52;c;aGk=\u{7}\"", "\"B\u{1B}[2J\rX\"", "plain"] {
            for w in 0..<60 {
                let date = Date(timeIntervalSince1970: 1_546_819_200 + Double(w) * 604_800)
                let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
                csv += "\(id),\(day),\(10 + w % 7)\n"
            }
        }
        let path = dir + "/escapes.csv"
        try csv.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static func hasRawControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
    }

    /// A chart path is a file name to gnuplot, whatever it starts with: a folder named
    /// `|sh payload;cd ` (shipped in a shared project) once made `plot … to` run the payload
    /// through gnuplot's pipe output, and a folder named `~` wrote into the home folder.
    @Test(.enabled(if: gnuplotInstalled, "needs gnuplot"))
    func aChartPathStartingWithAPipeOrTildeIsAFileName() throws {
        let dir = try temporaryDirectory()
        let home = dir + "/home"
        for folder in ["|sh payload;cd ", "~", "home"] { try FileManager.default.createDirectory(atPath: dir + "/" + folder, withIntermediateDirectories: true) }
        try "echo ran > \(dir)/canary\n".write(toFile: dir + "/payload", atomically: false, encoding: .utf8)
        let data = try Self.hostileCSV(in: dir)
        let script = "load \(data)\nset horizon 4\ntrain naive\nplot plain to \"|sh payload;cd /chart.svg\"\nplot plain to \"~/tilde.png\"\n"
        let run = try horizon([], input: script, in: dir, environment: ["HOME": home])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/canary"), "the payload ran")
        #expect(FileManager.default.fileExists(atPath: dir + "/|sh payload;cd /chart.svg"))
        #expect(FileManager.default.fileExists(atPath: dir + "/~/tilde.png"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: home).isEmpty)
    }

    /// Arguments quoted back in an error (the argument library's own messages too) show their
    /// control characters as escapes, and a notebook path with one is refused before the
    /// script runs.
    @Test func controlCharactersInArgumentsAreShownNotSent() throws {
        let dir = try temporaryDirectory()
        let script = dir + "/s.hz"
        try "set horizon 4\n".write(toFile: script, atomically: false, encoding: .utf8)
        let runs = [
            try horizon([script, "--notebook", dir + "/d\u{1B}[1m/out.html"]),
            try horizon(["batch", "--data", script, "--item", "a", "--time", "b", "--target", "c", "--freq", "W", "--commands", "train naive",
                         "--season", "\u{1B}]0;X\u{7}"]),
        ]
        for run in runs {
            #expect(run.status != 0)
            #expect(!Self.hasRawControl(run.stderr), "stderr: \(run.stderr.debugDescription)")
            #expect(run.stderr.contains("\\x1b"), "\(run.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["s.hz"], "the script did not run")
    }

    /// Escape sequences in data reach neither the terminal (tables, messages, errors) nor the
    /// run log, which shows them made visible in every later session.
    @Test func escapeSequencesInDataAreShownNotSent() throws {
        let dir = try temporaryDirectory()
        let data = try Self.hostileCSV(in: dir)
        let log = dir + "/runs.sqlite"
        let script = "load \(data)\nset horizon 4\ntrain snaive as \"s\u{1B}[31mred\"\nevaluate by=item\nshow \"A\u{1B}]52;c;aGk=\u{7}\" n=2\n"
            + "show \"A\u{1B}]52;c;aGk=\"\nruns\n"
        let run = try horizon([], input: script, environment: ["HORIZON_RUNS": log])
        #expect(run.status == 1, "the unknown item is an error")
        #expect(!Self.hasRawControl(run.stdout), "stdout: \(run.stdout.debugDescription)")
        #expect(!Self.hasRawControl(run.stderr), "stderr: \(run.stderr.debugDescription)")
        #expect(run.stdout.contains("A\\x1b]52;c;aGk=\\x07") && run.stdout.contains("s\\x1b[31mred"))
        #expect(run.stderr.contains("no series 'A\\x1b]52;c;aGk='") || run.stderr.contains("A\\x1b]52;c;aGk="), "\(run.stderr)")
        let stored = try RunStore(path: log).recent(limit: 10).runs
        #expect(!stored.isEmpty)
        for r in stored { #expect(!Self.hasRawControl(r.modelName + r.line + r.options), "\(r.modelName.debugDescription)") }
    }

    /// `export … to /dev/stdout` streams into the pipe and leaves the device link alone (run
    /// as root, the atomic rename used to replace it with a regular file).
    @Test func exportToStandardOutputStreams() throws {
        let dir = try temporaryDirectory()
        let data = try Self.hostileCSV(in: dir)
        var before = stat()
        #expect(lstat("/dev/stdout", &before) == 0)
        let run = try horizon([], input: "load \(data)\nset horizon 4\ntrain snaive\nexport forecasts to /dev/stdout\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("item,time,step,point,p10,p50,p90\n"))
        #expect(run.stdout.contains("plain,2020-03-02,1,"))
        var after = stat()
        #expect(lstat("/dev/stdout", &after) == 0 && after.st_mode & S_IFMT == before.st_mode & S_IFMT)
    }

    /// Data piped into `load /dev/stdin` arrives whole (the compression sniff used to eat the
    /// first bytes of a pipe), plain or gzipped.
    @Test func loadingFromAPipeLosesNoByte() throws {
        let dir = try temporaryDirectory()
        let script = dir + "/from-stdin.hz"
        try "load /dev/stdin\ndescribe\n".write(toFile: script, atomically: false, encoding: .utf8)
        let csv = try String(contentsOfFile: try Self.hostileCSV(in: dir), encoding: .utf8)
        let plain = try horizon([script], input: csv)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("loaded /dev/stdin: 3 series, 60–60 points each, 180 rows"), "\(plain.stdout)")
        #expect(plain.stdout.contains("item: item") && plain.stdout.contains("target: sales"))
    }

    /// A script cannot write over itself, whether run directly or as a notebook.
    @Test func aScriptCannotOverwriteItself() throws {
        let dir = try temporaryDirectory()
        let script = dir + "/self.hz"
        let text = "set horizon 4\nsave session \(script)\n"
        try text.write(toFile: script, atomically: false, encoding: .utf8)
        let run = try horizon([script])
        #expect(run.status == 1)
        #expect(run.stderr.contains("is the script being run"), "\(run.stderr)")
        #expect(try String(contentsOfFile: script, encoding: .utf8) == text)
        let notebook = try horizon([script, "--notebook", dir + "/self.html"])
        #expect(notebook.stderr.contains("is the notebook's script"), "\(notebook.stderr)")
        #expect(try String(contentsOfFile: script, encoding: .utf8) == text)
    }
}
