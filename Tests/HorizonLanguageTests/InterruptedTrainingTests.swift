import Foundation
import HorizonCore
import HorizonForecast
import Testing
@testable import HorizonLanguage

/// A training that Ctrl-C stopped is recorded as stopping where it stopped, so `save session`
/// replays the same model.
@Suite(.serialized) struct InterruptedTrainingTests {
    @Test func aTrainingStoppedByCtrlCReplaysAsTheSameModel() throws {
        let path = try demoFile()
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(path)\nset horizon 4\nholdout 4", source: "s")
        // Ctrl-C a second into a training of 5,000 epochs (each a few milliseconds here), on a
        // flag of this test's own, so the tests running beside it go on. The flag is raised from
        // a thread of its own: a Dispatch timer's handler waits for a thread of the pool the
        // tests themselves block, and on a 2-core CI machine it ran only after all 5,000 epochs.
        let flag = Interrupt.Flag()
        let raiser = Thread {
            Thread.sleep(forTimeInterval: 1.0)
            flag.raise()
        }
        raiser.start()
        try Interrupt.$local.withValue(flag) { try interpreter.execute("train mlp epochs=5000 batches=2", source: "s") }
        let model = try #require(interpreter.session.models.last)
        let stop = try #require(model.optionsText.split(separator: " ").first { $0.hasPrefix("stop=") }.flatMap { Int($0.dropFirst(5)) })
        #expect(stop >= 1 && stop < 5000)
        #expect(interpreter.session.history.last?.text == "train mlp stop=\(stop) epochs=5000 batches=2")
        let curve = try #require(model.predictor as? any ReportsTrainingCurve)
        #expect(curve.trainingCurve.count == stop)

        // The replay: the same weights, so the same forecasts.
        let replay = Interpreter(output: OutputBuffer())
        try replay.execute("load \(path)\nset horizon 4\nholdout 4\n" + (interpreter.session.history.last?.text ?? ""), source: "r")
        let (holdout, counts, _) = try interpreter.currentHoldout()
        let first = try interpreter.holdoutForecast(0, holdout: holdout, counts: counts)
        let second = try replay.holdoutForecast(0, holdout: holdout, counts: counts)
        #expect(first.items.map(\.point) == second.items.map(\.point))
        let replayed = try #require(replay.session.models.last?.predictor as? any ReportsTrainingCurve)
        #expect(replayed.trainingCurve.count == stop)
    }

    /// Ctrl-C while a combination trains its net cancels the combination: a member stopped
    /// partway has no `stop=` in the `train combo` line, so keeping it would not replay, and
    /// going on (judging: training the net again per held-out stretch) would ignore the request.
    @Test(arguments: ["mean", "stacked"]) func ctrlCInACombinationCancelsIt(method: String) throws {
        let path = try demoFile()
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(path)\nset horizon 4\nholdout 4\ntrain snaive", source: "s")
        let before = interpreter.session.history.count
        let flag = Interrupt.Flag()
        let raiser = Thread {
            Thread.sleep(forTimeInterval: 1.0)
            flag.raise()
        }
        raiser.start()
        // The net inside a combination trains 100 epochs of 50 batches: far longer than a second.
        #expect(throws: Interrupted.self) {
            try Interrupt.$local.withValue(flag) { try interpreter.execute("train combo members=snaive,mlp method=\(method)", source: "s") }
        }
        #expect(interpreter.session.models.map(\.name) == ["snaive"])
        #expect(interpreter.session.history.count == before)
    }
}
