import Foundation
import Testing

@Suite(.serialized) struct CommandLineTests {
    @Test func pipedInputReportsALocatedErrorAndGoesOn() throws {
        let run = try horizon([], input: "load nope.csv\nhelp\nquit\n")
        #expect(run.stderr.contains("<stdin>:1:6: error: no such file 'nope.csv'"))
        #expect(run.stdout.contains("what it does"))  // the help table after the error
        #expect(!run.stdout.contains("[1]>"))          // no prompts on a pipe
        #expect(run.status == 1)
    }

    /// A last line ending in `\` runs at the end of the input, as in a script (it was dropped).
    @Test func aPipedLastLineThatContinuesStillRuns() throws {
        for input in ["set seed 5\nset seed 9 \\", "set seed 5\nset seed 9 \\\n"] {
            let run = try horizon([], input: input)
            #expect(run.status == 0)
            #expect(run.stdout.contains("seed 9"), "\(run.stdout)")
        }
    }

    @Test func aBadCommandInAScriptExitsNonZeroWithItsPosition() throws {
        let dir = try temporaryDirectory()
        try "help\n\n  traim snaive\nhelp\n".write(toFile: dir + "/bad.hz", atomically: false, encoding: .utf8)
        let run = try horizon(["bad.hz"], in: dir)
        #expect(run.status != 0)
        #expect(run.stderr.contains("bad.hz:3:3: error: unknown command 'traim'; did you mean 'train'?"))
        #expect(run.stdout.isEmpty)  // parsed before anything ran
    }

    @Test func versionAndHelp() throws {
        #expect(try horizon(["--version"]).stdout.contains("horizon 0.1.0"))
        let help = try horizon(["--help"])
        #expect(help.stdout.contains("USAGE: horizon"))
        #expect(help.status == 0)
    }

