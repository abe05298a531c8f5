import HorizonCore
import HorizonData
import HorizonForecast

/// Everything that defines a neural forecaster's network and training, resolved from the
/// `train` line, the session settings and the data's frequency. It is saved with the weights,
/// so a loaded model rebuilds exactly the network it was trained as.
public struct NeuralConfiguration: Codable, Sendable, Equatable {
    public enum Architecture: String, Codable, Sendable, CaseIterable {
        case mlp, mqrnn, mqcnn, mqtransformer, nbeats

        /// The feed-forward nets read a window as one vector and forecast from its end only;
        /// the MQ models forecast from several creation times of a window (forking sequences).
        public var forecastsOncePerWindow: Bool { self == .mlp || self == .nbeats }
    }

    /// How much each training window counts in the loss. The loss is always taken in the
    /// data's units (the network's scaled outputs are multiplied back first); the weighting
    /// decides whether big items dominate it.
    public enum Weighting: String, Codable, Sendable, CaseIterable {
        /// Each window weighted by 1/scale, so every item counts alike — as MASE counts them.
        /// Measured better on M4 Hourly even by wQL: small items are where a global network
        /// learns the shapes the big ones share.
        case series
        /// Raw units: items count by their volume, exactly as wQL weighs them.
        case volume
    }

    public var architecture: Architecture
    /// Steps ahead, K: the networks are direct multi-horizon forecasters.
    public var horizon: Int
    /// Window length T the encoder reads.
    public var context: Int
    /// Forecast creation times per training window (forking sequences): the last `forks`
    /// positions of the window — at most 24 by default, since each costs a decoder pass over
    /// every horizon (84 forks × 48 hours made M4 Hourly training 3.5× slower for no gain). The first T − forks positions are the warm-up the scale
    /// comes from, so no forecast is normalised by data after it.
    public var forks: Int
    public var hidden: Int
    public var layers: Int
    public var epochs: Int
    public var batchesPerEpoch: Int
    public var batch: Int
    public var learningRate: Float
    public var dropout: Float
    public var patience: Int
    public var seed: UInt64
    /// The quantile levels trained (sorted): the session's plus 2.5%, 50% and 97.5%, so the
    /// median is the point forecast and MSIS's 95% interval is learned, not extrapolated.
    public var levels: [Double]
    /// MQTransformer: width per horizon-specific attention head, and how many earlier
    /// forecasts of the same target the decoder self-attention looks back over. The width is 8:
    /// on M4 Hourly's last 48 training hours (not its test; seed 1, 40 epochs) width 8 and 16
    /// both gave OWA 0.458, and 8 a mean wQL of 0.0270 against 0.0305, at half the cost of the
    /// attention, its queries and the decoder's feedback projections.
    public var attentionWidth: Int
    public var feedback: Int
    /// Numeric covariates known only up to the forecast creation time (encoder-only).
    public var pastCovariates: [String]
    public var gradientClip: Float
    public var weighting: Weighting
    /// What the median is built on: `seasonal` (the default) adds the network's output to the
    /// seasonal naive value (the latest same-phase observation, where there is one; the
    /// window's mean where there is none), so the network learns a correction to it; nil
    /// (`none`) builds it from the window's mean alone. Chosen on M4 Hourly's last 48 training
    /// hours (not its test): MQ-CNN at 60 epochs, two seeds, OWA 0.536/0.538 and wQL
    /// 0.0265/0.0267 against 0.552/0.550 and 0.0272/0.0294 without; the MLP was even.
    /// N-BEATS builds on nothing by default, as in its paper; the seasonal value measured about
    /// even for it: on M3 Monthly's last training horizon (100 epochs, seed 1) MASE 0.891 with
    /// it, 0.886 without (seeds 2 and 3 without: 0.892, 0.885); on M3 Quarterly's, 1.199 and 1.200.
    public var baseline: Baseline?
    public enum Baseline: String, Codable, Sendable, CaseIterable { case none, seasonal }
    /// Hold out the last `horizon` points for early stopping (`validate=yes`); by default every
    /// point is trained on for the full schedule.
    public var validate: Bool
    /// The last epoch to run, on the learning-rate schedule of `epochs`: a training stopped
    /// by Ctrl-C is replayed exactly by stopping where it stopped.
    public var stopAfter: Int? = nil

