import Foundation
import HorizonCore
import HorizonTensor

/// The tensor engine at the shapes forecasting models use (batch 64–256, context 24–168,
/// hidden 32–128): matrix products against the raw `cblas_sgemm` they call, and forward +
/// backward time of one training step for an LSTM layer, a dilated causal convolution stack
/// (MQ-CNN's encoder) and an attention block. `--csv` prints the rows for
/// `scripts/bench-engine-vs-torch.py`, which times the same shapes in PyTorch.
enum EngineBenchmark {
    struct Row {
        var block: String, shape: String, engineMs: Double, extra: String
    }

    static func run(_ arguments: [String]) throws {
        try requireOpenBLAS()
        let csv = arguments.contains("--csv")
        let quick = arguments.contains("--quick")
        // `--shape B,T,H` times only the training steps at that one shape, and `--block NAME`
        // only that block (lstm, conv, attention): for profiling.
        let block = arguments.firstIndex(of: "--block").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
        let only = arguments.firstIndex(of: "--shape").flatMap { i -> (Int, Int, Int)? in
            guard i + 1 < arguments.count else { return nil }
            let v = arguments[i + 1].split(separator: ",").compactMap { Int($0) }
            return v.count == 3 ? (v[0], v[1], v[2]) : nil
        }
        var rng = SeededGenerator(seed: 1)
        var rows: [Row] = []

        // Matrix products: (m × k)·(k × n) as the models issue them.
        let products: [(String, Int, Int, Int)] = [
            ("dense layer, B·T = 64·24", 1536, 64, 256),
            ("LSTM input projection, B·T = 256·168", 43_008, 16, 512),
            ("LSTM recurrent step, B = 256", 256, 128, 512),
            ("conv im2col, B·T = 256·168", 43_008, 96, 32),
            ("decoder MLP, B·T = 256·168", 43_008, 160, 256),
        ]
        var matmulTable = TextTable(title: "matmul (forward; GFLOP/s, higher is better; OpenBLAS kernels: \(blasCoreName))",
                                    headers: ["product", "m×k·k×n", "engine", "raw sgemm", "engine/raw"])
        for (label, m, k, n) in products where only == nil && (!quick || m < 10_000) {
            let a = randomTensor([m, k], &rng), b = randomTensor([k, n], &rng)
            let flops = 2.0 * Double(m * k * n)
            let engine = Timing.median { _ = Autograd.withoutGradients { a.matmul(b) } }
            var c = [Float](repeating: 0, count: m * n)
            let raw = Timing.median {
                c.withUnsafeMutableBufferPointer { cp in rawSgemm(m: m, n: n, k: k, a: a.buffer.baseAddress!, b: b.buffer.baseAddress!, c: cp.baseAddress!) }
            }
            matmulTable.append([label, "\(m)×\(k)·\(k)×\(n)", fixed(flops / engine / 1e9, 1), fixed(flops / raw / 1e9, 1), fixed(raw / engine, 2)])
        }

        // A matmul-bound training step: two dense layers forward and backward (6 sgemm calls
        // plus bias and ReLU), as achieved GFLOP/s against raw sgemm on the same 6 products.
        var stepTable = TextTable(title: "matmul-bound step: 2 dense layers, forward + backward (GFLOP/s)",
                                  headers: ["rows", "layers", "step", "raw sgemm, same products", "step/raw"])
        for rowsCount in only != nil ? [] : quick ? [1536] : [1536, 43_008] {
            let (input, hidden, output) = (160, 256, 256)
            let store = ParameterStore()
            let l1 = Linear(store, "l1", input: input, output: hidden, generator: &rng)
            let l2 = Linear(store, "l2", input: hidden, output: output, generator: &rng)
            // The input wants a gradient too, as an inner layer's would, so the step issues all six products.
            let x = Tensor(shape: [rowsCount, input], data: randomTensor([rowsCount, input], &rng).scalars, requiresGrad: true)
            let flops = 3 * 2.0 * Double(rowsCount) * Double(input * hidden + hidden * output)
            let step = Timing.median { l2(l1(x).relu()).mean().backward(); store.zeroGradients(); x.zeroGrad() }
            // The same six products through raw sgemm (forward, dX and dW of each layer).
            let shapes = [(rowsCount, hidden, input), (rowsCount, input, hidden), (input, hidden, rowsCount),
                          (rowsCount, output, hidden), (rowsCount, hidden, output), (hidden, output, rowsCount)]
            let buffers = shapes.map { (m, n, k) in (randomTensor([m, k], &rng), randomTensor([k, n], &rng), [Float](repeating: 0, count: m * n)) }
            var outputs = buffers.map(\.2)
            let raw = Timing.median {
                for (i, (m, n, k)) in shapes.enumerated() {
                    outputs[i].withUnsafeMutableBufferPointer { c in
                        rawSgemm(m: m, n: n, k: k, a: buffers[i].0.buffer.baseAddress!, b: buffers[i].1.buffer.baseAddress!, c: c.baseAddress!)
                    }
                }
            }
            stepTable.append(["\(rowsCount)", "\(input)→\(hidden)→\(output)", fixed(flops / step / 1e9, 1), fixed(flops / raw / 1e9, 1),
                              fixed(raw / step, 2)])
        }

        // Training steps: forward, sum of outputs as the loss, backward.
        for (batch, steps, width) in only.map({ [$0] }) ?? blockShapes(quick: quick) {
            let features = 16
            let shape = "B=\(batch) T=\(steps) H=\(width)"
            if block == nil || block == "lstm" {
                let store = ParameterStore()
                let layer = LSTMLayer(store, "lstm", input: features, hidden: width, generator: &rng)
                let x = randomTensor([batch, steps, features], &rng)
                rows.append(Row(block: "lstm", shape: shape, engineMs: 1e3 * Timing.median {
                    layer(x).mean().backward(); store.zeroGradients()
                }, extra: "in=\(features)"))
            }
            if block == nil || block == "conv" {
                let store = ParameterStore()
                let kernels = [7, 3, 3], dilations = [1, 3, 9]
                var layers: [CausalConv1D] = []
                var input = features
                for (i, (k, d)) in zip(kernels, dilations).enumerated() {
                    layers.append(CausalConv1D(store, "conv\(i)", input: input, output: width, kernel: k, dilation: d, generator: &rng))
                    input = width
                }
                let x = randomTensor([batch, steps, features], &rng)
                rows.append(Row(block: "conv", shape: shape, engineMs: 1e3 * Timing.median {
                    var h = x
                    for layer in layers { h = layer(h).relu() }
                    h.mean().backward(); store.zeroGradients()
                }, extra: "in=\(features) k=7,3,3 d=1,3,9"))
            }
            if block == nil || block == "attention" {
                let store = ParameterStore()
                let heads = 4
                let attention = MultiHeadAttention(store, "attn", width: width, heads: heads, generator: &rng)
                let norm = LayerNorm(store, "norm", features: width, generator: &rng)
                let x = randomTensor([batch, steps, width], &rng)
                rows.append(Row(block: "attention", shape: shape, engineMs: 1e3 * Timing.median {
                    norm(x + attention(x, mask: .causal)).mean().backward(); store.zeroGradients()
                }, extra: "heads=\(heads) causal, residual + layer norm"))
            }
        }

        // MQTransformer's decoder–encoder attention at M4 Hourly's shape (a shard of 32 windows,
        // 24 forecast times × 48 horizons querying 168 steps through a head of 16): the
        // in-cache kernel the prefix mask takes, beside the same mask as a pattern, which
        // takes the sgemm path.
        if only == nil, !quick, block == nil || block == "horizon-attention" {
            let (b, tq, tk, d) = (32, 1152, 168, 16)
            let q = randomTensor([b, tq, d], &rng, requiresGrad: true), k = randomTensor([b, tk, d], &rng, requiresGrad: true)
            let v = randomTensor([b, tk, d], &rng, requiresGrad: true)
            let visible = (0..<tq).map { Int32(tk - 24 + $0 / 48 + 1) }
            var pattern = [Bool](repeating: false, count: tq * tk)
            for i in 0..<tq { for j in 0..<Int(visible[i]) { pattern[i * tk + j] = true } }
            for (label, mask) in [("in cache", AttentionMask.prefix(visible)), ("sgemm", .allowed(pattern))] {
                rows.append(Row(block: "horizon-attention", shape: "B=\(b) Tq=\(tq) Tk=\(tk) D=\(d)", engineMs: 1e3 * Timing.median {
                    Tensor.attention(query: q, key: k, value: v, heads: 1, mask: mask).mean().backward()
                    for t in [q, k, v] { t.zeroGrad() }
                }, extra: "MQTransformer on M4 Hourly, prefix mask: \(label)"))
            }
        }

        // The MQ decoder's first local layer at M4 Hourly's shard shape (32 windows × 24
        // forecast times × 48 horizons): MQTransformer's inputs [c_{t,k} 64, c_a 64 shared by
        // the horizons, x_{t+k} 10, attention 16, feedback 16] → 64, as parts of one product
        // against joined: the per-horizon inputs through one sgemm and c_a's product added
        // (broadcast over the horizons), or c_a tiled into the one joined input.
        if only == nil, !quick, block == nil || block == "decoder-local" {
            let (a, k) = (32 * 24, 48)
            let specific = randomTensor([a, k, 64], &rng, requiresGrad: true), agnostic = randomTensor([a, 1, 64], &rng, requiresGrad: true)
            let future = randomTensor([a, k, 10], &rng)
            let attended = randomTensor([a, k, 16], &rng, requiresGrad: true), revised = randomTensor([a, k, 16], &rng, requiresGrad: true)
            let w = randomTensor([170, 64], &rng, requiresGrad: true), bias = randomTensor([64], &rng, requiresGrad: true)
            let tiles = [Int32](repeating: 0, count: k)
            let ways: [(String, () -> Tensor)] = [
                ("parts", { Tensor.linear([specific, agnostic, future, attended, revised], w, bias) }),
                ("joined, c_a's product added", {
                    let perHorizon = Tensor.concatenate([w.slice(axis: 0, 0..<64), w.slice(axis: 0, 128..<170)], axis: 0)
                    return Tensor.concatenate([specific, future, attended, revised], axis: -1).linear(perHorizon, bias)
                        + agnostic.linear(w.slice(axis: 0, 64..<128))
                }),
                ("joined, c_a tiled", { Tensor.concatenate([specific, agnostic.gather(axis: 1, indices: tiles), future, attended, revised], axis: -1)
                    .linear(w, bias) }),
            ]
            for (label, layer) in ways {
                rows.append(Row(block: "decoder-local", shape: "A=\(a) K=\(k) in=170 out=64", engineMs: 1e3 * Timing.median {
                    layer().mean().backward()
                    for t in [specific, agnostic, attended, revised, w, bias] { t.zeroGrad() }
                }, extra: "MQTransformer's first local layer on M4 Hourly: \(label)"))
            }
        }

        if csv {
            print("block,batch,steps,width,features,engine_ms")
            for r in rows {
                let dims = r.shape.split(separator: " ").map { $0.split(separator: "=")[1] }
                print("\(r.block),\(dims[0]),\(dims[1]),\(dims[2]),16,\(fixed(r.engineMs, 3))")
            }
            return
        }
        print(matmulTable.rendered())
        print()
        print(stepTable.rendered())
        print()
        var steps = TextTable(title: "training step, forward + backward (ms, median; lower is better)",
                              headers: ["block", "shape", "ms/step", "details"])
        for r in rows { steps.append([r.block, r.shape, fixed(r.engineMs, 2), r.extra]) }
        print(steps.rendered())
        print("\nOne thread (OpenBLAS single-threaded). scripts/bench-engine-vs-torch.py times the same steps in PyTorch.")
    }

    static func blockShapes(quick: Bool) -> [(Int, Int, Int)] {
        quick ? [(64, 24, 32)] : [(64, 24, 32), (128, 48, 64), (256, 168, 128)]
    }

    static func randomTensor(_ shape: [Int], _ rng: inout SeededGenerator, requiresGrad: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, data: (0..<n).map { _ in Float(2 * rng.uniform() - 1) }, requiresGrad: requiresGrad)
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}
