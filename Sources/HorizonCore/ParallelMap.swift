import Dispatch

/// Maps `0..<count` over the available cores in contiguous chunks. Each result lands in its
/// own slot, so the output is identical to a serial map, whatever the scheduling.
/// The first error thrown (in index order) is rethrown; Ctrl-C stops early with `Interrupted`.
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
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * chunk)..<min(count, (c + 1) * chunk) {
                if Interrupt.isRequested { errors[i] = Interrupted(); return }
                do { results[i] = try body(i) } catch { errors[i] = error; return }
            }
        }
    }
    if let error = errors.first(where: { $0 != nil }) ?? nil {
        if error is Interrupted { Interrupt.reset() }
        throw error
    }
    return results.map { $0! }
}
