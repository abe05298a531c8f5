import Foundation
import HorizonCore
import Testing
@testable import HorizonTensor

@Suite struct EngineTests {
    @Test func broadcastPlansPickTheFastPathsAndMapTheRest() {
        func kind(_ input: [Int], _ output: [Int]) -> String {
            switch BroadcastPlan(input: input, output: output) {
            case .same: return "same"
            case .scalar: return "scalar"
            case .tile(let p): return "tile \(p)"
            case .repeatEach(let r): return "repeat \(r)"
            case .repeatBlocks(let block, let repeats): return "blocks \(block)×\(repeats)"
            case .general: return "general"
            }
        }
        #expect(kind([2, 3], [2, 3]) == "same")
        #expect(kind([1], [2, 3]) == "scalar")
        #expect(kind([3], [2, 3]) == "tile 3")
        #expect(kind([1, 3, 4], [2, 3, 4]) == "tile 12")
        #expect(kind([2, 1], [2, 3]) == "repeat 3")
        #expect(kind([2, 3, 1], [2, 3, 4]) == "repeat 4")
        #expect(kind([2, 1, 3], [2, 2, 3]) == "blocks 3×2")
        #expect(kind([2, 1, 1, 5], [2, 3, 4, 5]) == "blocks 5×12")
        #expect(kind([3, 1], [2, 3, 4]) == "general")
        if case .general(let map) = BroadcastPlan(input: [3, 1], output: [2, 3, 2]) {
            #expect(map == [0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2])
        } else {
            Issue.record("expected a general plan")
        }
    }

    @Test func broadcastShapesAlignOnTheRight() {
        #expect(BroadcastPlan.shape([2, 3], [3]) == [2, 3])
        #expect(BroadcastPlan.shape([2, 1, 4], [3, 1]) == [2, 3, 4])
    }

    @Test func valuesOfCompositeOpsByHand() {
        let a = Tensor(shape: [2, 2], data: [1, 2, 3, 4])
        let b = Tensor(shape: [2, 2], data: [5, 6, 7, 8])
        #expect(a.matmul(b).scalars == [19, 22, 43, 50])
        #expect(a.linear(b, Tensor(shape: [2], data: [1, -1])).scalars == [20, 21, 44, 49])
        #expect(a.transposed().scalars == [1, 3, 2, 4])
        #expect(a.sum(axis: 0).scalars == [4, 6])
        #expect(a.softmax().scalars.map { ($0 * 1e4).rounded() / 1e4 } == [0.2689, 0.7311, 0.2689, 0.7311])
        let x = Tensor(shape: [1, 4, 1], data: [1, 2, 3, 4])
        let w = Tensor(shape: [2, 1, 1], data: [10, 1])  // y[t] = 10·x[t−2] + x[t]
        #expect(x.causalConv1D(weight: w, bias: nil, dilation: 2).scalars == [1, 2, 13, 24])
        let causal = Tensor.attention(query: Tensor(shape: [1, 2, 2], data: [1, 0, 0, 1]), key: Tensor(shape: [1, 2, 2], data: [1, 0, 0, 1]),
                                      value: Tensor(shape: [1, 2, 2], data: [3, 4, 5, 6]), heads: 1, mask: .causal)
        #expect(Array(causal.scalars.prefix(2)) == [3, 4])  // the first query sees only the first value
    }

