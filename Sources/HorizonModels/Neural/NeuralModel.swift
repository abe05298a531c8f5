import Foundation
import HorizonCore
import HorizonData
import HorizonTensor
import HorizonForecast

/// `train mlp | mqrnn | mqcnn | mqtransformer | nbeats`: a global network fitted on windows from every
/// series, then forecasting each series in a forward pass of its own.
public struct NeuralEstimator: ForecastsHeldOutStretch {
    public let architecture: NeuralConfiguration.Architecture
    public let options: ModelOptions

    public init(_ architecture: NeuralConfiguration.Architecture, options: ModelOptions) {
        self.architecture = architecture
        self.options = options
    }

    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        try fit(panel, settings: settings, forecasting: []).predictor
    }

    /// Judging the network on held-out stretches costs no second training: the first epochs
    /// train without the earliest stretch's targets and forecast it, the next ones add that
    /// stretch's targets and forecast the next, and the last fifth of the schedule trains on
    /// everything (the latest stretch is forecast after 80 % of the epochs, each earlier one a
    /// fifth of them before: at most four). Each forecast comes from a network part-way through
    /// its training, so it errs somewhat more than the finished one. Not with `validate=yes`,
    /// whose early stop could end training before a stretch is forecast.
    public func fit(_ panel: Panel, settings: FitSettings, forecasting stretches: [HeldOutStretch]) throws -> (predictor: any Predictor, heldOut: [PanelForecast]?) {
        try requireOpenBLAS()
        let configuration = try NeuralConfiguration.resolve(architecture, options: options, settings: settings, frequency: panel.frequency)
        let layout = try FeatureLayout.learn(from: panel, pastNames: configuration.pastCovariates)
        try NeuralFootprint.checkTraining(configuration, layout: layout, panel: panel)
        var generator = SeededGenerator(seed: configuration.seed)
        let network = NetworkFactory.make(configuration, layout: layout, generator: &generator)
        let trainer = NeuralTrainer(configuration: configuration, layout: layout, label: architecture.rawValue)
        // Stretch j (0 = the latest) lacks its own and the later stretches' points, and is
        // forecast after (0.8 − 0.2·j) of the epochs.
        var forecasts = [PanelForecast?](repeating: nil, count: stretches.count)
        let ends = stretches.indices.map { Int((Double(configuration.epochs) * (0.8 - 0.2 * Double($0))).rounded()) }
        let judged = !stretches.isEmpty && stretches.count <= 4 && !configuration.validate && Set(ends).count == ends.count
            && ends.allSatisfy { $0 >= 1 && $0 < configuration.epochs } && stretches.allSatisfy { $0.horizon <= configuration.horizon }
        let heldBack = !judged ? [] : stretches.indices.map { j in
            NeuralTrainer.HeldBack(steps: stretches[...j].reduce(0) { $0 + $1.horizon }, epochs: ends[j]) { network in
                let partway = NeuralPredictor(name: architecture.rawValue, configuration: configuration, layout: layout, network: network,
                                              curve: TrainingRun())
                let stretch = stretches[j]
                forecasts[j] = try partway.predict(stretch.history, future: stretch.future, horizon: stretch.horizon, levels: stretch.levels)
            }
        }
        let curve = try trainer.train(network, panel: panel, generator: &generator, heldBack: heldBack)
        let predictor = NeuralPredictor(name: architecture.rawValue, configuration: configuration, layout: layout, network: network, curve: curve)
        // A stretch not forecast (no series long enough for it, or Ctrl-C before its turn): none
        // counts, and the caller fits without each stretch instead.
        let all = forecasts.compactMap { $0 }
        return (predictor, judged && all.count == stretches.count ? all : nil)
    }
}

/// A trained network with everything needed to build its inputs. Immutable after training
/// (forecasting only reads the weights), hence safe to share.
public final class NeuralPredictor: Predictor, ReportsTrainingCurve, ReportsTraining, SummarizesFit, SavableModel, @unchecked Sendable {
    public let name: String
    public let configuration: NeuralConfiguration
    public let layout: FeatureLayout
    public let training: TrainingRun
    public var trainingCurve: [TrainingEpoch] { training.epochs }
    public var interruptedAfterEpoch: Int? { training.interruptedAfter }
    let network: QuantileNetwork

    init(name: String, configuration: NeuralConfiguration, layout: FeatureLayout, network: QuantileNetwork, curve: TrainingRun) {
        self.name = name
        self.configuration = configuration
        self.layout = layout
        self.network = network
        training = curve
    }

    public var kind: String { configuration.architecture.rawValue }
    public var sizeDescription: String { "\(training.parameterCount) parameters" }
    public var trainedHorizon: Int { configuration.horizon }
    public var inputs: ModelInputs {
        ModelInputs(frequency: layout.frequency, season: layout.season, numeric: (layout.known + layout.past).map(\.name),
                    categorical: layout.events.map(\.name), statics: layout.statics.map(\.name))
    }
    public var longestHorizon: Int? { configuration.horizon }

