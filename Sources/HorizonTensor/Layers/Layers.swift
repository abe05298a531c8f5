import HorizonCore

/// Building blocks that own their parameters (registered in a `ParameterStore` under a
/// name prefix) and apply an op. Models compose these; the ops stay usable on their own.

/// y = x·W + b.
public struct Linear {
    public let weight: Tensor, bias: Tensor?

    public init(_ store: ParameterStore, _ name: String, input: Int, output: Int, bias: Bool = true,
                initialization: Initialization = .glorot, generator: inout SeededGenerator) {
        weight = store.make("\(name).weight", shape: [input, output], initialization: initialization, generator: &generator)
        self.bias = bias ? store.make("\(name).bias", shape: [output], initialization: .zeros, generator: &generator) : nil
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.linear(weight, bias) }
}

/// A learned vector per category code.
public struct Embedding {
    public let table: Tensor

    public init(_ store: ParameterStore, _ name: String, vocabulary: Int, dimension: Int, generator: inout SeededGenerator) {
        table = store.make("\(name).table", shape: [vocabulary, dimension], initialization: .uniform(0.1), generator: &generator)
    }

    /// Rows for `codes`, shaped `shape + [dimension]`.
    public func callAsFunction(_ codes: [Int32], shape: [Int]) -> Tensor { Tensor.embedding(table, codes: codes, shape: shape) }
}

public struct LayerNorm {
    public let scale: Tensor, shift: Tensor

    public init(_ store: ParameterStore, _ name: String, features: Int, generator: inout SeededGenerator) {
        scale = store.make("\(name).scale", shape: [features], initialization: .constant(1), generator: &generator)
        shift = store.make("\(name).shift", shape: [features], initialization: .zeros, generator: &generator)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.layerNorm(scale: scale, shift: shift) }
}

/// A unidirectional LSTM layer over (B, T, In). Unidirectional on purpose: with forking
/// sequences every step is a forecast creation time, and a backward direction would let the
/// state at t see the targets after t (shared/anchors/model-specs §5).
public struct LSTMLayer {
    public let inputWeight: Tensor, recurrentWeight: Tensor, bias: Tensor

    public init(_ store: ParameterStore, _ name: String, input: Int, hidden: Int, generator: inout SeededGenerator) {
        let bound = 1 / Float(hidden).squareRoot()
        inputWeight = store.make("\(name).input", shape: [input, 4 * hidden], initialization: .uniform(bound), generator: &generator)
        recurrentWeight = store.make("\(name).recurrent", shape: [hidden, 4 * hidden], initialization: .uniform(bound), generator: &generator)
        // Forget-gate bias at 1 (Jozefowicz et al. 2015) so early training keeps memory.
        var b = [Float](repeating: 0, count: 4 * hidden)
        for j in hidden..<(2 * hidden) { b[j] = 1 }
        bias = store.make("\(name).bias", shape: [4 * hidden], initialization: .zeros, generator: &generator)
        bias.buffer.baseAddress!.update(from: b, count: b.count)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.lstm(inputWeight: inputWeight, recurrentWeight: recurrentWeight, bias: bias) }
}

/// A unidirectional GRU layer over (B, T, In).
public struct GRULayer {
    public let inputWeight: Tensor, recurrentWeight: Tensor, inputBias: Tensor, recurrentBias: Tensor

    public init(_ store: ParameterStore, _ name: String, input: Int, hidden: Int, generator: inout SeededGenerator) {
        let bound = 1 / Float(hidden).squareRoot()
        inputWeight = store.make("\(name).input", shape: [input, 3 * hidden], initialization: .uniform(bound), generator: &generator)
        recurrentWeight = store.make("\(name).recurrent", shape: [hidden, 3 * hidden], initialization: .uniform(bound), generator: &generator)
        inputBias = store.make("\(name).input_bias", shape: [3 * hidden], initialization: .zeros, generator: &generator)
        recurrentBias = store.make("\(name).recurrent_bias", shape: [3 * hidden], initialization: .zeros, generator: &generator)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.gru(inputWeight: inputWeight, recurrentWeight: recurrentWeight, inputBias: inputBias, recurrentBias: recurrentBias)
    }
}

/// A causal dilated convolution over (B, T, Cin) → (B, T, Cout).
public struct CausalConv1D {
    public let weight: Tensor, bias: Tensor
    public let dilation: Int

    public init(_ store: ParameterStore, _ name: String, input: Int, output: Int, kernel: Int, dilation: Int,
                generator: inout SeededGenerator) {
        weight = store.make("\(name).weight", shape: [kernel, input, output], initialization: .he, generator: &generator)
        bias = store.make("\(name).bias", shape: [output], initialization: .zeros, generator: &generator)
        self.dilation = dilation
    }

    public var receptiveField: Int { (weight.shape[0] - 1) * dilation + 1 }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.causalConv1D(weight: weight, bias: bias, dilation: dilation) }
}

/// Multi-head attention with query, key, value and output projections.
public struct MultiHeadAttention {
    public let query: Linear, key: Linear, value: Linear, output: Linear
    public let heads: Int

    public init(_ store: ParameterStore, _ name: String, width: Int, heads: Int, queryInput: Int? = nil, keyInput: Int? = nil,
                generator: inout SeededGenerator) {
        query = Linear(store, "\(name).query", input: queryInput ?? width, output: width, generator: &generator)
        key = Linear(store, "\(name).key", input: keyInput ?? width, output: width, generator: &generator)
        value = Linear(store, "\(name).value", input: keyInput ?? width, output: width, generator: &generator)
        output = Linear(store, "\(name).output", input: width, output: width, generator: &generator)
        self.heads = heads
    }

    /// Queries from `x` (B, Tq, ·) attend over `memory` (B, Tk, ·) — `x` itself for self-attention.
    public func callAsFunction(_ x: Tensor, memory: Tensor? = nil, mask: AttentionMask = .none) -> Tensor {
        let source = memory ?? x
        let attended = Tensor.attention(query: query(x), key: key(source), value: value(source), heads: heads, mask: mask)
        return output(attended)
    }
}