    /// Attention over listed rows is masked dense attention when every row is listed at most
    /// once: the same numbers, and zeros where a row lists none.
    @Test func listAttentionIsMaskedAttentionOverTheListedRows() {
        var generator = SeededGenerator(seed: 3)
        let (b, n, d, J) = (2, 6, 8, 3)
        let random = { (count: Int) in (0..<count).map { _ in Float(generator.uniform() * 2 - 1) } }
        let q = Tensor(shape: [b, n, d], data: random(b * n * d)), k = Tensor(shape: [b, n, d], data: random(b * n * d))
        let v = Tensor(shape: [b, n, d], data: random(b * n * d))
        let memory: [Int32] = [5, 0, 2, -1, 1, -1, -1, -1, -1, 4, 3, 2, 1, -1, 0, 3, 4, 5]
        var allowed = [Bool](repeating: false, count: n * n)
        for i in 0..<n { for j in 0..<J where memory[i * J + j] >= 0 { allowed[i * n + Int(memory[i * J + j])] = true } }
        let listed = Tensor.listAttention(Tensor.concatenate([q, k, v], axis: -1), memory: memory, perQuery: J).scalars
        let dense = Tensor.attention(query: q, key: k, value: v, heads: 1, mask: .allowed(allowed)).scalars
        #expect(zip(listed, dense).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(listed[(0 * n + 2) * d..<(0 * n + 3) * d].allSatisfy { $0 == 0 })  // row 2 lists nothing
    }

    /// A prefix, causal or no mask is the pattern it describes, outputs and gradients alike:
    /// the first three go through the in-cache kernel (`AttentionInCache`), patterns through
    /// the products. Sizes whose rows go through the vector lanes and their tails (40 keys: two
    /// lanes of 16 and 8 more).
    @Test func aPrefixMaskIsThePatternItDescribes() {
        var generator = SeededGenerator(seed: 5)
        let (b, n, m, d) = (2, 6, 40, 8)
        let random = { (count: Int) in (0..<count).map { _ in Float(generator.uniform() * 2 - 1) } }
        let data = (q: random(b * n * d), k: random(b * m * d), v: random(b * m * d), g: random(b * n * d))
        let visible: [Int32] = [40, 0, 17, 33, 1, 16]
        var allowed = [Bool](repeating: false, count: n * m)
        for i in 0..<n { for j in 0..<Int(visible[i]) { allowed[i * m + j] = true } }
        func run(_ mask: AttentionMask) -> [[Float]] {
            let q = Tensor(shape: [b, n, d], data: data.q, requiresGrad: true), k = Tensor(shape: [b, m, d], data: data.k, requiresGrad: true)
            let v = Tensor(shape: [b, m, d], data: data.v, requiresGrad: true)
            let out = Tensor.attention(query: q, key: k, value: v, heads: 2, mask: mask)
            (out * Tensor(shape: [b, n, d], data: data.g)).sum().backward()
            return [out.scalars, q.gradient!, k.gradient!, v.gradient!]
        }
        for (prefix, pattern) in zip(run(.prefix(visible)), run(.allowed(allowed))) {
            #expect(zip(prefix, pattern).allSatisfy { abs($0 - $1) < 1e-5 })
        }
        let causal = (0..<(n * m)).map { $0 % m <= $0 / m + (m - n) }
        for (mask, pattern) in [(AttentionMask.causal, causal), (.none, [Bool](repeating: true, count: n * m))] {
            for (limited, explicit) in zip(run(mask), run(.allowed(pattern))) {
                #expect(zip(limited, explicit).allSatisfy { abs($0 - $1) < 1e-5 })
            }
        }
    }

    /// OpenBLAS's kernels follow the CPU's features, so a CPU newer than the library is not
    /// run on its Pentium-4 fallback; nothing is forced where neither AVX2 nor AVX-512 is there.
    @Test func blasKernelsFollowTheCPUFeatures() {
        #expect(BLAS.coreType(cpuFlags: ["fpu", "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl"]) == "SkylakeX")
        #expect(BLAS.coreType(cpuFlags: ["avx2", "fma", "avx512f"]) == "Haswell")  // AVX-512 foundation alone is not enough
        #expect(BLAS.coreType(cpuFlags: ["sse4_2", "avx"]) == nil)
        #expect(BLAS.coreType(cpuFlags: []) == nil)  // no /proc/cpuinfo (another OS, another architecture)
        #expect(!blasCoreName.isEmpty)
    }

