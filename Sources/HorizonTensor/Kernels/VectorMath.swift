/// SIMD16 polynomial approximations of exp, log, tanh and sigmoid.
///
/// Activations dominate LSTM and attention training at small hidden sizes, and libm's scalar
/// `expf`/`tanhf` cost 3–15 ns an element here against ~0.2 ns for these (measured; see
/// `shared/notes/swift-engineering.md`). They are `@inline(always)` (Swift 6.3, SE-0496):
/// under `@inline(__always)` the compiler left them calls whose vector was passed and
/// computed in four-lane pieces. The approximations follow Cephes' single-precision range
/// reductions; their accuracy is pinned by `VectorMathTests` (≤ 2 ulp relative for exp
/// and log, ≤ 3e-7 absolute for tanh and sigmoid).
enum VectorMath {
    typealias V = SIMD16<Float>
    static let width = 16

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// eˣ: x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-6 polynomial, 2ⁿ built in the
    /// exponent bits. Inputs are clamped to [−87, 88.37], where n stays in the normal exponent
    /// range (so e^88.37 ≈ 2.5e38 is the largest value; beyond it no activation needs more).
    @inline(always) static func exp(_ x: V) -> V {
        let xc = x.replacing(with: 88.37, where: x .> 88.37).replacing(with: -87, where: x .< -87)
        let n = (xc * 1.442_695_04).rounded(.toNearestOrEven)
        var r = xc - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        let z = r * r
        var p: V = V(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let er = p * z + r + 1
        // 2ⁿ: n is integral in [−126, 128); adding 1.5·2²³ puts it in the low mantissa bits.
        let magic: V = V(repeating: 12_582_912)
        let bits = unsafeBitCast(n + magic, to: SIMD16<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: V.self)
        return er * scale
    }

    /// ln x for x > 0: x = m·2ᵉ with m in [√½, √2), ln m by Cephes' degree-8 polynomial.
    /// Inputs below the smallest normal float are raised to it, so ln 0 comes out as −87.3
    /// rather than −inf (a loss stays finite); negative inputs are not expected.
    @inline(always) static func log(_ x: V) -> V {
        let xc = x.replacing(with: 1.175_494_4e-38, where: x .< 1.175_494_4e-38)
        let bits = unsafeBitCast(xc, to: SIMD16<Int32>.self)
        var e = V((bits &>> 23) &- 126)
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: V.self)  // in [0.5, 1)
        let small = m .< 0.707_106_781_186_547_524
        e = e.replacing(with: e - 1, where: small)
        m = m.replacing(with: m + m, where: small) - 1
        let z = m * m
        var p: V = V(repeating: 7.037_683_629_2e-2)
        p = p * m - 1.151_461_031_0e-1
        p = p * m + 1.167_699_874_0e-1
        p = p * m - 1.242_014_084_6e-1
        p = p * m + 1.424_932_278_7e-1
        p = p * m - 1.666_805_766_5e-1
        p = p * m + 2.000_071_476_5e-1
        p = p * m - 2.499_999_399_3e-1
        p = p * m + 3.333_333_117_4e-1
        var y = m * z * p
        y = y + e * -2.121_944_40e-4
        y = y - 0.5 * z
        return m + y + e * 0.693_359_375
    }

    /// tanh: an odd polynomial below |x| = 0.625 (where 1 − 2/(e²ˣ+1) would cancel), the
    /// exponential form above.
    @inline(always) static func tanh(_ x: V) -> V {
        let a = x.replacing(with: -x, where: x .< 0)
        let z = x * x
        var p: V = V(repeating: -5.704_988_727_45e-3)
        p = p * z + 2.063_908_879_54e-2
        p = p * z - 5.373_971_555_31e-2
        p = p * z + 1.333_144_220_36e-1
        p = p * z - 3.333_328_194_22e-1
        let small = p * z * x + x
        let e = exp(a + a)
        var large = 1 - 2 / (e + 1)
        large = large.replacing(with: -large, where: x .< 0)
        return large.replacing(with: small, where: a .< 0.625)
    }

    /// 1 / (1 + e⁻ˣ): exact in the tails because e⁻ˣ overflows to a huge value, not NaN.
    @inline(always) static func sigmoid(_ x: V) -> V { 1 / (1 + exp(-x)) }

    /// Applies `f` to `n` elements, 16 at a time; the tail goes through a padded vector.
    @inline(__always)
    static func map(_ n: Int, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ f: (V) -> V) {
        var i = 0
        while i + width <= n {
            store(f(load(src + i)), dst + i)
            i += width
        }
        if i < n { store(f(load(src + i, n - i)), dst + i, n - i) }
    }