    @Test func aScriptLoadsTrainsEvaluatesAndExports() throws {
        let dir = try temporaryDirectory()
        let script = """
            load \(repositoryRoot)/datasets/retail-demo.csv
            set horizon 8
            holdout 8
            train snaive
            train naive2
            evaluate
            export forecasts snaive to out/forecasts.csv
            """
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        try script.write(toFile: dir + "/walk.hz", atomically: false, encoding: .utf8)
        let run = try horizon(["walk.hz"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("format: long (detected)"))
        #expect(run.stdout.contains("wQL[p50]") && run.stdout.contains("MASE") && run.stdout.contains("cov[p10–p90]"))
        let csv = try String(contentsOfFile: dir + "/out/forecasts.csv", encoding: .utf8)
        #expect(csv.hasPrefix("item,time,step,point,p10,p50,p90\nDETERGENT-01,2023-01-02,1,"))
        #expect(csv.split(separator: "\n").count == 1 + 228 * 8)
    }

    @Test(.enabled(if: gnuplotInstalled, "needs gnuplot"))
    func plotWritesAPNGFanChart() throws {
        let dir = try temporaryDirectory()
        let run = try horizon([], input: "load \(repositoryRoot)/datasets/retail-demo.csv\nset horizon 8\ntrain snaive\nplot JACKET-01 to x.png\nplot JACKET-01 to x.svg\n", in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let png = try Data(contentsOf: URL(fileURLWithPath: dir + "/x.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(png.count > 10_000)
        let svg = try String(contentsOfFile: dir + "/x.svg", encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("JACKET-01") && svg.contains("p10–p90"))
    }
}

@Suite(.serialized) struct REPLTests {
    @Test func historySurvivesARestartAndTabCompletes() throws {
        let state = try temporaryDirectory()
        let environment = ["XDG_STATE_HOME": state]
        let first = try PseudoTerminalSession(environment: environment, directory: state)
        #expect(first.waitFor("[1]> "))
        first.send("set horizon 5\r")
        #expect(first.waitFor("horizon 5"))
        #expect(first.waitFor("[2]> "))
        first.send("desc\t")
        #expect(first.waitFor("describe"))
        let mark = first.mark
        first.send("\r")
        #expect(first.waitFor("no data loaded", after: mark))
        first.send("quit\r")
        #expect(first.waitForExit())
        let history = try String(contentsOfFile: state + "/horizon/history", encoding: .utf8)
        #expect(history.contains("set horizon 5"))

        let second = try PseudoTerminalSession(environment: environment, directory: state)
        #expect(second.waitFor("[1]> "))
        second.send("\u{1B}[A\u{1B}[A\u{1B}[A")  // up three entries: quit, describe, set horizon 5
        #expect(second.waitFor("set horizon 5"))
        let before = second.mark
        second.send("\r")
        #expect(second.waitFor("horizon 5", after: before))
        // Ctrl-C at the prompt abandons the line and keeps the session.
        #expect(second.waitFor("[2]> "))
        second.send("train nai")
        #expect(second.waitFor("train nai"))
        let afterInterruptPrompt = second.mark
        kill(second.process.processIdentifier, SIGINT)
        #expect(second.waitFor("[2]> ", after: afterInterruptPrompt))
        let afterInterrupt = second.mark
        second.send("history\r")
        #expect(second.waitFor("set horizon 5", after: afterInterrupt))
        #expect(second.waitFor("[3]> ", after: afterInterrupt))
        second.send("\u{04}")  // Ctrl-D
        #expect(second.waitForExit())
    }

    /// Ctrl-C during a backtest stops it between windows and leaves the session as it was.
    @Test func ctrlCStopsABacktestAndKeepsTheSession() throws {
        let state = try temporaryDirectory()
        let terminal = try PseudoTerminalSession(environment: ["XDG_STATE_HOME": state], directory: state)
        #expect(terminal.waitFor("[1]> "))
        terminal.send("load \(repositoryRoot)/datasets/retail-demo.csv\r")
        #expect(terminal.waitFor("[2]> "))
        terminal.send("set horizon 8\r")
        #expect(terminal.waitFor("[3]> "))
        let start = terminal.mark
        terminal.send("backtest snaive windows=100 step=1\r")
        // The progress bar shows once the first window is done: the backtest is under way.
        #expect(terminal.waitFor("/100 ", after: start))
        kill(terminal.process.processIdentifier, SIGINT)
        #expect(terminal.waitFor("interrupted: the session is as it was before this command", after: start))
        #expect(terminal.waitFor("[4]> ", after: start))
        let afterInterrupt = terminal.mark
        terminal.send("history\r")
        #expect(terminal.waitFor("set horizon 8", after: afterInterrupt))
        #expect(terminal.waitFor("[5]> ", after: afterInterrupt))
        #expect(!terminal.transcript[afterInterrupt...].contains("backtest snaive windows"))
        #expect(!terminal.transcript[start...].contains("pooled"))
        terminal.send("quit\r")
        #expect(terminal.waitForExit())
    }

    /// Ctrl-C during training stops it after the current batch and keeps the best weights so
    /// far as a trained model, instead of throwing the training away.
    @Test func ctrlCStopsTrainingAndKeepsTheBestModelSoFar() throws {
        let state = try temporaryDirectory()
        let terminal = try PseudoTerminalSession(environment: ["XDG_STATE_HOME": state, "HORIZON_RUNS": "off"], directory: state)
        #expect(terminal.waitFor("[1]> "))
        terminal.send("load \(repositoryRoot)/datasets/retail-demo.csv\r")
        #expect(terminal.waitFor("[2]> "))
        let start = terminal.mark
        terminal.send("train mlp epochs=10000 hidden=8 batches=200 batch=16\r")
        // The progress bar's detail shows a finished epoch: training is under way (for hours).
        #expect(terminal.waitFor(" loss ", after: start, timeout: 90), "\(terminal.tail)")
        kill(terminal.process.processIdentifier, SIGINT)
        #expect(terminal.waitFor("stopped by Ctrl-C in epoch", after: start), "\(terminal.tail)")
        #expect(terminal.waitFor("[3]> ", after: start))
        let afterInterrupt = terminal.mark
        terminal.send("models\r")
        #expect(terminal.waitFor("hidden=8", after: afterInterrupt))
        terminal.send("quit\r")
        #expect(terminal.waitForExit())
    }

    /// Ctrl-C during a long export stops it and leaves no file, nor half of one. (A real
    /// SIGINT to a separate process: raising the flag inside the test process would interrupt
    /// whatever other test runs beside it.)
    @Test func ctrlCStopsALongExportAndLeavesNoFile() throws {
        let state = try temporaryDirectory()
        let terminal = try PseudoTerminalSession(environment: ["XDG_STATE_HOME": state, "HORIZON_RUNS": "off"], directory: state)
        #expect(terminal.waitFor("[1]> "))
        terminal.send("load \(repositoryRoot)/datasets/retail-demo.csv\r")
        #expect(terminal.waitFor("[2]> "))
        terminal.send("holdout 4\rset horizon 10000\rtrain naive\r")
        #expect(terminal.waitFor("[5]> "))
        let start = terminal.mark
        terminal.send("export forecasts to big.csv\r")
        // The temporary file appears once rows are being written: the export is under way.
        let writing = { (try? FileManager.default.contentsOfDirectory(atPath: state))?.contains { $0.hasPrefix(".horizon-") } == true }
        let deadline = Date().addingTimeInterval(60)
        while !writing() && Date() < deadline { usleep(2_000) }
        #expect(writing())
        kill(terminal.process.processIdentifier, SIGINT)
        #expect(terminal.waitFor("interrupted", after: start), "\(terminal.tail)")
        #expect(terminal.waitFor("[6]> ", after: start))
        #expect(!terminal.transcript[start...].contains("wrote 228 series"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).allSatisfy { !$0.hasPrefix(".horizon-") && $0 != "big.csv" })
        terminal.send("quit\r")
        #expect(terminal.waitForExit())
    }

    /// Ctrl-C while a forest grows stops it between batches of trees; no model is added.
    @Test func ctrlCStopsTrainingAForestAndKeepsTheSession() throws {
        let state = try temporaryDirectory()
        let terminal = try PseudoTerminalSession(environment: ["XDG_STATE_HOME": state], directory: state)
        #expect(terminal.waitFor("[1]> "))
        terminal.send("load \(repositoryRoot)/datasets/retail-demo.csv\r")
        #expect(terminal.waitFor("[2]> "))
        terminal.send("set horizon 8\r")
        #expect(terminal.waitFor("[3]> "))
        let start = terminal.mark
        terminal.send("train forest trees=4000\r")
        // The progress bar shows once the first batch of trees is grown.
        #expect(terminal.waitFor("/4000 ", after: start))
        kill(terminal.process.processIdentifier, SIGINT)
        #expect(terminal.waitFor("interrupted: the session is as it was before this command", after: start))
        #expect(terminal.waitFor("[4]> ", after: start))
        let afterInterrupt = terminal.mark
        terminal.send("models\r")
        #expect(terminal.waitFor("[5]> ", after: afterInterrupt))
        #expect(!terminal.transcript[start...].contains("trained forest"))
        #expect(!terminal.transcript[afterInterrupt...].contains("trees=4000"))
        terminal.send("quit\r")
        #expect(terminal.waitForExit())
    }
}