    /// A machine without OpenBLAS gets an error that says what to install, for the command that
    /// needs the library, instead of a crash that ends the session.
    @Test func aMissingBLASIsAnErrorThatSaysWhatToInstall() throws {
        guard case .failure(let error) = BLAS.open(["libhorizon-no-such-blas.so.0"]) else {
            Issue.record("a library that does not exist was opened")
            return
        }
        #expect(error.message.contains("cannot load OpenBLAS (libhorizon-no-such-blas.so.0)"))
        #expect(error.suggestion?.contains("apt-get install libopenblas0") == true)
        try requireOpenBLAS()  // and the machine the tests run on has it
    }

    @Test func inferenceBuildsNoGraph() {
        let w = Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        let x = Tensor(shape: [1, 3], data: [1, 1, 1])
        let tracked = x.matmul(w).relu()
        #expect(tracked.requiresGrad && !tracked.inputs.isEmpty)
        let untracked = Autograd.withoutGradients { x.matmul(w).relu() }
        #expect(!untracked.requiresGrad && untracked.inputs.isEmpty && untracked.backwardStep == nil)
    }

    @Test func gradientsAccumulateAcrossBackwardCallsUntilCleared() {
        let w = Tensor(shape: [2], data: [1, 2], requiresGrad: true)
        (w * w).sum().backward()
        (w * w).sum().backward()
        #expect(w.gradient == [4, 8])
        w.zeroGrad()
        #expect(w.gradient == nil)
    }

    /// A pool of its own, so other tests trimming the shared pool cannot interfere.
    @Test func buffersAreRecycledBySizeAndTrimmed() {
        let pool = BufferPool()
        let first = pool.take(1234 * 7)
        pool.give(first, 1234 * 7)
        let other = pool.take(100)
        #expect(other != first)                   // another size gets another buffer
        #expect(pool.take(1234 * 7) == first)     // the same size gets the same one back
        pool.give(first, 1234 * 7)
        pool.give(other, 100)
        #expect(pool.pooledFloats == 1234 * 7 + 100)
        pool.trim()
        #expect(pool.pooledFloats == 0)
    }

    @Test func optimizersByHand() {
        // SGD with momentum 0.5 on L = Σ w²: g = 2w.
        let w = Tensor(shape: [1], data: [1], requiresGrad: true)
        var sgd = SGD([w], learningRate: 0.1, momentum: 0.5)
        (w * w).sum().backward(); sgd.step(); w.zeroGrad()   // v = 2, w = 0.8
        (w * w).sum().backward(); sgd.step(); w.zeroGrad()   // v = 0.5·2 + 1.6 = 2.6, w = 0.54
        #expect(abs(w.scalar - 0.54) < 1e-6)

        // Adam's first step moves every weight by ≈ lr·sign(g); AdamW also shrinks by lr·λ·w.
        let a = Tensor(shape: [2], data: [1, -2], requiresGrad: true)
        var adam = Adam([a], learningRate: 0.1, decoupledWeightDecay: 0.5)
        (a * a).sum().backward(); adam.step()
        #expect(abs(a.scalars[0] - (1 - 0.1 - 0.05 * 1)) < 1e-5)
        #expect(abs(a.scalars[1] - (-2 + 0.1 + 0.05 * 2)) < 1e-5)
    }

    @Test func clippingAndSchedules() {
        let p = Tensor(shape: [2], data: [0, 0], requiresGrad: true)
        (p * Tensor(shape: [2], data: [3, 4])).sum().backward()   // gradient (3, 4), norm 5
        #expect(clipGradientNorm([p], maxNorm: 1) == 5)
        #expect(p.gradient!.map { ($0 * 1e5).rounded() / 1e5 } == [0.6, 0.8])
        #expect(LearningRateSchedule.constant.rate(base: 0.1, step: 99) == 0.1)
        #expect(abs(LearningRateSchedule.cosine(steps: 100, floor: 0).rate(base: 1, step: 50) - 0.5) < 1e-6)
        #expect(LearningRateSchedule.cosine(steps: 100, floor: 0.1).rate(base: 1, step: 100) == 0.1)
        #expect(LearningRateSchedule.step(every: 10, factor: 0.5).rate(base: 1, step: 25) == 0.25)
    }

