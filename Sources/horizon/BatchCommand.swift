import ArgumentParser
import Foundation
import HorizonCore
import HorizonData
import HorizonLanguage

/// `horizon batch`: forecasts for every series of one long table, for a scheduler (Spark, cron)
/// to run per partition. See `BatchJob` for what the script may hold.
struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Forecast every series of a long table with a script's models; no holdout, no terminal output.",
        discussion: """
            Reads the table (CSV, gzip or xz; '-' for standard input) with its columns as declared: nothing \
            is detected, so every part of a partitioned dataset is read the same way. Runs the script's \
            model commands (set horizon|context|seed, quantiles, train, load model, save model, forecast) \
            on all the data, once, and writes item,time,step,model,point,pNN… rows (a script that saves a \
            model and has no forecast command is a training job and writes none).
            A series with a problem of its own (a duplicate row, a cell that is not a number, a forecast \
            that fails) is left out and reported as a JSON line {"item","stage","message"} on the error stream; \
            the others are forecast. A problem with the job itself is one JSON line with "item": null.
            Exit status: 0 every series forecast, 1 some series failed, 2 nothing forecast (the job failed).
            """)

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("The long table to read, or - for standard input.", valueName: "PATH"))
    var data: String

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("The column(s) naming a series, comma-separated.", valueName: "COLS"))
    var item: String

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("The time column.", valueName: "COL"))
    var time: String

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("The column to forecast.", valueName: "COL"))
    var target: String

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("The frequency: H, D, W, M, Q, Y, or S for integer steps.", valueName: "CODE"))
    var freq: String

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("The seasonal period (default: by frequency).", valueName: "N"))
    var season: Int?

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("Numeric covariates over time (price, promo), comma-separated.", valueName: "COLS"))
    var numeric: String = ""

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("Text covariates over time (an event), comma-separated.", valueName: "COLS"))
    var categorical: String = ""

    @ArgumentParser.Option(name: .customLong("static"), help: ArgumentHelp("Attributes with one value per item (category), comma-separated.", valueName: "COLS"))
    var statics: String = ""

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("A script of model commands.", valueName: "FILE"), completion: .file(extensions: ["hz"]))
    var script: String?

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("The model commands themselves, one per line (instead of --script).", valueName: "TEXT"))
    var commands: String?

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("Steps ahead (default: by frequency, as in a session).", valueName: "N"))
    var horizon: Int?

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("Quantile levels, comma-separated (default p10,p50,p90).", valueName: "LEVELS"))
    var quantiles: String?

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("Where the forecasts go: a path, or - for standard output (the default).", valueName: "PATH"))
    var output: String = "-"

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("Where the JSON lines of failures go (default: standard error).", valueName: "PATH"))
    var errors: String?

    @ArgumentParser.Option(name: .long, help: ArgumentHelp("The most cores to use (default: all): what the scheduler granted this task.", valueName: "N"))
    var threads: Int?

    func validate() throws {
        guard (script == nil) != (commands == nil) else { throw ValidationError("give the model commands with either --script FILE or --commands TEXT") }
        guard Frequency(code: freq) != nil else { throw ValidationError("--freq \(Visible.name(freq)) is not a frequency: H, D, W, M, Q, Y or S (integer steps)") }
        if let season, !(1...Session.maxSteps).contains(season) { throw ValidationError("--season must be 1…\(Session.maxSteps)") }
        if let horizon, !(1...Session.maxSteps).contains(horizon) { throw ValidationError("--horizon must be 1…\(Session.maxSteps)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        _ = try levels()
        try refuseOverlappingFiles()
    }

    /// What the job writes must not be what it reads, nor each other: `--errors` is opened
    /// (emptied) before the data is read, and `--output` replaces its file when the job ends.
    /// The model files the script loads and saves count too (as far as it parses: a script
    /// that does not is the job's own error, reported when it runs).
    private func refuseOverlappingFiles() throws {
        var read = [("--data", data), ("--script", script)].compactMap { name, path in path.flatMap { $0 == "-" ? nil : (name, $0) } }
        var written = [("--output", output), ("--errors", errors)].compactMap { name, path in path.flatMap { $0 == "-" ? nil : (name, $0) } }
        let text = commands ?? script.flatMap { try? RegularFile.text($0) } ?? ""
        for statement in (try? Parser().parse(text, source: "script")) ?? [] {
            if let load = statement.command as? LoadCommand, case .model(let path, _) = load.form { read.append(("load model", path.value)) }
            if let save = statement.command as? SaveCommand, case .model(_, let path) = save.form { written.append(("save model", path.value)) }
        }
        for (k, (name, path)) in written.enumerated() {
            for (other, otherPath) in read + written.prefix(k) where AtomicFile.sameDestination(path, otherPath) {
                // A model saved over one the script loads or saved is the script's own business, as in a session.
                if name == "save model" && other.hasSuffix("model") { continue }
                throw ValidationError("\(name) \(Visible.name(path)) is the file of \(other): writing there would destroy it; choose another file")
            }
        }
    }

    private func names(_ list: String) -> [String] { list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    private func levels() throws -> [Double]? {
        guard let quantiles else { return nil }
        let location = SourceLocation(source: "--quantiles", line: 1, column: 1)
        let levels = try names(quantiles).map { word -> Double in
            do { return try QuantilesCommand.level(Located(word, at: location)).value } catch let error as HorizonError {
                throw ValidationError("--quantiles: \(error.message)")
            }
        }
        // Told apart by name: two levels that print alike would be two columns of one name.
        guard !levels.isEmpty, Set(levels.map(NumberFormat.quantileName)).count == levels.count else {
            throw ValidationError("--quantiles needs distinct levels (told apart to 4 decimals of a percent)")
        }
        return levels.sorted()
    }

    func run() throws {
        // A scheduler stops a job with SIGTERM (Ctrl-C by hand): the output being written goes,
        // the earlier one stays. A batch job has no prompt to return to, so Ctrl-C ends it too.
        TemporaryFiles.removeOnTermination(interrupt: true)
        if let threads { Parallelism.limit(to: threads) }
        let errorStream: Int32
        if let errors {
            errorStream = open(errors, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard errorStream >= 0 else {
                Terminal.printError("error: cannot write '\(Visible.name(errors))': \(String(cString: strerror(errno)))")
                throw ExitCode(2)
            }
        } else {
            errorStream = STDERR_FILENO
        }
        defer { if errorStream != STDERR_FILENO { close(errorStream) } }
        let report = { (failure: FailureRecord) in
            try? AtomicFile.writeAll(failure.jsonLine, to: errorStream)
        }

        var options = LoadOptions(format: .long, itemColumns: names(item), timeColumn: time, targetColumn: target,
                                  frequency: Frequency(code: freq), season: season)
        options.declared = DeclaredColumns(numeric: names(numeric), categorical: names(categorical), statics: names(statics))
        let outcome: BatchJob.Outcome
        do {
            let text = try commands ?? RegularFile.text(script!)
            let levels = try levels()
            let job = BatchJob(dataPath: data, loadOptions: options, script: text, scriptSource: script ?? "--commands",
                               horizon: horizon, levels: levels)
            outcome = try withOutput { fd in
                let writer = BatchWriter(fd: fd, levels: levels ?? [0.1, 0.5, 0.9])
                let outcome = try job.run(forecasts: writer) { report(FailureRecord(item: $0.item, stage: $0.stage, message: $0.message)) }
                // A job that forecast nothing has failed: its file (a header alone) must not
                // replace an earlier good one.
                if outcome.forecastsWanted && outcome.forecastSeries == 0 { throw NothingForecast() }
                try writer.finish()
                return outcome
            }
        } catch is NothingForecast {
            throw ExitCode(2)
        } catch let error as HorizonError {
            report(FailureRecord(item: nil, stage: "job", message: error.description))
            throw ExitCode(2)
        } catch let error as AtomicFile.WriteError {
            // Only the forecasts are written through AtomicFile here (a model file's error is a
            // HorizonError already), so the path to name is the output's.
            let target = output == "-" ? "standard output" : "'\(Visible.name(output))'"
            report(FailureRecord(item: nil, stage: "job", message: "cannot write \(target): \(error.reason)"))
            throw ExitCode(2)
        } catch let error as RegularFile.Unreadable {
            report(FailureRecord(item: nil, stage: "job", message: "cannot read the script '\(Visible.name(script ?? ""))': \(error.reason)"))
            throw ExitCode(2)
        } catch {
            report(FailureRecord(item: nil, stage: "job", message: "\(error)"))
            throw ExitCode(2)
        }
        if outcome.forecastsWanted && outcome.forecastSeries == 0 { throw ExitCode(2) }
        if !outcome.failures.isEmpty { throw ExitCode(1) }
    }

    /// Every series failed: the job fails (exit 2), each failure already reported.
    private struct NothingForecast: Error {}

    /// Runs `body` on the output's descriptor: standard output as it goes, or a file written
    /// atomically (a failed job leaves no half-written file, and any earlier one intact).
    private func withOutput<T>(_ body: (Int32) throws -> T) throws -> T {
        if output == "-" { return try body(STDOUT_FILENO) }
        var result: T?
        try AtomicFile.write(to: output) { fd in result = try body(fd) }
        return result!
    }
}

/// One line of the error stream.
struct FailureRecord: Encodable {
    var item: String?
    var stage: String
    var message: String

    /// The record as one line of JSON (control characters escaped, so an id cannot break it).
    var jsonLine: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        data.append(0x0A)
        return data
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(item, forKey: .item)  // null for the job itself, never left out
        try container.encode(stage, forKey: .stage)
        try container.encode(message, forKey: .message)
    }

    enum CodingKeys: String, CodingKey { case item, stage, message }
}
