import Foundation

/// The order of a seasonal ARIMA(p,d,q)(P,D,Q)_m model, with or without a constant (a mean
/// when d + D = 0, a drift when d + D = 1).
public struct ARIMAOrder: Hashable, Sendable, CustomStringConvertible {
    public var p, d, q, P, D, Q: Int
    public var constant: Bool
    public var description: String {
        "ARIMA(\(p),\(d),\(q))" + (P + D + Q > 0 ? "(\(P),\(D),\(Q))" : "") + (constant ? (d + D == 0 ? " with mean" : " with drift") : "")
    }
}

/// Automatic ARIMA, after Hyndman & Khandakar (2008) with two documented simplifications:
/// - differencing: D = 1 when the seasonal strength of a classical additive decomposition,
///   max(0, 1 − Var(remainder)/Var(season + remainder)), exceeds 0.64 (R's default "seas"
///   test, with classical decomposition in place of STL); then d by repeated KPSS level tests
///   at 5% (critical value 0.463, Newey–West lag ⌊3√n/13⌋, as R's `ndiffs`), at most 2;
/// - estimation by conditional sum of squares (CSS) for the search and the final model, with
///   AICc from the CSS variance, n·log(CSS/n) + 2k (+ the small-sample term); stationarity and
///   invertibility are built in by estimating partial autocorrelations (tanh-transformed)
///   and mapping them to coefficients with the Durbin–Levinson recursion.
/// The stepwise search starts from (2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0),
/// (0,d,1)(0,D,1) and moves p, q, P, Q by ±1 (alone and in pairs) and toggles the constant,
/// within p, q ≤ 5, P, Q ≤ 2, p + q + P + Q ≤ 5, until AICc stops improving. Seasonal terms
/// need m > 1 and three seasons of data.
///
/// Quantiles are normal with the variance σ²·Σψ_j² from the psi-weights of the full model
/// (ARMA polynomials times the differencing), the textbook ARIMA interval.
public enum AutoARIMA {
    /// Why a series has, or has not, an ARIMA model.
    /// `tooShort`: fewer than `minimumLength` points; `failed`: no candidate order reached a
    /// finite, positive sum of squares.
    public typealias Outcome = SelectionOutcome<ARIMAFit>

    public static let minimumLength = 8

    /// The chosen model for `y`, or why there is none.
    public static func outcome(_ y: [Double], season: Int) -> Outcome {
        guard y.count >= minimumLength else { return .tooShort }
        return select(y, season: season).map(Outcome.fitted) ?? .failed
    }

    /// The chosen model for `y`, or nil when the series is too short for any.
    public static func select(_ y: [Double], season: Int) -> ARIMAFit? {
        let n = y.count
        guard n >= minimumLength else { return nil }
        let scale = max(y.reduce(0) { $0 + abs($1) } / Double(n), 1e-12)
        let x = y.map { $0 / scale }
        let m = season > 1 && n >= 3 * season ? season : 1
        let D = m > 1 && seasonalStrength(x, m: m) > 0.64 ? 1 : 0
        var u = x
        if D == 1 { u = (m..<u.count).map { u[$0] - u[$0 - m] } }
        var d = 0
        while d < 2, u.count > 10, kpss(u) > 0.463 {
            u = (1..<u.count).map { u[$0] - u[$0 - 1] }
            d += 1
        }
        let allowConstant = d + D <= 1
        var cache: [ARIMAOrder: ARIMAFit?] = [:]
        func fit(_ o: ARIMAOrder) -> ARIMAFit? {
            if let hit = cache[o] { return hit }
            let f = ARIMAFit.fitCSS(x: x, w: u, order: o, m: m, scale: scale)
            cache[o] = f
            return f
        }
        let seasonal = m > 1
        var starts = [ARIMAOrder(p: 2, d: d, q: 2, P: seasonal ? 1 : 0, D: D, Q: seasonal ? 1 : 0, constant: allowConstant),
                      ARIMAOrder(p: 0, d: d, q: 0, P: 0, D: D, Q: 0, constant: allowConstant),
                      ARIMAOrder(p: 1, d: d, q: 0, P: seasonal ? 1 : 0, D: D, Q: 0, constant: allowConstant),
                      ARIMAOrder(p: 0, d: d, q: 1, P: 0, D: D, Q: seasonal ? 1 : 0, constant: allowConstant)]
        if allowConstant { starts.append(ARIMAOrder(p: 0, d: d, q: 0, P: 0, D: D, Q: 0, constant: false)) }
        var best: ARIMAFit?
        for o in starts { if let f = fit(o), f.aicc < (best?.aicc ?? .infinity) { best = f } }
        guard var current = best else { return nil }
        var improved = true, visited = 0
        while improved, visited < 94 {
            improved = false
            let o = current.order
            var moves: [ARIMAOrder] = []
            for (dp, dq) in [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1)] {
                var c = o; c.p += dp; c.q += dq; moves.append(c)
            }
            if seasonal {
                for (dP, dQ) in [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1)] {
                    var c = o; c.P += dP; c.Q += dQ; moves.append(c)
                }
            }
            if allowConstant { var c = o; c.constant.toggle(); moves.append(c) }
            for c in moves where c.p >= 0 && c.q >= 0 && c.P >= 0 && c.Q >= 0 && c.p <= 5 && c.q <= 5 && c.P <= 2 && c.Q <= 2
                && c.p + c.q + c.P + c.Q <= 5 && cache[c] == nil {
                visited += 1
                if let f = fit(c), f.aicc < current.aicc { current = f; improved = true }
            }
        }
        return current
    }

    /// KPSS level-stationarity statistic with a Bartlett-weighted long-run variance.
    static func kpss(_ x: [Double]) -> Double {
        let n = x.count
        let mean = x.reduce(0, +) / Double(n)
        let e = x.map { $0 - mean }
        var s = 0.0, eta = 0.0
        for v in e { s += v; eta += s * s }
        let lags = Int(3 * Double(n).squareRoot() / 13)
        var variance = e.reduce(0) { $0 + $1 * $1 } / Double(n)
        if lags > 0 {
            for l in 1...lags {
                var c = 0.0
                for t in l..<n { c += e[t] * e[t - l] }
                variance += 2 * (1 - Double(l) / Double(lags + 1)) * c / Double(n)
            }
        }
        return variance > 0 ? eta / (Double(n) * Double(n) * variance) : 0
    }

    /// Seasonal strength from an additive classical decomposition.
    static func seasonalStrength(_ x: [Double], m: Int) -> Double {
        let n = x.count, half = m / 2
        let figure = SeasonalAdjustment.additiveFigure(x, season: m)
        var remainder: [Double] = [], seasonPlusRemainder: [Double] = []
        for t in half..<(n - half) {
            var trend = 0.0
            if m % 2 == 0 {
                trend = 0.5 * (x[t - half] + x[t + half])
                for k in (t - half + 1)...(t + half - 1) { trend += x[k] }
            } else {
                for k in (t - half)...(t + half) { trend += x[k] }
            }
            trend /= Double(m)
            let detrended = x[t] - trend
            seasonPlusRemainder.append(detrended)
            remainder.append(detrended - figure[t % m])
        }
        func variance(_ v: [Double]) -> Double {
            let mean = v.reduce(0, +) / Double(v.count)
            return v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, v.count - 1))
        }
        let total = variance(seasonPlusRemainder)
        return total > 0 ? max(0, 1 - variance(remainder) / total) : 0
    }
}