    public var trainingFacts: [(name: String, value: String)] {
        [("parameters", "\(training.parameterCount)"), ("epochs", "\(training.epochs.count)"), ("best epoch", "\(training.bestEpoch)"),
         ("stopped", training.stopReason), ("training windows", "\(training.trainingWindows)")]
    }

    public var trainingScores: [(name: String, value: Double?)] {
        training.best.map { [("training loss", $0.trainingLoss), ("validation wQL", $0.validationWQL)] } ?? []
    }

    public var fitSummary: [String] {
        let c = configuration, run = training
        var lines = ["\(run.parameterCount) parameters; windows of \(c.context) steps with \(c.forks) forecast time\(c.forks == 1 ? "" : "s") each, "
                     + "up to \(c.epochs) epochs of \(c.batchesPerEpoch) batches × \(c.batch), drawn from \(run.trainingWindows) windows"]
        if let best = run.best {
            lines.append("kept epoch \(best.epoch) of \(run.epochs.count): "
                         + (best.validationWQL.map { "validation wQL \(NumberFormat.fixed($0, 4)) on \(run.validationSeries) series, " } ?? "")
                         + "training loss \(NumberFormat.fixed(best.trainingLoss, 4)); \(run.stopReason)")
        } else {
            lines.append(run.stopReason)
        }
        return lines
    }

    /// Forecasts from the last point of every series, one window per forward pass. The network
    /// forecasts K steps directly; a shorter horizon takes the first steps, a longer one needs
    /// a model trained for it.
    public func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        try requireOpenBLAS()
        let c = configuration, K = c.horizon, Q = c.levels.count
        guard horizon <= K else {
            throw HorizonError("it was trained to forecast \(K) steps ahead, not \(horizon): train it again")
        }
        let builder = WindowBuilder(layout: layout, context: c.context, forks: c.forks, horizon: K)
        let codeMaps = layout.events.map { $0.codeMap(from: history.vocabularies[$0.name] ?? []) }
        // One window per forward pass, the series spread over the cores: OpenBLAS's kernels round
        // a row of a product differently by where it falls in the matrix (measured on an AMD EPYC
        // with the Haswell kernels), so in a batch a series' forecast would depend on which series
        // are forecast with it — a Spark partition's. Alone it does not; forecasting is a small
        // part of the cost (a 5-window backtest of mqtransformer on M4 Hourly: 12.4 s either way).
        let results = try parallelMap(history.count, chunk: 1) { i -> (location: [Float], scale: [Float], quantiles: [Float]) in
            var batch = WindowBatch(size: 1, layout: layout, context: c.context, forks: c.forks, horizon: K)
            let s = history.series[i]
            let inputs = SeriesInputs(series: s, panel: history, layout: layout, horizon: K, padding: c.context, targetLimit: s.count,
                                      futureDynamic: i < future.dynamic.count ? future.dynamic[i] : nil,
                                      futureCategorical: i < future.categorical.count ? future.categorical[i] : nil,
                                      codeMaps: codeMaps)
            builder.fill(&batch, slot: 0, series: inputs, end: s.count - 1)
            var unused = SeededGenerator(seed: 0)
            let output = Autograd.withoutGradients { network(batch, training: false, generator: &unused) }
            return (batch.location, batch.scale, output.scalars)
        }
        let items = results.enumerated().map { index, result -> ItemForecast in
            let s = history.series[index]
            let scale = Double(result.scale[0]), location = Double(result.location[0])
            let nonNegative = s.values.allSatisfy { $0.isNaN || $0 >= 0 }
            var trained = [[Double]](repeating: [Double](repeating: 0, count: horizon), count: Q)
            for k in 0..<horizon {
                let slot = (c.forks - 1) * K + k  // the last fork: the forecast from the series' end
                for l in 0..<Q {
                    let v = Double(result.quantiles[slot * Q + l]) * scale + location
                    trained[l][k] = nonNegative ? max(0, v) : v
                }
            }
            let first = history.time(of: s, at: s.count)
            let full = ItemForecast(id: s.id, firstTime: first, point: trained[c.levels.firstIndex(of: 0.5)!], levels: c.levels, quantiles: trained)
            // A level outside the trained ones is extrapolated along a normal tail, which can
            // fall below zero however the trained ones were clipped: clipped again.
            let asked = levels.map { level in full.quantile(level).map { nonNegative ? max(0, $0) : $0 } }
            return ItemForecast(id: s.id, firstTime: first, point: full.point, levels: levels, quantiles: asked)
        }
        return PanelForecast(model: name, items: items)
    }

    // MARK: saving and loading

    /// 2: inputs standardised by the warm-up's mean and spread, the head anchored at the median;
    /// 3: MQTransformer's attention keys and values shared by the horizons. An older file's
    /// weights mean something else, so it is refused by name.
    static let formatTag = "horizon-neural-3"

    /// Writes the weights with the configuration, the feature layout, the training curve and
    /// any `extra` metadata (the session adds what it needs to check a reload).
    public func save(to path: String, extra: [String: String] = [:]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var metadata = extra
        metadata["format"] = Self.formatTag
        metadata["name"] = name
        metadata["configuration"] = String(decoding: try encoder.encode(configuration), as: UTF8.self)
        metadata["layout"] = String(decoding: try encoder.encode(layout), as: UTF8.self)
        metadata["training"] = String(decoding: try encoder.encode(training), as: UTF8.self)
        try ParameterFile.save(network.parameters, metadata: metadata, to: path)
    }

    /// Rebuilds the network a file describes and loads its weights; returns the file's metadata too.
    ///
    /// The file is untrusted: the configuration and layout are range-checked and the memory
    /// the network needs is estimated before it is built, the stored tensors must have the
    /// shapes the configuration implies, and every weight must be finite. Each problem is an
    /// error naming the file and the field.
    public static func load(from path: String) throws -> (predictor: NeuralPredictor, metadata: [String: String]) {
        try load(ParameterFile.read(path), path: path)
    }

    /// The same, from a file already read (`ModelFiles` reads it once to tell the model kind).
    static func load(_ contents: ParameterFile.Contents, path: String) throws -> (predictor: NeuralPredictor, metadata: [String: String]) {
        let shown = Visible.name(path)
        let (metadata, tensors, order) = (contents.metadata, contents.tensors, contents.order)
        if metadata["format"] == "horizon-neural-1" {
            throw HorizonError("'\(shown)' was saved by an earlier Horizon whose networks read their inputs differently: train it again")
        }
        guard metadata["format"] == formatTag, let config = metadata["configuration"], let layoutText = metadata["layout"] else {
            throw HorizonError("'\(shown)' is not a Horizon neural model file")
        }
        // Each part of the description on its own, so an error says which part and which field.
        func decode<T: Decodable>(_ type: T.Type, _ text: String, _ part: String) throws -> T {
            do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
                throw HorizonError("'\(shown)': the model's \(part) cannot be read (\(ModelManifest.explain(error)))")
            }
        }
        let configuration = try decode(NeuralConfiguration.self, config, "configuration")
        let layout = try decode(FeatureLayout.self, layoutText, "layout")
        let curve = try metadata["training"].map { try decode(TrainingRun.self, $0, "training record") } ?? TrainingRun()
        do {
            try configuration.check()
            try layout.check(for: configuration)
            // The network is sized from the description, the weights from the file's own bytes:
            // the two must agree before the network is built, or a few bytes of description
            // could ask for gigabytes.
            let stored = order.reduce(0) { $0 + tensors[$1]!.count }
            let described = NeuralFootprint.parameters(configuration, layout: layout)
            guard Double(stored) == described else {
                throw HorizonError("it holds \(stored) weights, but its description is of a network with \(String(format: "%.0f", described)) of them")
            }
            if metadata["training"] != nil { try curve.check(parameters: stored) }
            try NeuralFootprint.checkInference(configuration, layout: layout)
            for name in order {
                guard tensors[name]!.scalars.allSatisfy(\.isFinite) else { throw HorizonError("tensor '\(Visible.name(name))' holds NaN or infinite weights") }
            }
        } catch let error as HorizonError {
            throw HorizonError("'\(shown)' is not a usable model file: \(error.message)")
        }
        var generator = SeededGenerator(seed: configuration.seed)
        let network = NetworkFactory.make(configuration, layout: layout, generator: &generator)
        if let name = order.first(where: { network.parameters[$0] == nil }) {
            throw HorizonError("'\(shown)' is not a usable model file: it has a parameter '\(Visible.name(name))' this model does not")
        }
        do { try network.parameters.assign(tensors) } catch {
            throw HorizonError("'\(shown)' is not a usable model file: \(error)")
        }
        return (NeuralPredictor(name: metadata["name"] ?? configuration.architecture.rawValue, configuration: configuration,
                                layout: layout, network: network, curve: curve), metadata)
    }
}