    /// The train-line options every neural model accepts.
    public static let options: [OptionDeclaration] = [
        OptionDeclaration("epochs", .integer(1...10_000), default: "30", help: "passes over the training windows"),
        OptionDeclaration("stop", .integer(1...10_000), help: "stop after this epoch, on the schedule of epochs= (what a session records when Ctrl-C stopped a training)"),
        OptionDeclaration("batches", .integer(1...100_000), default: "50", help: "batches per epoch"),
        OptionDeclaration("batch", .integer(1...4096), default: "64", help: "windows per batch"),
        OptionDeclaration("hidden", .integer(1...1024), help: "width of the hidden layers (default 32 weekly, 64 hourly/daily; nbeats 256)"),
        OptionDeclaration("layers", .integer(1...8), help: "encoder depth (MLP hidden layers, LSTM layers, conv layers, N-BEATS blocks; default 2, 1, 3, 3, 3)"),
        OptionDeclaration("lr", .number(1e-6...1), default: "0.001", help: "Adam learning rate at the start, brought down to a tenth by a cosine schedule"),
        OptionDeclaration("context", .integer(2...10_000), help: "window length the encoder reads (default: set context, else by frequency)"),
        OptionDeclaration("forks", .integer(1...10_000), help: "forecast creation times per window (default half the context, at most 24)"),
        OptionDeclaration("dropout", .number(0...0.9), default: "0.1", help: "dropout rate during training"),
        OptionDeclaration("patience", .integer(1...1000), default: "5", help: "with validate=yes: epochs without validation improvement before stopping"),
        OptionDeclaration("validate", .word(["yes", "no"]), default: "no",
                    help: "hold out the last horizon of every series to stop early and keep the best epoch (no: train on everything)"),
        OptionDeclaration("baseline", .word(Baseline.allCases.map(\.rawValue)), default: Baseline.seasonal.rawValue,
                    help: "what the median is built on: seasonal (a correction to the seasonal naive value) or none (the window's mean)"),
        OptionDeclaration("seed", .integer(0...Int.max), help: "seed of this model's draws (default: the session seed)"),
        OptionDeclaration("past", .names, help: "numeric covariates known only up to the forecast time, e.g. past=stockout"),
        OptionDeclaration("weight", .word(Weighting.allCases.map(\.rawValue)), default: Weighting.series.rawValue,
                    help: "loss weight of a window: series (1/scale, every item alike) or volume (raw units, as wQL)"),
    ]

    public static let transformerOptions: [OptionDeclaration] = options + [
        OptionDeclaration("width", .integer(2...256), default: "8", help: "width of each horizon's attention head"),
        OptionDeclaration("feedback", .integer(1...64), default: "8", help: "earlier forecasts of the same target the decoder attends to"),
    ]

    /// N-BEATS's options: the others', with its median built on the window's mean by default, as
    /// in its paper (so `help nbeats` states the default it trains with).
    static let basisExpansionOptions: [OptionDeclaration] = options.map { declaration in
        var d = declaration
        if d.key == "baseline" { d.defaultValue = Baseline.none.rawValue }
        return d
    }

    /// The options `architecture` declares: what its `help` lists and where `resolve` reads the
    /// defaults that differ by architecture (one mapping, so the two cannot disagree).
    static func declarations(_ architecture: Architecture) -> [OptionDeclaration] {
        switch architecture {
        case .mqtransformer: return transformerOptions
        case .nbeats: return basisExpansionOptions
        case .mlp, .mqrnn, .mqcnn: return options
        }
    }

