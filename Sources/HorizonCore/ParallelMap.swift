import Dispatch
import Foundation

/// How many cores Horizon's own parallel loops use.
///
/// Why a limit: under a scheduler that grants a task a number of cores (Spark's
/// `spark.task.cpus`, a batch system's slot), a process that takes every core of the machine
/// oversubscribes it — each executor runs several tasks at once. `horizon batch --threads N`
/// sets it before any work starts. Results never depend on it (every parallel loop here is a
/// schedule over fixed chunks or shards), only the wall time does.
public enum Parallelism {
    nonisolated(unsafe) private static var limit: Int?

    /// Caps the threads at `threads` (at least 1); call before any parallel work starts.
    public static func limit(to threads: Int) { limit = max(1, threads) }

    /// The threads a parallel loop may use: the limit, else every active core.
    public static var width: Int { limit ?? ProcessInfo.processInfo.activeProcessorCount }
}

/// Maps `0..<count` over the available cores (`Parallelism.width`) in contiguous chunks. Each
/// result lands in its own slot, so the output is identical to a serial map, whatever the
/// scheduling. The first error thrown (in index order) is rethrown; Ctrl-C stops early with
/// `Interrupted`.
public func parallelMap<T>(_ count: Int, chunk: Int = 16, _ body: (Int) throws -> T) throws -> [T] {
    if count == 0 { return [] }
    let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    let errors = UnsafeMutableBufferPointer<Error?>.allocate(capacity: count)
    errors.initialize(repeating: nil)
    defer {
        results.deinitialize()
        results.deallocate()
        errors.deinitialize()
        errors.deallocate()
    }
    let chunks = (count + chunk - 1) / chunk
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        func run(_ c: Int) {
            for i in (c * chunk)..<min(count, (c + 1) * chunk) {
                if Interrupt.isRequested { errors[i] = Interrupted(); return }
                do { results[i] = try body(i) } catch { errors[i] = error; return }
            }
        }
        // With a thread limit below the core count, each of `width` workers takes every
        // width-th chunk; otherwise Dispatch spreads the chunks over the cores.
        let width = Parallelism.width
        if width >= ProcessInfo.processInfo.activeProcessorCount {
            DispatchQueue.concurrentPerform(iterations: chunks) { run($0) }
        } else if width == 1 {
            for c in 0..<chunks { run(c) }
        } else {
            DispatchQueue.concurrentPerform(iterations: min(width, chunks)) { w in
                for c in stride(from: w, to: chunks, by: width) { run(c) }
            }
        }
    }
    if let error = errors.first(where: { $0 != nil }) ?? nil {
        if error is Interrupted { Interrupt.reset() }
        throw error
    }
    return results.map { $0! }
}
