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
}
