import HorizonCore
import HorizonTensor

/// A batch's inputs as tensors, in the shapes every network starts from.
struct EncodedInputs {
    /// Encoder input per window step: encoder-only features, the shared features at that
    /// step, and the static features tiled over time — (B, T, encoderWidth).
    let encoder: Tensor
    /// Shared features over the window and the K steps after it — (B, T+K, futureDimension).
    let future: Tensor
    /// Static embeddings and log scale — (B, staticWidth).
    let statics: Tensor
    /// Per forecast creation time and horizon: the shared features at t + k and the lagged
    /// values (season, long cycle) — (B, F, K, horizonWidth).
    let horizon: Tensor
}

/// Concatenates along the last axis, leaving out parts with no features (a panel without
/// covariates has an empty calendar or event part), so no layer ever sees a zero-width input.
func joinFeatures(_ parts: [Tensor]) -> Tensor {
    let present = parts.filter { ($0.shape.last ?? 0) > 0 }
    if present.isEmpty { return parts[0] }  // every part is empty: an empty feature block
    return present.count == 1 ? present[0] : Tensor.concatenate(present, axis: -1)
}

/// The embeddings of categorical inputs and the assembly of a batch into tensors.
struct InputEncoder {
    let layout: FeatureLayout
    let events: [Embedding], statics: [Embedding]
    let context: Int, forks: Int, horizon: Int

    init(_ store: ParameterStore, layout: FeatureLayout, configuration c: NeuralConfiguration, generator: inout SeededGenerator) {
        self.layout = layout
        events = layout.events.map { Embedding(store, "event.\($0.name)", vocabulary: $0.levels.count + 1, dimension: $0.dimension, generator: &generator) }
        statics = layout.statics.map { Embedding(store, "static.\($0.name)", vocabulary: $0.levels.count + 1, dimension: $0.dimension, generator: &generator) }
        context = c.context
        forks = c.forks
        horizon = c.horizon
    }

    var futureDimension: Int { layout.futureWidth + layout.eventEmbeddingWidth }
    var encoderWidth: Int { layout.pastWidth + futureDimension + layout.staticWidth }
    var horizonWidth: Int { futureDimension + layout.lagWidth }

    func callAsFunction(_ batch: WindowBatch) -> EncodedInputs {
        let b = batch.size, T = context, F = forks, K = horizon
        let past = Tensor(shape: [b, T, layout.pastWidth], data: batch.past)
        let numericFuture = Tensor(shape: [b, T + K, layout.futureWidth], data: batch.future)
        let future = joinFeatures([numericFuture] + events.enumerated().map { e, embedding in
            embedding(batch.events[e], shape: [b, T + K])
        })
        let statics = joinFeatures(self.statics.enumerated().map { s, embedding in embedding(batch.statics[s], shape: [b]) }
                                   + [Tensor(shape: [b, 1], data: batch.logScale)])
        let tiled = statics.reshaped([b, 1, layout.staticWidth]).gather(axis: 1, indices: [Int32](repeating: 0, count: T))
        let encoder = joinFeatures([past, future.slice(axis: 1, 0..<T), tiled])
        // Shared features at t + k for every forecast creation time t = T − F + f.
        var index: [Int32] = []
        index.reserveCapacity(F * K)
        for f in 0..<F { for k in 1...K { index.append(Int32(T - F + f + k)) } }
        let atHorizon = future.gather(axis: 1, indices: index, indexShape: [F, K])
        let lags = Tensor(shape: [b, F, K, layout.lagWidth], data: batch.lags)
        return EncodedInputs(encoder: encoder, future: future, statics: statics, horizon: joinFeatures([atHorizon, lags]))
    }
}

/// Rows of a (B, T, ·) sequence at the forecast creation times, (B, F, ·).
func forkRows(_ sequence: Tensor, forks: Int) -> Tensor {
    let T = sequence.shape[1]
    return sequence.slice(axis: 1, (T - forks)..<T)
}

/// The monotone quantile head (model-specs §0.2): a projection to one raw output per level,
/// made into quantiles by `MonotoneQuantiles`.
struct QuantileHead {
    let projection: Linear
    let monotone: MonotoneQuantiles

    init(_ store: ParameterStore, _ name: String, input: Int, levels: [Double], generator: inout SeededGenerator) {
        projection = Linear(store, name, input: input, output: levels.count, generator: &generator)
        monotone = MonotoneQuantiles(levels: levels)
    }

    func callAsFunction(_ x: Tensor, baseline: Tensor? = nil) -> Tensor { monotone(projection(x), baseline: baseline) }
}

/// Raw outputs, one per level, made into quantiles anchored at the median: one output is the
/// median, each level above it adds a softplus increment to the level below, each level below
/// subtracts one from the level above, so quantiles never cross, by construction.
///
/// Anchoring at the median (rather than building up from the lowest level) keeps the point
/// forecast one unconstrained output: with inputs standardised around the warm-up mean, it
/// starts at zero — the window's own level — and no error in the lower tail's increments can
/// push it off.
struct MonotoneQuantiles {
    /// Where the median is among the levels.
    let median: Int
    /// (Q−1)×Q: +1 where an increment above the median adds to a level, −1 where one below it
    /// subtracts; increments are the non-median outputs in level order.
    let offsets: Tensor?