/// The neural rungs of the lineage, in order.
public enum NeuralModels {
    public static let specs: [ModelSpec] = [
        ModelSpec(name: "mlp", summary: "feed-forward net on the context window and covariates, trained on quantile loss over all horizons",
                  options: NeuralConfiguration.declarations(.mlp)) { NeuralEstimator(.mlp, options: $0) },
        ModelSpec(name: "mqrnn", summary: "MQ-RNN: LSTM encoder, forking sequences, global/local MLP decoder (Wen et al. 2017)",
                  options: NeuralConfiguration.declarations(.mqrnn)) { NeuralEstimator(.mqrnn, options: $0) },
        ModelSpec(name: "mqcnn", summary: "MQ-CNN: dilated causal convolution encoder with the MQ decoder",
                  options: NeuralConfiguration.declarations(.mqcnn)) { NeuralEstimator(.mqcnn, options: $0) },
        ModelSpec(name: "mqtransformer", summary: "MQTransformer: MQ-CNN plus horizon-specific and feedback-aware attention (Eisenach et al.)",
                  options: NeuralConfiguration.declarations(.mqtransformer)) { NeuralEstimator(.mqtransformer, options: $0) },
        ModelSpec(name: "nbeats", summary: "N-BEATS: blocks of dense layers that each remove a backcast of the window and add a forecast (Oreshkin et al. 2020)",
                  options: NeuralConfiguration.declarations(.nbeats)) { NeuralEstimator(.nbeats, options: $0) },
    ]
}
