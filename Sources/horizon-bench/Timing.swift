import Foundation

/// Wall-clock timing of a repeated step: warm-up runs first (buffers enter the pool, caches
/// warm), then the median of the timed runs, which shrugs off the spikes of a shared machine.
enum Timing {
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

    /// Median seconds per call of `body`, over at least `minimumRuns` runs and about `budget` seconds.
    static func median(warmup: Int = 2, minimumRuns: Int = 5, budget: Double = 1.5, _ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        var times: [Double] = []
        let start = now()
        while times.count < minimumRuns || (now() - start < budget && times.count < 200) {
            let t0 = now()
            body()
            times.append(now() - t0)
        }
        times.sort()
        return times[times.count / 2]
    }
}
