/// The M4 competition's textbook benchmarks, as its reference code `Benchmarks and
/// Evaluation.R` defines them:
/// - the series is seasonally adjusted when the 90% autocorrelation test finds seasonality
///   (classical multiplicative decomposition, `SeasonalAdjustment`, shared with Naive2);
/// - SES, Holt and Damped are R's `ses`, `holt` and `holt(damped = TRUE)`, i.e. ETS(A,N,N),
///   ETS(A,A,N) and ETS(A,Ad,N) with parameters *and* initial states chosen by minimising the
///   in-sample MSE with R's Nelder–Mead (`ETSEstimation()`);
/// - Theta is `Theta.classic`: the θ=0 line (least squares on t) and SES on the θ=2 line
///   2y − L₀, averaged with equal weights, negative forecasts set to zero;
/// - Comb is the mean of SES, Holt and Damped;
/// - the forecasts are re-seasonalised with the last season's indices.
///
/// Quantiles are normal, from the analytic ETS variances (on the adjusted scale, then scaled by
/// the seasonal index): σ²(1 + Σc_j²) for SES, Holt and Damped; for Theta the ETS(A,N,N) form
/// σ√(1 + (h−1)α²) with σ from Theta's own in-sample errors (as fable's THETA does); for Comb
/// the mean of the three standard deviations (the quantiles of Comb are the means of its
/// members' quantiles).
public struct M4Smoothing: GaussianMethod {
    public enum Method: String, Sendable, CaseIterable { case ses, holt, damped, theta, comb }
    public let method: Method

    public init(_ method: Method) { self.method = method }

    public func forecast(_ y: [Double], horizon: Int, season: Int) -> (point: [Double], sd: [Double])? {
        let (adjusted, indices) = SeasonalAdjustment.adjusted(y, season: season)
        guard let (point, sd) = Self.adjustedForecast(adjusted, method, horizon: horizon) else { return nil }
        return (SeasonalAdjustment.reseasonalised(point, indices: indices, after: y.count, season: season),
                SeasonalAdjustment.reseasonalised(sd, indices: indices, after: y.count, season: season))
    }

    static let estimation = ETSEstimation()

    /// Forecasts of the (already adjusted) series.
    static func adjustedForecast(_ x: [Double], _ method: Method, horizon: Int) -> (point: [Double], sd: [Double])? {
        func ets(_ c: ETSComponents) -> (point: [Double], sd: [Double])? {
            guard let fit = estimation.fit(x, c), let variance = fit.analyticVariance(horizon: horizon) else { return nil }
            return (fit.forecast(horizon: horizon), variance.map { $0.squareRoot() })
        }
        switch method {
        case .ses: return ets(ETSComponents(.additive, .none, .none))
        case .holt: return ets(ETSComponents(.additive, .additive, .none))
        case .damped: return ets(ETSComponents(.additive, .damped, .none))
        case .comb:
            guard let a = ets(ETSComponents(.additive, .none, .none)), let b = ets(ETSComponents(.additive, .additive, .none)),
                  let c = ets(ETSComponents(.additive, .damped, .none)) else { return nil }
            return ((0..<horizon).map { (a.point[$0] + b.point[$0] + c.point[$0]) / 3 },
                    (0..<horizon).map { (a.sd[$0] + b.sd[$0] + c.sd[$0]) / 3 })
        case .theta: return theta(x, horizon: horizon)
        }
    }

    /// `Theta.classic` of the M4 code.
    static func theta(_ x: [Double], horizon: Int) -> (point: [Double], sd: [Double])? {
        let n = x.count
        let (a, b) = RMath.lineFit(x)
        let lineIn = (0..<n).map { a + b * Double($0 + 1) }
        let thetaLine = (0..<n).map { 2 * x[$0] - lineIn[$0] }
        guard let fit = estimation.fit(thetaLine, ETSComponents(.additive, .none, .none)) else { return nil }
        let ses = fit.forecast(horizon: horizon)
        let point = (0..<horizon).map { max(0, 0.5 * ses[$0] + 0.5 * (a + b * Double(n + $0 + 1))) }
        // In-sample one-step fitted values of SES on the θ=2 line, for Theta's own residuals.
        var level = fit.initialLevel, ss = 0.0
        for t in 0..<n {
            let fitted = 0.5 * level + 0.5 * lineIn[t]
            ss += (x[t] - fitted) * (x[t] - fitted)
            level += fit.alpha * (thetaLine[t] - level)
        }
        let sigma = (ss / Double(max(1, n - 3))).squareRoot()
        return (point, (0..<horizon).map { sigma * (1 + Double($0) * fit.alpha * fit.alpha).squareRoot() })
    }
}
