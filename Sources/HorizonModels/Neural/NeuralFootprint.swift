import Foundation
import HorizonCore
import HorizonData
import HorizonTensor

/// How much memory a network will need, worked out from its configuration before anything
/// is allocated, so that `train` (and `load model`) refuse what cannot fit instead of the
/// process dying in the allocator — as the quantile forest refuses too many trees × rows.
///
/// The counts follow the networks' code layer by layer: parameters exactly, activations as
/// the floats each op of one window's forward pass keeps for the backward pass (rounded up
/// where ops share storage). A test checks the estimate against the engine's measured peak
/// (`Tensor.peakBytes`) for every architecture: never below it, and within a small factor.
public enum NeuralFootprint {
    /// Parameters of the network `c` describes on inputs shaped by `layout`.
    public static func parameters(_ c: NeuralConfiguration, layout: FeatureLayout) -> Double {
        let d = Dimensions(c, layout)
        func linear(_ i: Double, _ o: Double) -> Double { i * o + o }
        let embeddings = (layout.events + layout.statics).reduce(0.0) { $0 + Double($1.levels.count + 1) * Double($1.dimension) }
        func decoder(encoded e: Double, extra x: Double) -> Double {
            linear(e + d.sw + d.K * d.hw, d.H) + linear(d.H, (d.K + 1) * d.H) + linear(2 * d.H + d.hw + x, d.H) + linear(d.H, d.Q)
        }
        switch c.architecture {
        case .mlp:
            let input = d.T * (d.pw + d.fd) + d.sw + d.K * d.hw
            return embeddings + linear(input, d.H) + (d.L - 1) * linear(d.H, d.H) + linear(d.H, d.K * d.H)
                + linear(d.H + d.hw, d.H) + linear(d.H, d.Q)
        case .mqrnn:
            return embeddings + 4 * d.H * (d.ew + d.H + 1) + (d.L - 1) * 4 * d.H * (2 * d.H + 1) + decoder(encoded: d.H, extra: 0)
        case .mqcnn:
            return embeddings + linear(7 * d.ew, d.H) + (d.L - 1) * linear(3 * d.H, d.H) + decoder(encoded: d.H + 1, extra: 0)
        case .mqtransformer:
            let state = d.H + 1
            let position = d.fd > 0 ? linear(d.span * d.fd, d.Wp) : 0
            return embeddings + position + linear(7 * (d.ew + d.Wp), d.H) + (d.L - 1) * linear(3 * d.H, d.H)
                + linear(state, d.K * d.W) + d.K * d.Wp * d.W + linear(state + d.Wp, d.W) + linear(state, d.W)
                + 3 * linear(d.H + d.W, d.W) + decoder(encoded: state, extra: 2 * d.W)
        case .nbeats:
            let hidden = linear(d.T, d.H) + Double(BasisExpansionNetwork.depth - 1) * linear(d.H, d.H)
            return d.L * (hidden + linear(d.H, d.T) + linear(d.H, d.K * d.Q))
        }
    }

    /// Floats one training window keeps alive through its forward and backward pass.
    public static func activationsPerWindow(_ c: NeuralConfiguration, layout: FeatureLayout) -> Double {
        let d = Dimensions(c, layout)
        let (T, K, F, H, L, Q, W) = (d.T, d.K, d.F, d.H, d.L, d.Q, d.W)
        let inputs = T * (d.pw + d.sw + d.ew) + 2 * (T + K) * d.fd + F * K * (d.fd + d.lw + d.hw) + 2 * d.sw
        func decoder(encoded e: Double, extra x: Double) -> Double {
            F * (2 * d.sw + e + K * d.hw) + 2 * F * H + 2 * F * (K + 1) * H + 2 * F * K * H
                + F * K * (2 * H + d.hw + x) + 2 * F * K * H + 8 * F * K * Q
        }
        func convolutions(input: Double) -> Double {
            T * (7 * input + 2 * H) + (L - 1) * T * 5 * H + 2 * T * (H + 1) + F * (H + 1)
        }
        switch c.architecture {
        case .mlp:
            let window = T * (d.pw + d.fd)
            return inputs + 3 * window + (window + d.sw + K * d.hw) + 3 * L * H + 2 * K * H + K * (H + d.hw) + 3 * K * H + 8 * K * Q
        case .mqrnn:
            return inputs + L * T * 11 * H + F * H + decoder(encoded: H, extra: 0)
        case .mqcnn:
            return inputs + convolutions(input: d.ew) + decoder(encoded: H + 1, extra: 0)
        case .mqtransformer:
            let steps = T + K + d.spanSide
            let position = d.fd > 0 ? steps * d.fd * (2 + d.span) + 2 * steps * d.Wp + T * d.Wp : 0
            let attention = 3 * F * K * W + 4 * F * K * d.Wp + 2 * T * W + T * (H + 1 + d.Wp) + 3 * K * F * T + 2 * F * K * W
            let J = d.J
            let feedback = J > 0 ? F * K * (H + W) + 3 * F * K * W + 5 * F * K * J * W + 3 * F * K * J : 0
            return inputs + position + convolutions(input: d.ew + d.Wp) + attention + feedback + F * K * W
                + decoder(encoded: H + 1, extra: 2 * W)
        case .nbeats:
            // The target alone and the lags, not the encoded inputs; per block each hidden
            // layer's product, ReLU and dropout (with its mask), the backcast and the residual
            // left, the forecast and the running sum; then the head.
            let block = 4 * Double(BasisExpansionNetwork.depth) * H + 2 * T + 2 * K * Q
            return T + K * (d.lw + 1) + L * block + 8 * K * Q
        }
    }

    /// Bytes of tensor storage while training: weights, their gradients (one copy per data
    /// shard), Adam's two moments, plus every window's activations and their gradients. (The
    /// best epoch's copy is one more set of weights, outside the tensors.)
    public static func trainingTensorBytes(_ c: NeuralConfiguration, layout: FeatureLayout) -> Double {
        let p = parameters(c, layout: layout)
        return 4 * (p * Double(3 + NeuralTrainer.shardCount) + 2 * Double(c.batch) * activationsPerWindow(c, layout: layout))
    }

    /// Bytes of the per-series inputs the trainer prepares (calendar features over the window
    /// padding, the history and the horizon; covariates; targets), for training and validation.
    public static func seriesInputBytes(_ c: NeuralConfiguration, layout: FeatureLayout, panel: Panel) -> Double {
        let perStep = 4.0 * Double(layout.calendarCount) + 8 * Double(layout.known.count + layout.past.count) + 4 * Double(layout.events.count) + 12
        let steps = panel.series.reduce(0.0) { $0 + Double(c.context + $1.count + c.horizon) }
        return 2 * steps * perStep
    }

    /// Throws a clear error when training `c` on `panel` would need more than `budget` bytes,
    /// naming the sizes that drive it and what to lower.
    public static func checkTraining(_ c: NeuralConfiguration, layout: FeatureLayout, panel: Panel,
                                     budget: Double = MemoryBudget.bytes) throws {
        let tensors = trainingTensorBytes(c, layout: layout), inputs = seriesInputBytes(c, layout: layout, panel: panel)
        guard tensors + inputs > budget else { return }
        throw HorizonError("'\(c.architecture.rawValue)' would need about \(MemoryBudget.describe(tensors + inputs)) to train "
                           + "(horizon \(c.horizon), context \(c.context), forks \(c.forks), hidden \(c.hidden), batch \(c.batch); "
                           + "\(MemoryBudget.describe(inputs)) of it for \(panel.count) series' inputs), more than the "
                           + "\(MemoryBudget.describe(budget)) this machine allows: lower context=, forks=, hidden= or batch=, or 'set horizon'")
    }

    /// Throws when a loaded model's weights alone would not fit (a crafted file can describe
    /// a network of any size; its configuration is range-checked first).
    public static func checkInference(_ c: NeuralConfiguration, layout: FeatureLayout, budget: Double = MemoryBudget.bytes) throws {
        let bytes = 4 * (parameters(c, layout: layout) + 512 * activationsPerWindow(c, layout: layout) / 2)
        guard bytes > budget else { return }
        throw HorizonError("the model would need about \(MemoryBudget.describe(bytes)) to forecast, more than the \(MemoryBudget.describe(budget)) this machine allows")
    }

    /// The sizes the counts are written in, as Doubles (products overflow no Int here).
    struct Dimensions {
        let T, K, F, H, L, Q, W: Double
        let pw, fd, sw, lw, ew, hw: Double
        /// MQTransformer's positional encoding: kernel width, steps either side, output width.
        let span, spanSide, Wp: Double
        /// Feedback memory per horizon.
        let J: Double

        init(_ c: NeuralConfiguration, _ layout: FeatureLayout) {
            T = Double(c.context); K = Double(c.horizon); F = Double(c.forks); H = Double(c.hidden); L = Double(c.layers)
            Q = Double(c.levels.count); W = Double(c.attentionWidth)
            pw = Double(layout.pastWidth); sw = Double(layout.staticWidth); lw = Double(layout.lagWidth)
            fd = Double(layout.futureWidth + layout.eventEmbeddingWidth)
            ew = pw + fd + sw
            hw = fd + lw
            let side = layout.frequency == "D" ? 7.0 : layout.frequency == "H" ? 12 : 2
            spanSide = side
            span = 2 * side + 1
            Wp = fd > 0 ? W : 0
            J = Double(max(0, min(c.feedback, c.horizon - 1)))
        }
    }
}

extension NeuralFootprint {
    /// Trains the network `c` describes on `panel` and returns the estimate beside the most
    /// tensor storage held at once, in bytes (weights included): what `horizon-bench
    /// footprint` prints. The engine's peak is process-wide, so nothing else may train meanwhile.
    public static func measureTraining(_ c: NeuralConfiguration, panel: Panel) throws -> (estimate: Double, measured: Double) {
        let layout = try FeatureLayout.learn(from: panel, pastNames: c.pastCovariates)
        var generator = SeededGenerator(seed: c.seed)
        let network = NetworkFactory.make(c, layout: layout, generator: &generator)
        Tensor.releaseCachedBuffers()
        Tensor.resetPeakBytes()
        let before = Tensor.peakBytes
        _ = try NeuralTrainer(configuration: c, layout: layout, label: "footprint").train(network, panel: panel, generator: &generator)
        let measured = Double(Tensor.peakBytes - before) + 4 * Double(network.parameters.scalarCount)
        return (trainingTensorBytes(c, layout: layout), measured)
    }
}
