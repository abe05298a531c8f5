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
///    query is W_k^Q [h_t ; r_{t+k}], the keys W_k^K [h_s ; r_s] and values W_k^V h_s over the
///    encoder steps s ≤ t of the window, with separate projections per horizon: the horizons
///    are the heads of one multi-head attention, each with its own slice of the projections.
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
        key = Linear(parameters, "attention.key", input: state + positionWidth, output: K * width, generator: &generator)
        value = Linear(parameters, "attention.value", input: state, output: K * width, generator: &generator)
        let decoderContext = c.hidden + width
        selfQuery = Linear(parameters, "feedback.query", input: decoderContext, output: width, generator: &generator)
        selfKey = Linear(parameters, "feedback.key", input: decoderContext, output: width, generator: &generator)
        selfValue = Linear(parameters, "feedback.value", input: decoderContext, output: width, generator: &generator)
        decoder = MQDecoder(parameters, encoded: state, staticWidth: layout.staticWidth, horizonWidth: inputs.horizonWidth,
                            extraLocal: 2 * width, configuration: c, generator: &generator)
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

        // 2. Horizon-specific attention: K heads of `width`, queries at the forecast times.
        var query = queryFromState(state)  // (B, F, K·width)
        if let r, let queryFromPosition {
            var index: [Int32] = []
            for f in 0..<F { for k in 1...K { index.append(Int32(T - F + f + k)) } }
            // r_{t+k} per (t, k), projected by horizon k's own matrix: (K, B·F, width).
            let rk = r.gather(axis: 1, indices: index, indexShape: [F, K]).reshaped([b * F, K, positionWidth]).permuted([1, 0, 2])
            let projected = rk.matmul(queryFromPosition).permuted([1, 0, 2]).reshaped([b, F, K * width])
            query = query + projected
        }
        let keys = key(joinFeatures([h] + (r.map { [$0.slice(axis: 1, 0..<T)] } ?? [])))
        var allowed = [Bool](repeating: false, count: F * T)
        for f in 0..<F { for s in 0...(T - F + f) { allowed[f * T + s] = true } }
        let attended = Tensor.attention(query: query, key: keys, value: value(h), heads: K, mask: .allowed(allowed))
            .reshaped([b, F, K, width])

        let (specific, agnostic) = decoder.contexts(state, statics: e.statics, horizonFeatures: e.horizon)
        // 3. Feedback-aware self-attention over earlier forecasts of the same target period.
        var revised = Tensor(zeros: [b, F, K, width])
        if feedback > 0 {
            let context = Tensor.concatenate([specific, attended], axis: -1)
            let J = feedback
            var index = [Int32](repeating: 0, count: F * K * J), allowedMemory = [Bool](repeating: false, count: F * K * J)
            for f in 0..<F {
                for k in 0..<K {
                    for j in 1...J where f - j >= 0 && k + j < K {
                        index[(f * K + k) * J + j - 1] = Int32((f - j) * K + k + j)
                        allowedMemory[(f * K + k) * J + j - 1] = true
                    }
                }
            }
            let q = selfQuery(context).reshaped([b, F, K, 1, width]).gather(axis: 3, indices: [Int32](repeating: 0, count: J))
            let memoryKeys = selfKey(context).reshaped([b, F * K, width]).gather(axis: 1, indices: index, indexShape: [F, K, J])
            let memoryValues = selfValue(context).reshaped([b, F * K, width]).gather(axis: 1, indices: index, indexShape: [F, K, J])
            let scores = ((q * memoryKeys).sum(axis: -1) * (1 / Float(width).squareRoot())).softmax(mask: allowedMemory)
            revised = (scores.reshaped([b, F, K, J, 1]) * memoryValues).sum(axis: 3)
        }
        return decoder.quantiles(specific: specific, agnostic: agnostic, horizonFeatures: e.horizon, extra: [attended, revised])
    }
}