    init(levels: [Double]) {
        let q = levels.count
        let center = levels.firstIndex { abs($0 - 0.5) < 1e-9 } ?? q / 2
        median = center
        guard q > 1 else { offsets = nil; return }
        var m = [Float](repeating: 0, count: (q - 1) * q)
        for (i, level) in (0..<q).filter({ $0 != center }).enumerated() {
            for out in 0..<q {
                if level > center, out >= level { m[i * q + out] = 1 }
                if level < center, out <= level { m[i * q + out] = -1 }
            }
        }
        offsets = Tensor(shape: [q - 1, q], data: m)
    }

    /// `baseline` (…, 1), when given, is added to the median: the network's output is then a
    /// correction to it.
    func callAsFunction(_ raw: Tensor, baseline: Tensor? = nil) -> Tensor {
        guard let offsets else { return baseline.map { raw + $0 } ?? raw }
        let q = raw.shape.last!
        var center = raw.slice(axis: -1, median..<(median + 1))
        if let baseline { center = center + baseline }
        let increments = joinFeatures([raw.slice(axis: -1, 0..<median), raw.slice(axis: -1, (median + 1)..<q)])
        return center + increments.softplus().matmul(offsets)
    }
}

/// MQ-RNN's decoder (Wen et al. 2017), shared by MQ-RNN, MQ-CNN and MQTransformer.
///
/// A global MLP reads the encoder state at a forecast creation time, the static features and
/// every horizon's future features, and emits one context per horizon plus a horizon-agnostic
/// one; a local MLP, shared across horizons, turns each horizon's contexts and own future
/// features into all quantiles at once.
struct MQDecoder {
    let globalHidden: Linear, globalOutput: Linear
    let localHidden: Linear
    let head: QuantileHead
    let horizon: Int, width: Int
    /// The column of the horizon features holding the seasonal naive value the median is
    /// built on, if the configuration asks for one and the data has a season.
    let baselineColumn: Int?

    init(_ store: ParameterStore, encoded: Int, staticWidth: Int, horizonWidth: Int, extraLocal: Int,
         configuration c: NeuralConfiguration, layout: FeatureLayout, generator: inout SeededGenerator) {
        horizon = c.horizon
        baselineColumn = baselineIndex(c, layout: layout, horizonWidth: horizonWidth)
        width = c.hidden
        globalHidden = Linear(store, "decoder.global.hidden", input: encoded + staticWidth + c.horizon * horizonWidth,
                              output: c.hidden, initialization: .he, generator: &generator)
        globalOutput = Linear(store, "decoder.global.output", input: c.hidden, output: (c.horizon + 1) * c.hidden,
                              initialization: .he, generator: &generator)
        localHidden = Linear(store, "decoder.local.hidden", input: 2 * c.hidden + horizonWidth + extraLocal, output: c.hidden,
                             initialization: .he, generator: &generator)
        head = QuantileHead(store, "decoder.local.quantiles", input: c.hidden, levels: c.levels, generator: &generator)
    }

    /// The horizon-specific contexts (B, F, K, C) and the horizon-agnostic one (B, F, 1, C).
    func contexts(_ state: Tensor, statics: Tensor, horizonFeatures: Tensor) -> (specific: Tensor, agnostic: Tensor) {
        let b = state.shape[0], f = state.shape[1], K = horizon
        let tiledStatics = statics.reshaped([b, 1, statics.shape[1]]).gather(axis: 1, indices: [Int32](repeating: 0, count: f))
        let input = joinFeatures([state, tiledStatics, horizonFeatures.reshaped([b, f, -1])])
        let all = globalOutput(globalHidden(input).relu()).relu().reshaped([b, f, K + 1, width])
        return (all.slice(axis: 2, 0..<K), all.slice(axis: 2, K..<(K + 1)))
    }

    /// Quantiles (B, F, K, Q) from the contexts, each horizon's future features and any
    /// further per-horizon contexts (MQTransformer's attention outputs). No dropout in front of
    /// the head: it dropped whole quantile increments at random, which trained the median far
    /// from where the data sits on series that barely move.
    ///
    /// The local MLP's first layer reads [c_{t,k}, c_a, x_{t+k}, extra] as parts of one
    /// product (`Tensor.linear(_:_:_:)`), never joined: c_a is the same for all K horizons, so
    /// its rows of the weight apply once per forecast time. Copying c_a K times into the
    /// input made a third of the layer's work and its largest copy (M4 Hourly: 73,728 rows a
    /// batch), and joining the per-horizon parts copied those rows again.
    func quantiles(specific: Tensor, agnostic: Tensor, horizonFeatures: Tensor, extra: [Tensor] = []) -> Tensor {
        let hidden = Tensor.linear([specific, agnostic, horizonFeatures] + extra, localHidden.weight, localHidden.bias)
        return head(hidden.relu(), baseline: baselineColumn.map { horizonFeatures.slice(axis: -1, $0..<($0 + 1)) })
    }
}

/// Where the seasonal naive value sits in the horizon features (the lag features come last,
/// the season's first: value, then its observed flag); nil without a baseline or a season.
/// An unobserved lag is 0, the window's mean, so the baseline falls back to the level.
func baselineIndex(_ c: NeuralConfiguration, layout: FeatureLayout, horizonWidth: Int) -> Int? {
    c.baseline == .seasonal && layout.lagWidth > 0 ? horizonWidth - layout.lagWidth : nil
}