/// One ARIMA model fitted by conditional sum of squares.
public struct ARIMAFit: ReportsConvergence {
    public var order: ARIMAOrder
    public var m: Int
    /// Expanded AR and MA coefficients of the differenced series: w_t − μ = Σ a_i(w_{t−i} − μ) + e_t + Σ b_j e_{t−j}.
    public var ar: [Double]
    public var ma: [Double]
    public var mean: Double
    /// Innovation variance (on the scaled series).
    public var sigma2: Double
    public var aicc: Double
    /// False when Nelder–Mead stopped at its evaluation limit (the fit is still used, as R does).
    public var converged: Bool
    /// The scaled series, its differenced version and the residuals, for forecasting.
    var x: [Double]
    var w: [Double]
    var residuals: [Double]
    var scale: Double

    /// Partial autocorrelations (in (−1, 1)) → AR coefficients by Durbin–Levinson.
    static func coefficients(fromPACF r: [Double]) -> [Double] {
        var a: [Double] = []
        for (k, rk) in r.enumerated() {
            var next = a
            for j in 0..<k { next[j] = a[j] - rk * a[k - 1 - j] }
            next.append(rk)
            a = next
        }
        return a
    }

    /// (1 − Σ c_i B^i)(1 − Σ s_i B^{m·i}) as coefficients of the "minus" form; with `plus`,
    /// (1 + Σ …)(1 + Σ …) in the "plus" form (MA polynomials).
    static func expand(_ c: [Double], _ s: [Double], m: Int, plus: Bool) -> [Double] {
        let sign = plus ? 1.0 : -1.0
        var poly = [Double](repeating: 0, count: c.count + s.count * m + 1)
        var left = [1.0] + c.map { sign * $0 }, right = [Double](repeating: 0, count: s.count * m + 1)
        right[0] = 1
        for (i, v) in s.enumerated() { right[(i + 1) * m] = sign * v }
        if left.isEmpty { left = [1] }
        for (i, a) in left.enumerated() { for (j, b) in right.enumerated() { poly[i + j] += a * b } }
        return poly.dropFirst().map { sign * $0 }
    }