    /// `dst[i] = f(a[i], b[i])` 16 at a time.
    @inline(__always)
    static func map2(_ n: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                     _ f: (V, V) -> V) {
        var i = 0
        while i + width <= n {
            store(f(load(a + i), load(b + i)), dst + i)
            i += width
        }
        if i < n { store(f(load(a + i, n - i), load(b + i, n - i)), dst + i, n - i) }
    }

    /// `dst[i] += f(a[i], b[i])` 16 at a time (gradient accumulation).
    @inline(__always)
    static func accumulate2(_ n: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                            _ f: (V, V) -> V) {
        var i = 0
        while i + width <= n {
            store(load(dst + i) + f(load(a + i), load(b + i)), dst + i)
            i += width
        }
        if i < n {
            let t = n - i
            store(load(dst + i, t) + f(load(a + i, t), load(b + i, t)), dst + i, t)
        }
    }
}

extension VectorMath {
    /// The sum of a vector's lanes as a tree of halves (four vector adds). Why not `V.sum()`:
    /// the standard library adds the 16 lanes in order, one dependent chain of 15 scalar adds
    /// (about 60 cycles), and attention takes one per row and per listed row.
    @inline(__always) static func sum(_ v: V) -> Float {
        let eight = v.lowHalf + v.highHalf, four = eight.lowHalf + eight.highHalf, two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }

    /// The largest lane, as a tree of halves (see `sum(_:)`).
    @inline(__always) static func maximum(_ v: V) -> Float {
        let eight = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
        let four = eight.lowHalf.replacing(with: eight.highHalf, where: eight.highHalf .> eight.lowHalf)
        let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .> four.lowHalf)
        return Swift.max(two[0], two[1])
    }

    /// Σ a[i]·b[i] in 16 lanes: a scalar loop's running sum is one sequential chain the
    /// compiler may not reorder, so it never vectorises (attention's rows of 16–64 floats).
    @inline(__always) static func dot(_ n: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
        var acc = V(repeating: 0), i = 0
        while i + width <= n { acc += load(a + i) * load(b + i); i += width }
        var total = sum(acc)
        while i < n { total += a[i] * b[i]; i += 1 }
        return total
    }

    /// y[i] += α·x[i], 16 at a time.
    @inline(__always) static func axpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        let a = V(repeating: alpha)
        var i = 0
        while i + width <= n { store(load(y + i) + a * load(x + i), y + i); i += width }
        while i < n { y[i] += alpha * x[i]; i += 1 }
    }

    /// The largest of n ≥ 1 floats.
    @inline(__always) static func maximum(_ n: Int, _ x: UnsafePointer<Float>) -> Float {
        var i = 0, best = -Float.infinity
        if n >= width {
            var acc = load(x)
            i = width
            // `pointwiseMax` goes lane by lane through the stack; a compare and blend does not.
            while i + width <= n { let v = load(x + i); acc = acc.replacing(with: v, where: v .> acc); i += width }
            best = maximum(acc)
        }
        while i < n { best = Swift.max(best, x[i]); i += 1 }
        return best
    }

    /// Σ x[i], 16 lanes at a time (float addition is not reassociated without permission, so
    /// a scalar loop stays scalar).
    @inline(__always) static func sum(_ n: Int, _ x: UnsafePointer<Float>) -> Float {
        var acc = V(repeating: 0), i = 0
        while i + width <= n { acc += load(x + i); i += width }
        var total = sum(acc)
        while i < n { total += x[i]; i += 1 }
        return total
    }

    /// Loads `width` (≤ 16) floats, zero-padding the rest: the tails of rows and of hidden
    /// sizes that are not multiples of 16. One copy into the vector's bytes: setting lanes one
    /// at a time compiles to a broadcast and masked move per lane.
    @inline(__always) static func load(_ p: UnsafePointer<Float>, _ width: Int) -> V {
        if width == Self.width { return load(p) }
        var v = V(repeating: 0)
        withUnsafeMutableBytes(of: &v) { $0.baseAddress!.copyMemory(from: p, byteCount: width * MemoryLayout<Float>.stride) }
        return v
    }

    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, _ width: Int) {
        if width == Self.width { store(v, p); return }
        withUnsafeBytes(of: v) { UnsafeMutableRawPointer(p).copyMemory(from: $0.baseAddress!, byteCount: width * MemoryLayout<Float>.stride) }
    }
}
