#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Processor seconds this process has used, on all its threads.
///
/// Why beside wall time: on a shared machine a step waits for its slowest thread whenever
/// another tenant takes a core, so wall seconds swing by a third from run to run; the
/// processor time a piece of work used swings far less, which is what comparing the cost of
/// two models needs.
public enum CPUTime {
    public static func seconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