    static func fitCSS(x: [Double], w: [Double], order o: ARIMAOrder, m: Int, scale: Double) -> ARIMAFit? {
        let k = o.p + o.q + o.P + o.Q + (o.constant ? 1 : 0)
        let ncond = o.p + o.P * m
        let nUsed = w.count - ncond
        guard nUsed > k + 2 else { return nil }
        let wMean = w.reduce(0, +) / Double(w.count)
        func decode(_ v: UnsafeBufferPointer<Double>) -> (ar: [Double], ma: [Double], mean: Double) {
            var i = 0
            func take(_ n: Int) -> [Double] { defer { i += n }; return (0..<n).map { tanh(v[i + $0]) } }
            let arP = coefficients(fromPACF: take(o.p)), maP = coefficients(fromPACF: take(o.q))
            let sarP = coefficients(fromPACF: take(o.P)), smaP = coefficients(fromPACF: take(o.Q))
            // The MA polynomial in "plus" form: invertible when its negated coefficients are a stationary AR.
            let ar = expand(arP, sarP, m: m, plus: false)
            let ma = expand(maP.map { -$0 }, smaP.map { -$0 }, m: m, plus: true)
            return (ar, ma, o.constant ? v[i] : 0)
        }
        var residuals = [Double](repeating: 0, count: w.count)
        func css(_ ar: [Double], _ ma: [Double], _ mu: Double) -> Double {
            var sum = 0.0
            for t in 0..<w.count {
                guard t >= ncond else { residuals[t] = 0; continue }
                var e = w[t] - mu
                for (i, a) in ar.enumerated() where t - 1 - i >= 0 { e -= a * (w[t - 1 - i] - mu) }
                for (j, b) in ma.enumerated() where t - 1 - j >= 0 { e -= b * residuals[t - 1 - j] }
                residuals[t] = e
                sum += e * e
            }
            return sum
        }
        var start = [Double](repeating: 0, count: o.p + o.q + o.P + o.Q)
        if o.constant { start.append(wMean) }
        let result = NelderMead(relativeTolerance: 1e-8, maxEvaluations: 1000).minimize(start) { v in
            let (ar, ma, mu) = decode(v)
            let value = css(ar, ma, mu)
            return value.isFinite ? value : .infinity
        }
        guard result.value.isFinite, result.value > 0 else { return nil }
        let (ar, ma, mu) = result.x.withUnsafeBufferPointer { decode($0) }
        let sum = css(ar, ma, mu)
        let sigma2 = sum / Double(nUsed)
        let kk = Double(k + 1), nn = Double(nUsed)
        let aic = nn * log(sigma2) + 2 * kk
        let aicc = nn - kk - 1 > 0 ? aic + 2 * kk * (kk + 1) / (nn - kk - 1) : .infinity
        return ARIMAFit(order: o, m: m, ar: ar, ma: ma, mean: mu, sigma2: sigma2, aicc: aicc, converged: result.converged,
                        x: x, w: w, residuals: residuals, scale: scale)
    }

    /// Point forecasts and standard deviations on the original scale.
    public func forecast(horizon: Int) -> (point: [Double], sd: [Double]) {
        // ARMA recursion on the differenced series.
        var w = self.w, e = residuals
        for _ in 0..<horizon {
            let t = w.count
            var next = mean
            for (i, a) in ar.enumerated() where t - 1 - i >= 0 { next += a * (w[t - 1 - i] - mean) }
            for (j, b) in ma.enumerated() where t - 1 - j >= 0 { next += b * e[t - 1 - j] }
            w.append(next)
            e.append(0)
        }
        // Undo the differencing: regular differences first (innermost), then the seasonal one.
        var seasonalDiff = x
        if order.D == 1 { seasonalDiff = (m..<x.count).map { x[$0] - x[$0 - m] } }
        var levels: [[Double]] = [seasonalDiff]
        for _ in 0..<order.d { let last = levels.last!; levels.append((1..<last.count).map { last[$0] - last[$0 - 1] }) }
        var future = Array(w.suffix(horizon))
        for level in levels.dropLast().reversed() {
            var series = level
            for f in future { series.append(series.last! + f) }
            future = Array(series.suffix(horizon))
        }
        if order.D == 1 {
            var series = x
            for f in future { series.append(series[series.count - m] + f) }
            future = Array(series.suffix(horizon))
        }
        // Psi-weights of the full model: AR polynomial times (1 − B)^d (1 − B^m)^D.
        var full = [1.0] + ar.map { -$0 }
        for _ in 0..<order.d { full = Self.multiply(full, [1, -1]) }
        if order.D == 1 { var s = [Double](repeating: 0, count: m + 1); s[0] = 1; s[m] = -1; full = Self.multiply(full, s) }
        let c = full.dropFirst().map { -$0 }
        var psi = [Double](repeating: 0, count: horizon)
        psi[0] = 1
        for j in 1..<max(1, horizon) {
            var v = j - 1 < ma.count ? ma[j - 1] : 0
            for i in 1...j where i - 1 < c.count { v += c[i - 1] * psi[j - i] }
            psi[j] = v
        }
        var cumulative = 0.0
        let sd = psi.map { p -> Double in cumulative += p * p; return (sigma2 * cumulative).squareRoot() * scale }
        return (future.map { $0 * scale }, sd)
    }

    static func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: a.count + b.count - 1)
        for (i, x) in a.enumerated() { for (j, y) in b.enumerated() { out[i + j] += x * y } }
        return out
    }
}
