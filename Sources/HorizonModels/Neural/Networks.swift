import HorizonCore
import HorizonTensor

/// A network that maps a batch of windows to quantiles (B, F, K, Q) in scaled units.
protocol QuantileNetwork: AnyObject {
    var parameters: ParameterStore { get }
    func callAsFunction(_ batch: WindowBatch, training: Bool, generator: inout SeededGenerator) -> Tensor
}

/// Builds the network a configuration describes (also when a saved model is loaded).
enum NetworkFactory {
    static func make(_ c: NeuralConfiguration, layout: FeatureLayout, generator: inout SeededGenerator) -> QuantileNetwork {
        switch c.architecture {
        case .mlp: return FeedForwardNetwork(c, layout: layout, generator: &generator)
        case .mqrnn: return RecurrentNetwork(c, layout: layout, generator: &generator)
        case .mqcnn: return ConvolutionalNetwork(c, layout: layout, generator: &generator)
        case .mqtransformer: return TransformerNetwork(c, layout: layout, generator: &generator)
        case .nbeats: return BasisExpansionNetwork(c, layout: layout, generator: &generator)
        }
    }
}

/// The feed-forward step of the lineage (model-specs §4): the whole context window, the
/// static features and every horizon's future features, flattened into one vector; hidden
/// ReLU layers; a layer giving one context per horizon; and a layer shared across horizons
/// that turns each context and that horizon's future features into all quantiles.
final class FeedForwardNetwork: QuantileNetwork {
    let parameters = ParameterStore()
    let inputs: InputEncoder
    let hidden: [Linear]
    let perHorizon: Linear, local: Linear
    let head: QuantileHead
    let baselineColumn: Int?
    let configuration: NeuralConfiguration

    init(_ c: NeuralConfiguration, layout: FeatureLayout, generator: inout SeededGenerator) {
        configuration = c
        inputs = InputEncoder(parameters, layout: layout, configuration: c, generator: &generator)
        var width = c.context * (layout.pastWidth + inputs.futureDimension) + layout.staticWidth + c.horizon * inputs.horizonWidth
        var layers: [Linear] = []
        for l in 0..<c.layers {
            layers.append(Linear(parameters, "mlp.hidden\(l)", input: width, output: c.hidden, initialization: .he, generator: &generator))
            width = c.hidden
        }
        hidden = layers
        perHorizon = Linear(parameters, "mlp.horizons", input: width, output: c.horizon * c.hidden, initialization: .he, generator: &generator)
        local = Linear(parameters, "mlp.local", input: c.hidden + inputs.horizonWidth, output: c.hidden, initialization: .he, generator: &generator)
        head = QuantileHead(parameters, "mlp.quantiles", input: c.hidden, levels: c.levels, generator: &generator)
        baselineColumn = baselineIndex(c, layout: layout, horizonWidth: inputs.horizonWidth)
    }

    func callAsFunction(_ batch: WindowBatch, training: Bool, generator: inout SeededGenerator) -> Tensor {
        let e = inputs(batch)
        let b = batch.size, T = configuration.context, K = configuration.horizon
        let window = joinFeatures([Tensor(shape: [b, T, inputs.layout.pastWidth], data: batch.past), e.future.slice(axis: 1, 0..<T)])
        var x = joinFeatures([window.reshaped([b, -1]), e.statics, e.horizon.reshaped([b, -1])])
        for layer in hidden { x = layer(x).relu().dropout(rate: configuration.dropout, training: training, generator: &generator) }
        let contexts = perHorizon(x).relu().reshaped([b, 1, K, configuration.hidden])
        return head(local(joinFeatures([contexts, e.horizon])).relu(),
                    baseline: baselineColumn.map { e.horizon.slice(axis: -1, $0..<($0 + 1)) })
    }
}

/// MQ-RNN (Wen et al. 2017): a unidirectional LSTM encoder, every window step after the
/// warm-up a forecast creation time (forking sequences), and the global/local MLP decoder.
final class RecurrentNetwork: QuantileNetwork {
    let parameters = ParameterStore()
    let inputs: InputEncoder
    let encoder: [LSTMLayer]
    let decoder: MQDecoder
    let configuration: NeuralConfiguration

    init(_ c: NeuralConfiguration, layout: FeatureLayout, generator: inout SeededGenerator) {
        configuration = c
        inputs = InputEncoder(parameters, layout: layout, configuration: c, generator: &generator)
        var width = inputs.encoderWidth
        var layers: [LSTMLayer] = []
        for l in 0..<c.layers {
            layers.append(LSTMLayer(parameters, "encoder.lstm\(l)", input: width, hidden: c.hidden, generator: &generator))
            width = c.hidden
        }
        encoder = layers
        decoder = MQDecoder(parameters, encoded: c.hidden, staticWidth: layout.staticWidth, horizonWidth: inputs.horizonWidth,
                            extraLocal: 0, configuration: c, layout: layout, generator: &generator)
    }

    func callAsFunction(_ batch: WindowBatch, training: Bool, generator: inout SeededGenerator) -> Tensor {
        let e = inputs(batch)
        var h = e.encoder
        for layer in encoder { h = layer(h).dropout(rate: configuration.dropout, training: training, generator: &generator) }
        let (specific, agnostic) = decoder.contexts(forkRows(h, forks: configuration.forks), statics: e.statics, horizonFeatures: e.horizon)
        return decoder.quantiles(specific: specific, agnostic: agnostic, horizonFeatures: e.horizon)
    }
}

/// A stack of causal dilated convolutions with ReLU — kernel 7 then 3, dilations 1, 3, 9, …
/// (GluonTS's MQ-CNN defaults; receptive field 31 steps with three layers) — whose output is
/// joined with the scaled target itself, as GluonTS's `use_residual` does.
struct ConvolutionalEncoder {
    let layers: [CausalConv1D]

    init(_ store: ParameterStore, input: Int, channels: Int, depth: Int, generator: inout SeededGenerator) {
        var width = input, dilation = 1
        var layers: [CausalConv1D] = []
        for l in 0..<depth {
            layers.append(CausalConv1D(store, "encoder.conv\(l)", input: width, output: channels, kernel: l == 0 ? 7 : 3,
                                       dilation: dilation, generator: &generator))
            width = channels
            dilation *= 3
        }
        self.layers = layers
    }

    var receptiveField: Int { 1 + layers.reduce(0) { $0 + $1.receptiveField - 1 } }

    /// (B, T, channels + 1): the last layer's output and the scaled target (first encoder feature).
    func callAsFunction(_ x: Tensor, target: Tensor, dropout: Float, training: Bool, generator: inout SeededGenerator) -> Tensor {
        var h = x
        for layer in layers { h = layer(h).relu() }
        return Tensor.concatenate([h.dropout(rate: dropout, training: training, generator: &generator), target], axis: -1)
    }
}

/// MQ-CNN: the convolutional encoder with the paper's global/local decoder (GluonTS's
/// MQ-CNN drops the horizon-agnostic context and the local MLP; this keeps them).
final class ConvolutionalNetwork: QuantileNetwork {
    let parameters = ParameterStore()
    let inputs: InputEncoder
    let encoder: ConvolutionalEncoder
    let decoder: MQDecoder
    let configuration: NeuralConfiguration

    init(_ c: NeuralConfiguration, layout: FeatureLayout, generator: inout SeededGenerator) {
        configuration = c
        inputs = InputEncoder(parameters, layout: layout, configuration: c, generator: &generator)
        encoder = ConvolutionalEncoder(parameters, input: inputs.encoderWidth, channels: c.hidden, depth: c.layers, generator: &generator)
        decoder = MQDecoder(parameters, encoded: c.hidden + 1, staticWidth: layout.staticWidth, horizonWidth: inputs.horizonWidth,
                            extraLocal: 0, configuration: c, layout: layout, generator: &generator)
    }

    func callAsFunction(_ batch: WindowBatch, training: Bool, generator: inout SeededGenerator) -> Tensor {
        let e = inputs(batch)
        let h = encoder(e.encoder, target: e.encoder.slice(axis: -1, 0..<1), dropout: configuration.dropout, training: training,
                        generator: &generator)
        let (specific, agnostic) = decoder.contexts(forkRows(h, forks: configuration.forks), statics: e.statics, horizonFeatures: e.horizon)
        return decoder.quantiles(specific: specific, agnostic: agnostic, horizonFeatures: e.horizon)
    }
}
