/// A model's learning curve: one entry per epoch of gradient training.
public struct TrainingEpoch: Codable, Sendable, Equatable {
    public var epoch: Int
    /// The mean training loss over the epoch (a model's own loss, e.g. mean pinball).
    public var trainingLoss: Double
    /// Mean wQL on the validation windows after the epoch, when the model keeps some aside.
    public var validationWQL: Double?
    /// The learning rate the epoch ran at, its wall time, and the processor time it used on
    /// all threads (steadier than wall time on a shared machine).
    public var learningRate: Double?
    public var seconds: Double?
    public var cpuSeconds: Double?

    public init(epoch: Int, trainingLoss: Double, validationWQL: Double? = nil, learningRate: Double? = nil, seconds: Double? = nil,
                cpuSeconds: Double? = nil) {
        self.epoch = epoch
        self.trainingLoss = trainingLoss
        self.validationWQL = validationWQL
        self.learningRate = learningRate
        self.seconds = seconds
        self.cpuSeconds = cpuSeconds
    }
}

/// Adopted by predictors that were trained by gradient steps and kept their curve, so
/// `plot loss` can show whether training converged or overfitted. Models fitted in closed
/// form (the baselines) have no curve and do not adopt it.
public protocol ReportsTrainingCurve {
    var trainingCurve: [TrainingEpoch] { get }
}

/// Adopted by predictors trained by iterating (the networks), so the run log can keep how
/// training went without knowing which model it was: named facts (size, epochs, why it
/// stopped) and named scores (the kept epoch's losses).
public protocol ReportsTraining {
    var trainingFacts: [(name: String, value: String)] { get }
    var trainingScores: [(name: String, value: Double?)] { get }
    /// The last finished epoch when Ctrl-C stopped training (nil when it was not stopped):
    /// the session records it as `stop=`, so a replay trains the same model.
    var interruptedAfterEpoch: Int? { get }
}
