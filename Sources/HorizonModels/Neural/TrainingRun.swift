import HorizonCore
import HorizonForecast
/// How a network's training went: its curve, the epoch whose weights were kept, why it
/// stopped, and how much it learned from — what `train` reports and a saved model keeps.
public struct TrainingRun: Codable, Sendable, Equatable {
    public var epochs: [TrainingEpoch] = []
    public var bestEpoch: Int = 0
    public var stopReason: String = ""
    public var parameterCount: Int = 0
    public var trainingWindows: Int = 0
    public var validationSeries: Int = 0
    /// When Ctrl-C stopped training: the last epoch that finished (the kept weights are the
    /// best up to it, so `stop=` that epoch replays the same model).
    public var interruptedAfter: Int?

    public init() {}

    public var best: TrainingEpoch? { epochs.first { $0.epoch == bestEpoch } }

    /// A saved run comes from a file: its counts must be counts, its epochs numbered in order
    /// with finite times, the kept epoch one of them, the parameter count the network's, and
    /// its words one line of printable text (`report` shows all of it; a line break would forge
    /// a line of output).
    func check(parameters: Int) throws {
        guard bestEpoch >= 0, trainingWindows >= 0, validationSeries >= 0, (interruptedAfter ?? 0) >= 0 else {
            throw HorizonError("field 'training' holds a negative count")
        }
        guard parameterCount == parameters else { throw HorizonError("field 'training.parameterCount' is \(parameterCount), not the network's \(parameters)") }
        guard zip([0] + epochs.map(\.epoch), epochs.map(\.epoch)).allSatisfy({ $0 < $1 }) else {
            throw HorizonError("field 'training.epochs' is not numbered upwards from 1")
        }
        // A loss may be NaN (training that diverged says so); times and rates are measured.
        for e in epochs {
            let measured = [e.learningRate, e.seconds, e.cpuSeconds].compactMap { $0 }
            guard measured.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw HorizonError("field 'training.epochs' gives epoch \(e.epoch) a time or learning rate that is negative or not finite")
            }
        }
        guard bestEpoch == 0 || epochs.contains(where: { $0.epoch == bestEpoch }) else {
            throw HorizonError("field 'training.bestEpoch' is \(bestEpoch), not one of its epochs")
        }
        guard !Visible.hasControl(stopReason) else { throw HorizonError("field 'training.stopReason' holds a control character") }
    }
}
