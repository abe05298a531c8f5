import Foundation
import Testing

/// `horizon batch` as a scheduler runs it: the table on standard input, forecasts on standard
/// output, failures as JSON lines, and an exit status that says all, some or nothing.
@Suite(.serialized) struct BatchCommandTests {
    static let columns = ["--item", "item", "--time", "week", "--target", "sales", "--freq", "W", "--numeric", "price,promo", "--static", "category"]

    func demo() throws -> String { try String(contentsOfFile: repositoryRoot + "/datasets/retail-demo.csv", encoding: .utf8) }

    @Test func everySeriesForecastExitsZero() throws {
        let run = try horizon(["batch", "--data", "-", "--horizon", "3", "--threads", "1", "--commands", "train snaive"] + Self.columns, input: try demo())
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first == "item,time,step,model,point,p10,p50,p90")
        #expect(lines.count == 1 + 228 * 3)
    }

    /// A scheduler's SIGTERM mid-job: the output being written goes, the earlier one stays,
    /// and no `.horizon-RANDOM.tmp.csv` is left beside it.
    @Test func aTerminatedJobLeavesTheEarlierOutputAndNoTemporaryFile() throws {
        let dir = try temporaryDirectory()
        try "earlier\n".write(toFile: dir + "/out.csv", atomically: false, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: horizonBinary)
        process.arguments = ["batch", "--data", repositoryRoot + "/datasets/retail-demo.csv", "--horizon", "8", "--output", dir + "/out.csv",
                             "--commands", "train naive\nforecast\ntrain arima\nforecast arima"] + Self.columns
        process.environment = testEnvironment([:])
        process.standardError = FileHandle.nullDevice
        try process.run()
        let started = Date()
        while try FileManager.default.contentsOfDirectory(atPath: dir).count < 2 {
            #expect(Date().timeIntervalSince(started) < 60, "the job never started its output")
            guard Date().timeIntervalSince(started) < 60, process.isRunning else { break }
            usleep(20_000)
        }
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.csv"])
        #expect(try String(contentsOfFile: dir + "/out.csv", encoding: .utf8) == "earlier\n")
    }

    /// One series with a duplicate row: its error as a JSON line, every other series forecast, exit 1.
    @Test func aBadSeriesIsAnErrorRecordAndTheRestAreForecast() throws {
        let duplicate = try demo().split(separator: "\n").first { $0.hasPrefix("JACKET-01,") }!
        let dir = try temporaryDirectory()
        let run = try horizon(["batch", "--data", "-", "--horizon", "2", "--commands", "train snaive", "--errors", dir + "/errors.jsonl"] + Self.columns,
                              input: try demo() + duplicate + "\n")
        #expect(run.status == 1, "\(run.stderr)")
        let errors = try String(contentsOfFile: dir + "/errors.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(errors.count == 1)
        let record = try JSONSerialization.jsonObject(with: Data(errors[0].utf8)) as? [String: String]
        #expect(record?["item"] == "JACKET-01" && record?["stage"] == "load")
        #expect(record?["message"]?.hasSuffix("two rows for the same time") == true)  // no aggregate= to suggest in a batch
        #expect(!run.stdout.contains("JACKET-01,") && run.stdout.split(separator: "\n").count == 1 + 227 * 2)
    }

    /// A problem with the job itself: one JSON line with a null item, nothing forecast, exit 2.
    @Test func aBrokenJobIsOneRecordAndExitTwo() throws {
        let run = try horizon(["batch", "--data", "-", "--commands", "load model missing.hzm"] + Self.columns, input: try demo())
        #expect(run.status == 2)
        let record = try JSONSerialization.jsonObject(with: Data(run.stderr.utf8)) as? [String: Any]
        #expect(record?["item"] is NSNull && record?["stage"] as? String == "job")
        #expect((record?["message"] as? String)?.contains("missing.hzm") == true)
        #expect(run.stdout.isEmpty)  // no header: nothing was forecast
    }

    /// What the job writes is never what it reads, nor the other output: refused before anything is opened.
    @Test func outputsThatAreInputsAreRefused() throws {
        let dir = try temporaryDirectory()
        let data = try demo()
        try data.write(toFile: dir + "/in.csv", atomically: false, encoding: .utf8)
        try "train snaive\n".write(toFile: dir + "/job.hz", atomically: false, encoding: .utf8)
        for (flag, path) in [("--output", "in.csv"), ("--errors", "in.csv"), ("--output", "job.hz"), ("--errors", "./in.csv")] {
            let run = try horizon(["batch", "--data", "in.csv", "--script", "job.hz", "--horizon", "2", flag, path] + Self.columns, in: dir)
            #expect(run.status != 0 && run.status != 1)
            #expect(run.stderr.contains("\(flag) \(path) is the file of --"), "\(run.stderr)")
        }
        let both = try horizon(["batch", "--data", "in.csv", "--script", "job.hz", "--output", "o.csv", "--errors", "o.csv"] + Self.columns, in: dir)
        #expect(both.stderr.contains("--errors o.csv is the file of --output"))
        // Model files the script loads or saves count too.
        let model = try horizon(["batch", "--data", "in.csv", "--commands", "load model m.hzm", "--errors", "m.hzm"] + Self.columns, in: dir)
        #expect(model.stderr.contains("--errors m.hzm is the file of load model"))
        let saved = try horizon(["batch", "--data", "in.csv", "--commands", "train qrf\nsave model qrf to in.csv"] + Self.columns, in: dir)
        #expect(saved.stderr.contains("save model in.csv is the file of --data"))
        #expect(try String(contentsOfFile: dir + "/in.csv", encoding: .utf8) == data)
        #expect(try String(contentsOfFile: dir + "/job.hz", encoding: .utf8) == "train snaive\n")
    }

    /// Ids come back exactly as they went in, spaces included, and an id the job cannot take
    /// (empty) leaves out its own rows only.
    @Test func idsAreKeptExactlyAndABadOneFailsOnlyItsRows() throws {
        let table = "item,week,sales\n\" a \",2019-01-07,1\n\" a \",2019-01-14,2\na,2019-01-07,3\na,2019-01-14,4\n,2019-01-07,5\n"
        let run = try horizon(["batch", "--data", "-", "--item", "item", "--time", "week", "--target", "sales", "--freq", "W", "--horizon", "1",
                               "--commands", "train naive"], input: table)
        #expect(run.status == 1, "\(run.stderr)")
        let ids = Set(run.stdout.split(separator: "\n").dropFirst().map { line -> String in
            let first = String(line.split(separator: ",").first ?? "")
            return first.hasPrefix("\"") ? String(first.dropFirst().dropLast()) : first
        })
        #expect(ids == [" a ", "a"])
        let record = try JSONSerialization.jsonObject(with: Data(run.stderr.utf8)) as? [String: String]
        #expect(record?["item"] == "" && record?["message"]?.contains("the item id is empty") == true)
    }

    /// Every series failed: exit 2, and an earlier good output file is left as it was, not
    /// replaced by a header alone.
    @Test func aJobThatForecastNothingKeepsTheEarlierOutput() throws {
        let dir = try temporaryDirectory(), output = dir + "/forecasts.csv"
        let good = try horizon(["batch", "--data", "-", "--horizon", "2", "--commands", "train snaive", "--output", output] + Self.columns, input: try demo())
        #expect(good.status == 0, "\(good.stderr)")
        let before = try String(contentsOfFile: output, encoding: .utf8)
        #expect(before.split(separator: "\n").count == 1 + 228 * 2)
        let bad = "item,week,sales,price,promo,category\nA,2019-01-07,x,1,0,c\nB,2019-01-07,1,1,0,c\nB,2019-01-07,2,1,0,c\n"
        let failed = try horizon(["batch", "--data", "-", "--horizon", "2", "--commands", "train snaive", "--output", output] + Self.columns, input: bad)
        #expect(failed.status == 2)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == before)
    }

    /// An output that cannot be written is named in the job's record.
    @Test func anUnwritableOutputIsNamed() throws {
        let dir = try temporaryDirectory()
        for (output, reason) in [(dir, "it is a folder"), (dir + "/none/f.csv", "the folder '\(dir)/none' does not exist")] {
            let run = try horizon(["batch", "--data", "-", "--horizon", "2", "--commands", "train snaive", "--output", output] + Self.columns, input: try demo())
            #expect(run.status == 2)
            let record = try JSONSerialization.jsonObject(with: Data(run.stderr.utf8)) as? [String: Any]
            #expect(record?["message"] as? String == "cannot write '\(output)': \(reason)")
        }
    }
}
