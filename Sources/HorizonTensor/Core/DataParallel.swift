import Dispatch

/// Data parallelism whose results do not depend on the thread count.
///
/// A batch is split into a fixed number of shards. Each shard's forward and backward pass
/// runs with its own gradient buffers for every parameter; afterwards the shard gradients are
/// summed in shard order into the parameters' gradients. Run on two threads or on one, the
/// same shards produce the same sums in the same order, so a training run is bit-identical
/// either way — the threading is only a schedule. (Within a shard, OpenBLAS stays on one
/// thread: the parallel grain is the shard.)
public enum DataParallel {
    /// Runs `body(shard)` for shards 0..<shards, on up to `threads` threads, then leaves
    /// `parameters`' gradients as the shard-ordered sums. Parameters should have no gradient
    /// going in (after `zeroGrad`).
    public static func run(shards: Int, threads: Int, parameters: [Tensor], _ body: (Int) -> Void) {
        precondition(shards >= 1, "data parallelism needs at least one shard")
        for p in parameters {
            if p.shardGradients.count != shards {
                p.shardGradients = (0..<shards).map { _ in Storage(zeros: p.count) }
            } else {
                for g in p.shardGradients where g.touched {
                    g.pointer.update(repeating: 0, count: p.count)
                    g.touched = false
                }
            }
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            if threads <= 1 || shards == 1 {
                for s in 0..<shards { Autograd.$gradientShard.withValue(s) { body(s) } }
            } else {
                DispatchQueue.concurrentPerform(iterations: shards) { s in
                    Autograd.$gradientShard.withValue(s) { body(s) }
                }
            }
        }
        for p in parameters {
            let touched = p.shardGradients.filter(\.touched)
            guard let first = touched.first else { continue }
            let (g, beta) = p.gradTarget()
            if beta == 0 { g.update(from: first.pointer, count: p.count) } else { for i in 0..<p.count { g[i] += first.pointer[i] } }
            for other in touched.dropFirst() { for i in 0..<p.count { g[i] += other.pointer[i] } }
        }
    }
}