    /// Resolves options against the settings and the panel's frequency.
    public static func resolve(_ architecture: Architecture, options: ModelOptions, settings: FitSettings,
                               frequency: Frequency) throws -> NeuralConfiguration {
        let k = settings.horizon
        let context = options.integer("context") ?? settings.context ?? defaultContext(frequency, horizon: k)
        let forks = architecture.forecastsOncePerWindow ? 1 : min(options.integer("forks") ?? min(24, max(1, context / 2)), context)
        if options.integer("forks") != nil, architecture.forecastsOncePerWindow {
            throw HorizonError("'forks' applies to the MQ models; '\(architecture.rawValue)' makes one forecast per window")
        }
        let wide = frequency == .hourly || frequency == .daily
        let defaultLayers: Int
        switch architecture {
        case .mlp: defaultLayers = 2
        case .mqrnn: defaultLayers = 1
        case .mqcnn, .mqtransformer, .nbeats: defaultLayers = 3
        }
        let levels = Array(Set(settings.levels + [0.025, 0.5, 0.975])).sorted()
        return NeuralConfiguration(
            architecture: architecture, horizon: k, context: context, forks: forks,
            hidden: options.integer("hidden") ?? (architecture == .nbeats ? 256 : wide ? 64 : 32),
            layers: options.integer("layers") ?? defaultLayers,
            epochs: options.integer("epochs") ?? declaredDefault("epochs"),
            batchesPerEpoch: options.integer("batches") ?? declaredDefault("batches"),
            batch: options.integer("batch") ?? declaredDefault("batch"),
            learningRate: Float(options.number("lr") ?? declaredDefault("lr")),
            dropout: Float(options.number("dropout") ?? declaredDefault("dropout")),
            patience: options.integer("patience") ?? declaredDefault("patience"),
            seed: options.integer("seed").map { UInt64($0) } ?? settings.seed,
            levels: levels,
            attentionWidth: options.integer("width") ?? declaredDefault("width"),
            feedback: options.integer("feedback") ?? declaredDefault("feedback"),
            pastCovariates: options.names("past"),
            gradientClip: 10,
            weighting: Weighting(rawValue: options.word("weight") ?? declaredDefault("weight")) ?? .series,
            baseline: (Baseline(rawValue: options.word("baseline") ?? declarations(architecture).defaultValue("baseline")) ?? .seasonal).nilIfNone,
            validate: (options.word("validate") ?? declaredDefault("validate")) == "yes",
            stopAfter: options.integer("stop"))
    }

    /// An option's default as declared (the one place it is written).
    static func declaredDefault<T: LosslessStringConvertible>(_ key: String) -> T { transformerOptions.defaultValue(key) }

    /// A window long enough to see a season where the series can afford it: a year of weeks, a
    /// week of hours, eight weeks of days, three years of months; one horizon of years or
    /// quarters; four horizons of steps without a calendar.
    ///
    /// Yearly and quarterly series are short (M3's training series: a median of 19 and 44
    /// points), and there one horizon of M4's — six years, eight quarters — measured better
    /// than the twelve and sixteen points these windows were: on M3's last training horizon,
    /// never its test split, the MLP and N-BEATS as a combination fits them went from MASE
    /// 3.557 and 3.562 to 3.235 and 3.234 (Yearly) and from 1.178 and 1.179 to 1.133 and 1.162
    /// (Quarterly), and `combo` from 3.257 to 3.169 and from 1.053 to 1.042. Eighteen months
    /// instead of thirty-six left `combo` where it was on M3 Monthly (0.843 and 0.844), so the
    /// monthly window keeps its three seasons.
    static func defaultContext(_ frequency: Frequency, horizon: Int) -> Int {
        switch frequency {
        case .weekly: return 52
        case .hourly: return 168
        case .daily: return 56
        case .monthly: return 36
        case .quarterly: return 8
        case .yearly: return 6
        case .fixed, .steps: return max(4 * horizon, 8)
        }
    }
}

extension NeuralConfiguration.Baseline {
    /// `none` is stored as no baseline, as files without the option read.
    var nilIfNone: Self? { self == .none ? nil : self }
}
