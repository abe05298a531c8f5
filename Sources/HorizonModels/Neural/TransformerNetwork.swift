import HorizonCore
import HorizonTensor

/// MQTransformer (Eisenach, Patel & Madeka, arXiv 2009.14799): MQ-CNN's encoder and decoder
/// plus three additions. The paper's equations are only partly public (the anchors mark the
/// reconstruction, model-specs §7); this is the reading implemented:
///
/// 1. **Learned positional encoding from calendar and events.** r_t is a convolution over the
///    shared (known-in-advance) features at t − w … t + w — non-causal on purpose, since
///    holidays and promotions are planned — so the network can learn distances to events and
///    context-dependent seasonality. It joins the encoder input and the attention keys/queries.
/// 2. **Horizon-specific decoder–encoder attention.** For forecast time t and horizon k the
///    query is W_k^Q [h_t ; r_{t+k}], with its own projection per horizon, over the keys
///    W^K [h_s ; r_s] and values W^V h_s of the encoder steps s ≤ t of the window. Keys and
///    values are shared by the horizons (multi-query attention, Shazeer 2019; the spec allows
///    sharing across horizons): what differs per horizon is what it looks for, and per-horizon
///    keys and values cost T·K·width outputs a window — on M4 Hourly more than the whole
///    MQ-CNN, 3.3× its epoch — for the same reading of the history.
/// 3. **Feedback-aware decoder self-attention.** The decoder context D_{t,k} (the global MLP's
///    horizon context with the attention output) attends over the contexts of earlier
///    forecasts of the same target period, D_{t−j, k+j} for j = 1 … min(feedback, K − k); the
///    encoder state at t has seen the actuals since t − j, so the network can learn to revise
///    those forecasts rather than re-forecast from scratch (what the paper calls reducing
///    excess volatility).
///
/// The local MLP then reads [c_{t,k}, attention output, self-attention output, c_a, x_{t+k}].
final class TransformerNetwork: QuantileNetwork {
    let parameters = ParameterStore()
    let inputs: InputEncoder
    let position: CausalConv1D?
    let positionSpan: Int
    let encoder: ConvolutionalEncoder
    let queryFromState: Linear, queryFromPosition: Tensor?, key: Linear, value: Linear
    let selfQuery: Linear, selfKey: Linear, selfValue: Linear
    let decoder: MQDecoder
    let configuration: NeuralConfiguration
    let width: Int, positionWidth: Int, feedback: Int
    /// For forecast (t, k), row f·K + k of the decoder contexts, the rows of the earlier
    /// forecasts of the same target period, (t − j, k + j) for j = 1 … feedback, −1 where
    /// there is none: (F·K) × feedback.
    let earlierForecasts: [Int32]
    /// How many encoder steps, from the window's first, query (t, k) may attend to — those
    /// s ≤ t: F·K of them, fixed by the shape, so built once rather than at every batch.
    let visibleSteps: [Int32]
    /// Window position t + k of every (forecast time, horizon) pair, F·K of them.
    let targetPositions: [Int32]

    init(_ c: NeuralConfiguration, layout: FeatureLayout, generator: inout SeededGenerator) {
        configuration = c
        width = c.attentionWidth
        feedback = min(c.feedback, c.horizon - 1)
        inputs = InputEncoder(parameters, layout: layout, configuration: c, generator: &generator)
        let shared = inputs.futureDimension
        positionWidth = shared > 0 ? c.attentionWidth : 0
        // w steps either side: two weeks, a week of days, half a day of hours.
        positionSpan = layout.frequency == "D" ? 7 : layout.frequency == "H" ? 12 : 2
        position = shared > 0 ? CausalConv1D(parameters, "position", input: shared, output: positionWidth, kernel: 2 * positionSpan + 1,
                                             dilation: 1, generator: &generator) : nil
        encoder = ConvolutionalEncoder(parameters, input: inputs.encoderWidth + positionWidth, channels: c.hidden, depth: c.layers,
                                       generator: &generator)
        let state = c.hidden + 1, K = c.horizon
        queryFromState = Linear(parameters, "attention.query", input: state, output: K * width, generator: &generator)
        queryFromPosition = positionWidth > 0
            ? parameters.make("attention.query_position", shape: [K, positionWidth, width], initialization: .glorot, generator: &generator) : nil
        key = Linear(parameters, "attention.key", input: state + positionWidth, output: width, generator: &generator)
        value = Linear(parameters, "attention.value", input: state, output: width, generator: &generator)
        let decoderContext = c.hidden + width
        selfQuery = Linear(parameters, "feedback.query", input: decoderContext, output: width, generator: &generator)
        selfKey = Linear(parameters, "feedback.key", input: decoderContext, output: width, generator: &generator)
        selfValue = Linear(parameters, "feedback.value", input: decoderContext, output: width, generator: &generator)
        let T = c.context, F = c.forks
        var earlier = [Int32](repeating: -1, count: F * K * feedback)
        var visible: [Int32] = [], positions: [Int32] = []
        for f in 0..<F {
            for k in 0..<K {
                for j in stride(from: 1, through: feedback, by: 1) where f - j >= 0 && k + j < K {
                    earlier[(f * K + k) * feedback + j - 1] = Int32((f - j) * K + k + j)
                }
                visible.append(Int32(T - F + f + 1))
                positions.append(Int32(T - F + f + k + 1))
            }
        }
        earlierForecasts = earlier
        visibleSteps = visible
        targetPositions = positions
        decoder = MQDecoder(parameters, encoded: state, staticWidth: layout.staticWidth, horizonWidth: inputs.horizonWidth,
                            extraLocal: 2 * width, configuration: c, layout: layout, generator: &generator)
    }