    @Test func initialisationFollowsItsStatedVariance() {
        var rng = SeededGenerator(seed: 3)
        let he = Initialization.he.values(shape: [200, 300], generator: &rng)
        let variance = he.reduce(0) { $0 + Double($1 * $1) } / Double(he.count)
        #expect(abs(variance - 2.0 / 200) < 0.02 * 2.0 / 200)
        let glorot = Initialization.glorot.values(shape: [200, 300], generator: &rng)
        #expect(glorot.allSatisfy { abs($0) <= Float((6.0 / 500).squareRoot()) })
        var again = SeededGenerator(seed: 3)
        #expect(Initialization.he.values(shape: [200, 300], generator: &again) == he)
    }

    @Test func parameterFilesRoundTripAndRefuseDamage() throws {
        var rng = SeededGenerator(seed: 1)
        let store = ParameterStore()
        _ = Linear(store, "dense", input: 3, output: 2, generator: &rng)
        _ = LSTMLayer(store, "encoder", input: 2, hidden: 4, generator: &rng)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("params-\(UInt32.random(in: 0...UInt32.max)).hzm").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ParameterFile.save(store, metadata: ["model": "test", "hidden": "4"], to: path)

        var other = SeededGenerator(seed: 2)
        let fresh = ParameterStore()
        _ = Linear(fresh, "dense", input: 3, output: 2, generator: &other)
        _ = LSTMLayer(fresh, "encoder", input: 2, hidden: 4, generator: &other)
        #expect(fresh.snapshot() != store.snapshot())
        let metadata = try ParameterFile.load(path, into: fresh)
        #expect(metadata == ["model": "test", "hidden": "4"])
        #expect(fresh.snapshot() == store.snapshot())

        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        bytes[bytes.count / 2] ^= 0x10
        #expect(throws: ParameterFileError.corrupt("checksum mismatch (the file was truncated or altered)")) { try ParameterFile.decode(bytes) }
        #expect(throws: ParameterFileError.self) { try ParameterFile.decode(Array(bytes.prefix(40))) }

        let wider = ParameterStore()
        _ = Linear(wider, "dense", input: 3, output: 5, generator: &other)
        _ = LSTMLayer(wider, "encoder", input: 2, hidden: 4, generator: &other)
        #expect(throws: ParameterFileError.mismatch("parameter 'dense.weight' has shape [3, 2], the model expects [3, 5]")) {
            try ParameterFile.load(path, into: wider)
        }
    }
}

@Suite struct DataParallelTests {
    /// Gradients of a two-layer net on a batch split in two shards: the same bits whether the
    /// shards run on one thread or two, and (up to rounding) the gradient of the whole batch.
    @Test func shardedGradientsDoNotDependOnTheThreadCount() {
        var rng = SeededGenerator(seed: 4)
        let store = ParameterStore()
        let l1 = Linear(store, "l1", input: 6, output: 16, generator: &rng)
        let l2 = Linear(store, "l2", input: 16, output: 1, generator: &rng)
        let x = (0..<2).map { _ in Tensor(shape: [32, 6], data: (0..<192).map { _ in Float(rng.normal()) }) }
        func shardLoss(_ k: Int) { (l2(l1(x[k]).tanh()).squared().sum() * (1 / 64)).backward() }
        func gradients(threads: Int) -> [[Float]] {
            store.zeroGradients()
            DataParallel.run(shards: 2, threads: threads, parameters: store.parameters) { shardLoss($0) }
            return store.parameters.map { $0.gradient! }
        }
        let serial = gradients(threads: 1), parallel = gradients(threads: 2)
        #expect(serial.map { $0.map(\.bitPattern) } == parallel.map { $0.map(\.bitPattern) })
        store.zeroGradients()
        shardLoss(0); shardLoss(1)
        for (a, b) in zip(serial, store.parameters.map { $0.gradient! }) {
            for (u, v) in zip(a, b) { #expect(abs(u - v) <= 1e-5 * (1 + abs(v))) }
        }
    }
}
