/// Fused recurrent layers: LSTM and GRU over a whole sequence as one graph node.
///
/// Why fused: a cell built from separate ops would put ~15 nodes per time step in the graph
/// and allocate as many buffers; here the input projection of every step is one sgemm up
/// front, each step adds one sgemm for the recurrent projection and one SIMD pass for the
/// gates, and backpropagation through time runs in the same shape. Gate activations and cell
/// states are kept from the forward pass for the backward pass.
extension Tensor {
    /// An LSTM over x of shape (B, T, In) from zero initial state; returns every hidden state,
    /// (B, T, H). Weights: input (In, 4H), recurrent (H, 4H), bias (4H), gates in the order
    /// input, forget, cell, output:
    /// i = σ(aᵢ), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c = f·c₋ + i·g, h = o·tanh(c).
    ///
    /// Internally time-major: each step's gates, states and deltas for the whole batch are one
    /// contiguous block, so a step streams through memory instead of striding a row per batch
    /// element across the sequence (measured 1.15× faster end to end at B=128, T=48, H=64), and
    /// h₋ for the recurrent weight gradient is the state buffer itself, one block earlier.
    public func lstm(inputWeight wx: Tensor, recurrentWeight wh: Tensor, bias: Tensor) -> Tensor {
        precondition(rank == 3, "an LSTM needs input (batch, time, features), got \(shape)")
        let hidden = wh.shape[0], gateWidth = 4 * hidden
        precondition(wx.shape == [shape[2], gateWidth] && wh.shape == [hidden, gateWidth] && bias.shape == [gateWidth],
                     "LSTM weights \(wx.shape), \(wh.shape), \(bias.shape) do not fit input \(shape) (expected (\(shape[2]), 4H), (H, 4H), (4H))")
        let x = self
        let batch = shape[0], steps = shape[1], features = shape[2]
        let rows = batch * steps
        let xt = Storage(uninitialized: rows * features)
        Self.swapBatchAndTime(from: x.pointer, to: xt.pointer, outer: batch, inner: steps, width: features, accumulate: false)
        let gates = Storage(uninitialized: rows * gateWidth)
        for r in 0..<rows { (gates.pointer + r * gateWidth).update(from: bias.pointer, count: gateWidth) }
        BLAS.gemm(m: rows, n: gateWidth, k: features, a: xt.pointer, lda: features, b: wx.pointer, ldb: gateWidth,
                  beta: 1, c: gates.pointer, ldc: gateWidth)
        // States, cells and tanh(cell) (kept for the backward pass), all time-major.
        let hs = Storage(uninitialized: rows * hidden), cs = Storage(uninitialized: rows * hidden)
        let tanhCells = Storage(uninitialized: rows * hidden)
        let zeroState = Storage(zeros: hidden)
        for t in 0..<steps {
            let block = t * batch
            if t > 0 {
                BLAS.gemm(m: batch, n: gateWidth, k: hidden, a: hs.pointer + (block - batch) * hidden, lda: hidden,
                          b: wh.pointer, ldb: gateWidth, beta: 1, c: gates.pointer + block * gateWidth, ldc: gateWidth)
            }
            for b in 0..<batch {
                let row = block + b
                let a = gates.pointer + row * gateWidth
                let c = cs.pointer + row * hidden, h = hs.pointer + row * hidden, tcell = tanhCells.pointer + row * hidden
                let cPrev = t > 0 ? cs.pointer + (row - batch) * hidden : zeroState.pointer
                var j = 0
                while j < hidden {
                    let w = Swift.min(VectorMath.width, hidden - j)
                    let i = VectorMath.sigmoid(VectorMath.load(a + j, w))
                    let f = VectorMath.sigmoid(VectorMath.load(a + hidden + j, w))
                    let g = VectorMath.tanh(VectorMath.load(a + 2 * hidden + j, w))
                    let o = VectorMath.sigmoid(VectorMath.load(a + 3 * hidden + j, w))
                    let cell = f * VectorMath.load(cPrev + j, w) + i * g
                    let tc = VectorMath.tanh(cell)
                    VectorMath.store(i, a + j, w)
                    VectorMath.store(f, a + hidden + j, w)
                    VectorMath.store(g, a + 2 * hidden + j, w)
                    VectorMath.store(o, a + 3 * hidden + j, w)
                    VectorMath.store(cell, c + j, w)
                    VectorMath.store(tc, tcell + j, w)
                    VectorMath.store(o * tc, h + j, w)
                    j += w
                }
            }
        }
        let out = Storage(uninitialized: rows * hidden)
        Self.swapBatchAndTime(from: hs.pointer, to: out.pointer, outer: steps, inner: batch, width: hidden, accumulate: false)
        return Tensor(shape: [batch, steps, hidden], storage: out, inputs: [x, wx, wh, bias]) { node in
            let gOut = Storage(uninitialized: rows * hidden)
            Self.swapBatchAndTime(from: node.gradStorage!.pointer, to: gOut.pointer, outer: batch, inner: steps, width: hidden,
                                  accumulate: false)
            let dGates = Storage(uninitialized: rows * gateWidth)
            let dhNext = Storage(zeros: batch * hidden), dcNext = Storage(zeros: batch * hidden)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let block = t * batch
                for b in 0..<batch {
                    let row = block + b
                    let a = gates.pointer + row * gateWidth, da = dGates.pointer + row * gateWidth
                    let tcell = tanhCells.pointer + row * hidden, dOut = gOut.pointer + row * hidden
                    let cPrev = t > 0 ? cs.pointer + (row - batch) * hidden : zeroState.pointer
                    let dhn = dhNext.pointer + b * hidden, dcn = dcNext.pointer + b * hidden
                    var j = 0
                    while j < hidden {
                        let w = Swift.min(VectorMath.width, hidden - j)
                        let i = VectorMath.load(a + j, w), f = VectorMath.load(a + hidden + j, w)
                        let g = VectorMath.load(a + 2 * hidden + j, w), o = VectorMath.load(a + 3 * hidden + j, w)
                        let tc = VectorMath.load(tcell + j, w)
                        let dh = VectorMath.load(dOut + j, w) + VectorMath.load(dhn + j, w)
                        let dc = dh * o * (1 - tc * tc) + VectorMath.load(dcn + j, w)
                        VectorMath.store(dc * g * i * (1 - i), da + j, w)
                        VectorMath.store(dc * VectorMath.load(cPrev + j, w) * f * (1 - f), da + hidden + j, w)
                        VectorMath.store(dc * i * (1 - g * g), da + 2 * hidden + j, w)
                        VectorMath.store(dh * tc * o * (1 - o), da + 3 * hidden + j, w)
                        VectorMath.store(dc * f, dcn + j, w)
                        j += w
                    }
                }
                if t > 0 {
                    BLAS.gemm(transposeB: true, m: batch, n: hidden, k: gateWidth, a: dGates.pointer + block * gateWidth,
                              lda: gateWidth, b: wh.pointer, ldb: gateWidth, beta: 0, c: dhNext.pointer, ldc: hidden)
                }
            }
            if wx.requiresGrad {
                let (g, beta) = wx.gradTarget()
                BLAS.gemm(transposeA: true, m: features, n: gateWidth, k: rows, a: xt.pointer, lda: features, b: dGates.pointer,
                          ldb: gateWidth, beta: beta, c: g, ldc: gateWidth)
            }
            if wh.requiresGrad {
                // Σ_{t≥1} h_{t−1}ᵀ δ_t: the states of steps 0…T−2 against the deltas of steps 1…T−1.
                let g = wh.gradPointer()
                BLAS.gemm(transposeA: true, m: hidden, n: gateWidth, k: (steps - 1) * batch, a: hs.pointer, lda: hidden,
                          b: dGates.pointer + batch * gateWidth, ldb: gateWidth, beta: 1, c: g, ldc: gateWidth)
            }
            if bias.requiresGrad { Self.addColumnSums(dGates.pointer, rows: rows, columns: gateWidth, into: bias.gradPointer()) }
            if x.requiresGrad {
                let dx = Storage(uninitialized: rows * features)
                BLAS.gemm(transposeB: true, m: rows, n: features, k: gateWidth, a: dGates.pointer, lda: gateWidth, b: wx.pointer,
                          ldb: gateWidth, beta: 0, c: dx.pointer, ldc: features)
                Self.swapBatchAndTime(from: dx.pointer, to: x.gradPointer(), outer: steps, inner: batch, width: features, accumulate: true)
            }
        }
    }

    /// Copies (or adds) rows of `width` between the orders (outer, inner) and (inner, outer):
    /// batch-major (B, T, ·) to time-major (T, B, ·) and back.
    static func swapBatchAndTime(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, outer: Int, inner: Int,
                                 width: Int, accumulate: Bool) {
        for o in 0..<outer {
            for i in 0..<inner {
                let from = src + (o * inner + i) * width, to = dst + (i * outer + o) * width
                if accumulate { for k in 0..<width { to[k] += from[k] } } else { to.update(from: from, count: width) }
            }
        }
    }

    /// A GRU over x of shape (B, T, In) from zero initial state; returns every hidden state,
    /// (B, T, H). Weights: input (In, 3H) with bias (3H), recurrent (H, 3H) with bias (3H),
    /// gates in the order reset, update, candidate (PyTorch's formulation):
    /// r = σ(xWᵣ + bᵣ + hUᵣ + cᵣ), z = σ(xW_z + b_z + hU_z + c_z),
    /// n = tanh(xW_n + b_n + r·(hU_n + c_n)), h' = (1 − z)·n + z·h.
    public func gru(inputWeight wx: Tensor, recurrentWeight wh: Tensor, inputBias bx: Tensor, recurrentBias bh: Tensor) -> Tensor {
        precondition(rank == 3, "a GRU needs input (batch, time, features), got \(shape)")
        let hidden = wh.shape[0], gateWidth = 3 * hidden
        precondition(wx.shape == [shape[2], gateWidth] && wh.shape == [hidden, gateWidth] && bx.shape == [gateWidth] && bh.shape == [gateWidth],
                     "GRU weights \(wx.shape), \(wh.shape), \(bx.shape), \(bh.shape) do not fit input \(shape) (expected (\(shape[2]), 3H), (H, 3H), (3H), (3H))")
        let x = self
        let batch = shape[0], steps = shape[1], features = shape[2]
        let rows = batch * steps
        // Input projections (then gate activations), recurrent projections, hidden states.
        let gates = Storage(uninitialized: rows * gateWidth), recurrent = Storage(uninitialized: rows * gateWidth)
        let hs = Storage(uninitialized: rows * hidden)
        for r in 0..<rows {
            (gates.pointer + r * gateWidth).update(from: bx.pointer, count: gateWidth)
            (recurrent.pointer + r * gateWidth).update(from: bh.pointer, count: gateWidth)
        }
        BLAS.gemm(m: rows, n: gateWidth, k: features, a: x.pointer, lda: features, b: wx.pointer, ldb: gateWidth,
                  beta: 1, c: gates.pointer, ldc: gateWidth)
        for t in 0..<steps {
            if t > 0 {
                BLAS.gemm(m: batch, n: gateWidth, k: hidden, a: hs.pointer + (t - 1) * hidden, lda: steps * hidden,
                          b: wh.pointer, ldb: gateWidth, beta: 1, c: recurrent.pointer + t * gateWidth, ldc: steps * gateWidth)
            }
            for b in 0..<batch {
                let row = b * steps + t
                let a = gates.pointer + row * gateWidth, u = recurrent.pointer + row * gateWidth
                let h = hs.pointer + row * hidden
                let hPrev: UnsafeMutablePointer<Float>? = t > 0 ? hs.pointer + (row - 1) * hidden : nil
                var j = 0
                while j < hidden {
                    let w = Swift.min(VectorMath.width, hidden - j)
                    let r = VectorMath.sigmoid(VectorMath.load(a + j, w) + VectorMath.load(u + j, w))
                    let z = VectorMath.sigmoid(VectorMath.load(a + hidden + j, w) + VectorMath.load(u + hidden + j, w))
                    let n = VectorMath.tanh(VectorMath.load(a + 2 * hidden + j, w) + r * VectorMath.load(u + 2 * hidden + j, w))
                    let previous = hPrev.map { VectorMath.load($0 + j, w) } ?? V(repeating: 0)
                    VectorMath.store(r, a + j, w)
                    VectorMath.store(z, a + hidden + j, w)
                    VectorMath.store(n, a + 2 * hidden + j, w)
                    VectorMath.store((1 - z) * n + z * previous, h + j, w)
                    j += w
                }
            }
        }
        return Tensor(shape: [batch, steps, hidden], storage: hs, inputs: [x, wx, wh, bx, bh]) { node in
            let gOut = node.gradStorage!.pointer
            let dInput = Storage(uninitialized: rows * gateWidth), dRecurrent = Storage(uninitialized: rows * gateWidth)
            let dhNext = Storage(zeros: batch * hidden)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                for b in 0..<batch {
                    let row = b * steps + t
                    let a = gates.pointer + row * gateWidth, u = recurrent.pointer + row * gateWidth
                    let di = dInput.pointer + row * gateWidth, dr = dRecurrent.pointer + row * gateWidth
                    let hPrev: UnsafeMutablePointer<Float>? = t > 0 ? hs.pointer + (row - 1) * hidden : nil
                    let dhn = dhNext.pointer + b * hidden
                    var j = 0
                    while j < hidden {
                        let w = Swift.min(VectorMath.width, hidden - j)
                        let r = VectorMath.load(a + j, w), z = VectorMath.load(a + hidden + j, w), n = VectorMath.load(a + 2 * hidden + j, w)
                        let previous = hPrev.map { VectorMath.load($0 + j, w) } ?? V(repeating: 0)
                        let dh = VectorMath.load(gOut + row * hidden + j, w) + VectorMath.load(dhn + j, w)
                        let dan = dh * (1 - z) * (1 - n * n)
                        let daz = dh * (previous - n) * z * (1 - z)
                        let dar = dan * VectorMath.load(u + 2 * hidden + j, w) * r * (1 - r)
                        VectorMath.store(dar, di + j, w)
                        VectorMath.store(daz, di + hidden + j, w)
                        VectorMath.store(dan, di + 2 * hidden + j, w)
                        VectorMath.store(dar, dr + j, w)
                        VectorMath.store(daz, dr + hidden + j, w)
                        VectorMath.store(dan * r, dr + 2 * hidden + j, w)
                        VectorMath.store(dh * z, dhn + j, w)  // the direct path h → h'
                        j += w
                    }
                }
                if t > 0 {
                    BLAS.gemm(transposeB: true, m: batch, n: hidden, k: gateWidth, a: dRecurrent.pointer + t * gateWidth,
                              lda: steps * gateWidth, b: wh.pointer, ldb: gateWidth, beta: 1, c: dhNext.pointer, ldc: hidden)
                }
            }
            Self.accumulateRecurrentGradients(x: x, wx: wx, wh: wh, inputDeltas: dInput, recurrentDeltas: dRecurrent,
                                              states: hs, batch: batch, steps: steps, hidden: hidden, gateWidth: gateWidth)
            if bx.requiresGrad { Self.addColumnSums(dInput.pointer, rows: rows, columns: gateWidth, into: bx.gradPointer()) }
            if bh.requiresGrad { Self.addColumnSums(dRecurrent.pointer, rows: rows, columns: gateWidth, into: bh.gradPointer()) }
        }
    }

    /// The gradients every recurrent layer shares, each one sgemm over all time steps:
    /// dWx += xᵀ·δᵢₙ, dWh += h₋ᵀ·δᵣₑ (h₋ the states shifted one step, zero at t = 0) and
    /// dx += δᵢₙ·Wxᵀ.
    private static func accumulateRecurrentGradients(x: Tensor, wx: Tensor, wh: Tensor, inputDeltas: Storage, recurrentDeltas: Storage,
                                                     states: Storage, batch: Int, steps: Int, hidden: Int, gateWidth: Int) {
        let rows = batch * steps, features = x.shape[2]
        if wx.requiresGrad {
            let (g, beta) = wx.gradTarget()
            BLAS.gemm(transposeA: true, m: features, n: gateWidth, k: rows, a: x.pointer, lda: features, b: inputDeltas.pointer,
                      ldb: gateWidth, beta: beta, c: g, ldc: gateWidth)
        }
        if wh.requiresGrad {
            let shifted = Storage(uninitialized: rows * hidden)
            for b in 0..<batch {
                let base = b * steps * hidden
                (shifted.pointer + base).update(repeating: 0, count: hidden)
                if steps > 1 { (shifted.pointer + base + hidden).update(from: states.pointer + base, count: (steps - 1) * hidden) }
            }
            let (g, beta) = wh.gradTarget()
            BLAS.gemm(transposeA: true, m: hidden, n: gateWidth, k: rows, a: shifted.pointer, lda: hidden, b: recurrentDeltas.pointer,
                      ldb: gateWidth, beta: beta, c: g, ldc: gateWidth)
        }
        if x.requiresGrad {
            let (g, beta) = x.gradTarget()
            BLAS.gemm(transposeB: true, m: rows, n: features, k: gateWidth, a: inputDeltas.pointer, lda: gateWidth, b: wx.pointer,
                      ldb: gateWidth, beta: beta, c: g, ldc: features)
        }
    }

    static func addColumnSums(_ p: UnsafePointer<Float>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = p + r * columns
            for j in 0..<columns { dst[j] += row[j] }
        }
    }
}