    func callAsFunction(_ batch: WindowBatch, training: Bool, generator: inout SeededGenerator) -> Tensor {
        let e = inputs(batch)
        let b = batch.size, T = configuration.context, F = configuration.forks, K = configuration.horizon
        // 1. r over the window and the horizon: pad w zero steps at the end, convolve causally,
        //    and shift back by w, so r_t sees t − w … t + w.
        var r: Tensor?
        if let position {
            let padded = Tensor.concatenate([e.future, Tensor(zeros: [b, positionSpan, e.future.shape[2]])], axis: 1)
            r = position(padded).slice(axis: 1, positionSpan..<(T + K + positionSpan))
        }
        let encoderInput = joinFeatures([e.encoder] + (r.map { [$0.slice(axis: 1, 0..<T)] } ?? []))
        let h = encoder(encoderInput, target: e.encoder.slice(axis: -1, 0..<1), dropout: configuration.dropout, training: training,
                        generator: &generator)
        let state = forkRows(h, forks: F)

        // 2. Horizon-specific queries at the forecast times, (B, F·K, width), over shared keys
        //    and values: query (t, k) sees the steps s ≤ t.
        var query = queryFromState(state)  // (B, F, K·width)
        if let r, let queryFromPosition {
            // r_{t+k} per (t, k), projected by horizon k's own matrix: (B, F, K, width).
            let rk = r.gather(axis: 1, indices: targetPositions, indexShape: [F, K])
            query = query + rk.groupedLinear(queryFromPosition).reshaped([b, F, K * width])
        }
        let keys = key(joinFeatures([h] + (r.map { [$0.slice(axis: 1, 0..<T)] } ?? [])))
        let attended = Tensor.attention(query: query.reshaped([b, F * K, width]), key: keys, value: value(h), heads: 1,
                                        mask: .prefix(visibleSteps)).reshaped([b, F, K, width])

        let (specific, agnostic) = decoder.contexts(state, statics: e.statics, horizonFeatures: e.horizon)
        // 3. Feedback-aware self-attention over earlier forecasts of the same target period.
        //    Its query, key and value come from one product over D_{t,k} = [c_{t,k} ;
        //    attention output] taken as parts, so D is never copied together: on M4 Hourly
        //    73,728 rows of 80 a batch.
        let revised: Tensor
        if feedback > 0 {
            let weight = Tensor.concatenate([selfQuery.weight, selfKey.weight, selfValue.weight], axis: 1)
            let bias = [selfQuery.bias, selfKey.bias, selfValue.bias].compactMap { $0 }
            let projections = Tensor.linear([specific, attended], weight, Tensor.concatenate(bias, axis: 0))
            revised = Tensor.listAttention(projections.reshaped([b, F * K, 3 * width]), memory: earlierForecasts, perQuery: feedback)
                .reshaped([b, F, K, width])
        } else {
            revised = Tensor(zeros: [b, F, K, width])  // a horizon of 1 has no earlier forecast of its target
        }
        return decoder.quantiles(specific: specific, agnostic: agnostic, horizonFeatures: e.horizon, extra: [attended, revised])
    }
}
