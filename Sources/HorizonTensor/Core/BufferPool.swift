#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Recycles Float32 buffers by exact size.
///
/// A training step builds the same graph with the same shapes every time, so the buffers one
/// step frees are exactly the buffers the next one needs. Recycling them keeps a step free of
/// `malloc`/`free` and, more importantly, of the page faults a fresh multi-megabyte buffer costs
/// on first touch. Buffers are 64-byte aligned so SIMD loads never straddle cache lines.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()

    /// Free buffers kept beyond this many floats (1 GiB) are returned to the system.
    private let limit = 256 << 20
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var pooled = 0
    /// Floats in buffers handed out and not yet given back, and the most there have been
    /// since `resetPeak`: what a training step really holds, to check memory estimates against.
    private var live = 0, peak = 0
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }

    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        pthread_mutex_lock(&mutex)
        live += count
        peak = max(peak, live)
        if let p = free[count]?.popLast() {
            pooled -= count
            pthread_mutex_unlock(&mutex)
            return p
        }
        pthread_mutex_unlock(&mutex)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        return raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Floats held in free buffers.
    var pooledFloats: Int {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return pooled
    }

    /// The most floats held at once since the last `resetPeak`.
    var peakFloats: Int {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return peak
    }

    func resetPeak() {
        pthread_mutex_lock(&mutex)
        peak = live
        pthread_mutex_unlock(&mutex)
    }

    /// Returns every pooled buffer to the system: after a training run, so a session that
    /// trained a large network does not keep its working set while the user reads tables.
    func trim() {
        pthread_mutex_lock(&mutex)
        let buffers = free
        free = [:]
        pooled = 0
        pthread_mutex_unlock(&mutex)
        for list in buffers.values { for p in list { UnsafeMutableRawPointer(p).deallocate() } }
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, _ count: Int) {
        #if DEBUG
        // Debug builds (the tests) poison a released buffer, so code that still reads it
        // through a raw pointer gets NaN at once instead of whatever the next owner writes.
        pointer.update(repeating: .nan, count: count)
        #endif
        pthread_mutex_lock(&mutex)
        live -= count
        if pooled + count <= limit {
            free[count, default: []].append(pointer)
            pooled += count
            pthread_mutex_unlock(&mutex)
            return
        }
        pthread_mutex_unlock(&mutex)
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}

/// A buffer of floats owned by one or more tensors (a reshape shares its input's storage);
/// it goes back to the pool when the last owner is gone.
final class Storage {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    /// Set when a data-parallel shard wrote a gradient here (each shard owns its buffers).
    var touched = false

    /// An uninitialised buffer: the op that asks for it writes every element.
    init(uninitialized count: Int) {
        self.count = count
        pointer = BufferPool.shared.take(count)
    }

    /// A zero-filled buffer, for results that are accumulated into.
    convenience init(zeros count: Int) {
        self.init(uninitialized: count)
        pointer.update(repeating: 0, count: count)
    }

    deinit { BufferPool.shared.give(pointer, count) }
}
