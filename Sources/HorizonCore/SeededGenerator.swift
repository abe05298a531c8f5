/// The one source of randomness in Horizon.
///
/// Every random draw (data generation, sampling of training windows, weight initialisation)
/// flows from a `SeededGenerator`, so a script with `set seed N` replays exactly.
///
/// Algorithm, written down so results can be reproduced outside Horizon:
/// - state: four `UInt64` words, filled by SplitMix64 from the 64-bit seed
///   (`z += 0x9E3779B97F4A7C15; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
///    z = (z ^ (z >> 27)) * 0x94D049BB133111EB; z ^= z >> 31`);
/// - step: xoshiro256** (Blackman & Vigna 2018): `result = rotl(s1 * 5, 7) * 9`, then the
///   standard xoshiro256 state transition.
/// - uniform doubles take the top 53 bits: `Double(next() >> 11) * 0x1p-53`.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// A cached second normal deviate from the polar method.
    private var spareNormal: Double?

    public init(seed: UInt64) {
        var z = seed
        func splitMix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A uniform double in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform integer in `0..<n` (Lemire's method via the standard library, which
    /// only consumes `next()` and is therefore seed-stable).
    public mutating func int(below n: Int) -> Int { Int.random(in: 0..<n, using: &self) }

    /// A standard normal deviate (Marsaglia's polar method).
    public mutating func normal() -> Double {
        if let spare = spareNormal { spareNormal = nil; return spare }
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * _log(s) / s).squareRoot()
                spareNormal = v * f
                return u * f
            }
        }
    }

    /// A Gamma(shape, 1) deviate (Marsaglia & Tsang 2000; boosted for shape < 1).
    public mutating func gamma(shape: Double) -> Double {
        precondition(shape > 0, "gamma shape must be positive, got \(shape)")
        if shape < 1 {
            let u = uniform()
            return gamma(shape: shape + 1) * _pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3.0, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat { x = normal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = uniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if _log(u) < 0.5 * x * x + d * (1 - v + _log(v)) { return d * v }
        }
    }

    /// A Poisson deviate: Knuth's product method for small means, a normal approximation
    /// with continuity correction above 30 (ample for demand simulation).
    public mutating func poisson(mean: Double) -> Int {
        if mean <= 0 { return 0 }
        if mean > 30 {
            return max(0, Int((mean + mean.squareRoot() * normal() + 0.5).rounded(.down)))
        }
        let limit = _exp(-mean)
        var k = 0, p = 1.0
        repeat { k += 1; p *= uniform() } while p > limit
        return k - 1
    }

    /// A negative-binomial count with the given mean and dispersion (Poisson–Gamma mixture):
    /// variance = mean + mean² / dispersion.
    public mutating func negativeBinomial(mean: Double, dispersion: Double) -> Int {
        if mean <= 0 { return 0 }
        let rate = gamma(shape: dispersion) * mean / dispersion
        return poisson(mean: rate)
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func _log(_ x: Double) -> Double { Glibc.log(x) }
@inline(__always) private func _exp(_ x: Double) -> Double { Glibc.exp(x) }
@inline(__always) private func _pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#else
import Darwin
@inline(__always) private func _log(_ x: Double) -> Double { Darwin.log(x) }
@inline(__always) private func _exp(_ x: Double) -> Double { Darwin.exp(x) }
@inline(__always) private func _pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif
