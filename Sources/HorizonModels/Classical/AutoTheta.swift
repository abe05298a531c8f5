import Foundation
import HorizonCore

/// statsforecast's `AutoTheta` model space: the four state-space Theta models of Fiorucci,
/// Pellegrini, Louzada, Petropoulos & Koehler ("Models for optimising the theta method and
/// their relationship to state space models", IJF 32(4), 2016), chosen per series by in-sample
/// fit. Why beside M4's `theta`: that one fixes θ = 2 and the trend line to the whole sample's
/// least squares; on short yearly and quarterly series a θ of its own and a line that moves
/// with the data are what let Theta follow a trend that bends, and they are what made Theta
/// variants strong members of forecast combinations.
///
/// Each model forecasts from a level ℓ smoothed by α, plus (1 − 1/θ) of a trend term built
/// from the least-squares line A + B·t of the data seen so far:
///
///     μ after i observations = ℓ + (1 − 1/θ)·(A·(1−α)^i + B·(1 − (1−α)^(i+1))/α)
///
/// - STM, standard: θ = 2, A and B the whole sample's line (the classic method's forecasts);
/// - OTM, optimised: θ ≥ 1 fitted too (θ = 1 is simple exponential smoothing);
/// - DSTM and DOTM, dynamic: A and B are re-estimated from the observations up to each step
///   (the line's running update), so no forecast in the fit uses data after it; the forecast
///   feeds its own values back into the line, as the model's recursion does.
///
/// ℓ₀ (start y₀/2), α ∈ [0.1, 0.99] (start 0.5) and θ are fitted by minimising the squared
/// one-step errors after the first three, over the mean |y| (statsforecast's criterion), with
/// the same box Nelder–Mead; the variant with the smallest value wins. Seasonal series are
/// adjusted first by M4's test and classical multiplicative decomposition (as `theta`, where
/// statsforecast tests at 95% with n ≥ 2m and falls back to an additive decomposition), and the
/// forecasts re-seasonalised with the last season's indices. Quantiles are normal with the
/// level's spread, σ√(1 + (h−1)α²), σ from the same errors; statsforecast simulates paths of the
/// recursion instead, which differs only through the dynamic line's small response to them.
public struct AutoTheta: GaussianMethod {
    public enum Variant: String, Sendable, CaseIterable {
        case standard = "STM", optimised = "OTM", dynamicStandard = "DSTM", dynamicOptimised = "DOTM"
        var dynamic: Bool { self == .dynamicStandard || self == .dynamicOptimised }
        var fitsTheta: Bool { self == .optimised || self == .dynamicOptimised }
    }

    /// A fitted variant: what `report` shows and what the forecast runs from.
    public struct Fit: Sendable {
        public var variant: Variant
        public var initialLevel: Double, alpha: Double, theta: Double
        /// Σ e² over the errors after the first three, over mean |y|: the selection criterion.
        public var criterion: Double
        /// Standard deviation of those one-step errors.
        public var sigma: Double
    }

    public let variants: [Variant]

    public init(variants: [Variant] = Variant.allCases) {
        precondition(!variants.isEmpty, "AutoTheta needs at least one variant")
        self.variants = variants
    }

    public func forecast(_ y: [Double], horizon: Int, season: Int) -> (point: [Double], sd: [Double])? {
        let (adjusted, indices) = SeasonalAdjustment.adjusted(y, season: season)
        guard let fit = select(adjusted) else { return nil }
        let point = Self.path(adjusted, fit, horizon: horizon)
        let sd = (0..<horizon).map { fit.sigma * (1 + Double($0) * fit.alpha * fit.alpha).squareRoot() }
        return (SeasonalAdjustment.reseasonalised(point, indices: indices, after: y.count, season: season),
                SeasonalAdjustment.reseasonalised(sd, indices: indices, after: y.count, season: season))
    }

    /// Every variant fitted to `x` (already adjusted), the best by the criterion; nil when `x`
    /// has four observations or fewer (three are burn-in) or no variant gives a finite fit.
    public func select(_ x: [Double]) -> Fit? {
        guard x.count > 4 else { return nil }
        return variants.compactMap { Self.fit(x, $0) }.min { $0.criterion < $1.criterion }
    }

    static let search = BoxNelderMead()

    /// One variant's parameters by the box Nelder–Mead, from ℓ₀ = y₀/2, α = 0.5, θ = 2.
    static func fit(_ x: [Double], _ variant: Variant) -> Fit? {
        let start = variant.fitsTheta ? [x[0] / 2, 0.5, 2] : [x[0] / 2, 0.5]
        let lower = variant.fitsTheta ? [-1e10, 0.1, 1] : [-1e10, 0.1]
        let upper = variant.fitsTheta ? [1e10, 0.99, 1e10] : [1e10, 0.99]
        let scale = Swift.max(x.reduce(0) { $0 + abs($1) } / Double(x.count), 1e-10)
        let result = search.minimize(start, lower: lower, upper: upper) { batch in
            var values = SIMD4<Double>(repeating: .infinity)
            for lane in 0..<batch.count {
                let theta = variant.fitsTheta ? batch[lane, 2] : 2
                values[lane] = errors(x, variant, level: batch[lane, 0], alpha: batch[lane, 1], theta: theta).squares / scale
            }
            return values
        }
        guard result.value.isFinite else { return nil }
        let theta = variant.fitsTheta ? result.x[2] : 2
        let e = errors(x, variant, level: result.x[0], alpha: result.x[1], theta: theta)
        return Fit(variant: variant, initialLevel: result.x[0], alpha: result.x[1], theta: theta, criterion: result.value,
                   sigma: e.sigma)
    }

    /// The recursion's state after some observations: level, mean, and the line A + B·t.
    struct State {
        var level: Double, mean: Double, a: Double, b: Double
        /// (1−α)^i after i observations, carried along rather than raised to i at every step:
        /// the fit's search runs the recursion hundreds of times per variant and series.
        var decay: Double

        /// The one-step forecast.
        func forecast(alpha: Double, theta: Double) -> Double {
            level + (1 - 1 / theta) * (a * decay + b * (1 - decay * (1 - alpha)) / alpha)
        }

        /// Takes in observation number i + 1 (index i), y.
        mutating func update(_ y: Double, _ i: Int, alpha: Double, dynamic: Bool) {
            let previousMean = mean
            decay *= 1 - alpha
            level = alpha * y + (1 - alpha) * level
            mean = (Double(i) * mean + y) / Double(i + 1)
            guard dynamic else { return }
            b = (Double(i - 1) * b + 6 * (y - previousMean) / Double(i + 1)) / Double(i + 2)
            a = mean - b * Double(i + 2) / 2
        }
    }

    /// The state after the first observation.
    static func start(_ x: [Double], _ variant: Variant, level: Double, alpha: Double) -> State {
        var state = State(level: alpha * x[0] + (1 - alpha) * level, mean: x[0], a: x[0], b: 0, decay: 1 - alpha)
        if !variant.dynamic {
            let line = RMath.lineFit(x)  // a + b·t for t = 1 … n
            state.a = line.intercept
            state.b = line.slope
        }
        return state
    }

    /// Σ e² of the one-step errors after the first three, and their standard deviation.
    static func errors(_ x: [Double], _ variant: Variant, level: Double, alpha: Double, theta: Double)
        -> (squares: Double, sigma: Double) {
        var state = start(x, variant, level: level, alpha: alpha)
        var squares = 0.0, sum = 0.0, count = 0.0
        for i in 1..<x.count {
            let e = x[i] - state.forecast(alpha: alpha, theta: theta)
            if i >= 3 {
                squares += e * e
                sum += e
                count += 1
            }
            state.update(x[i], i, alpha: alpha, dynamic: variant.dynamic)
        }
        guard squares.isFinite else { return (.infinity, .nan) }
        let variance = count > 1 ? Swift.max(0, (squares - sum * sum / count) / (count - 1)) : 0
        return (squares, variance.squareRoot())
    }

    /// The forecasts: the recursion run on, each step's forecast taken in as its observation.
    static func path(_ x: [Double], _ fit: Fit, horizon: Int) -> [Double] {
        var state = start(x, fit.variant, level: fit.initialLevel, alpha: fit.alpha)
        for i in 1..<x.count { state.update(x[i], i, alpha: fit.alpha, dynamic: fit.variant.dynamic) }
        return (0..<horizon).map { j in
            let f = state.forecast(alpha: fit.alpha, theta: fit.theta)
            state.update(f, x.count + j, alpha: fit.alpha, dynamic: fit.variant.dynamic)
            return f
        }
    }
}

extension AutoTheta.Variant {
    var name: String {
        switch self {
        case .standard: return "standard Theta"
        case .optimised: return "optimised Theta"
        case .dynamicStandard: return "dynamic standard Theta"
        case .dynamicOptimised: return "dynamic optimised Theta"
        }
    }
}

extension AutoTheta: DescribesSeries {
    /// The variant chosen for the series, its parameters and whether it was seasonally adjusted.
    public func describe(_ y: [Double], season: Int) -> [String] {
        let (adjusted, indices) = SeasonalAdjustment.adjusted(y, season: season)
        guard let fit = select(adjusted) else {
            return ["too short for Theta (\(y.count) points, three of them burn-in): the naive forecast instead"]
        }
        return ["\(fit.variant.rawValue), \(fit.variant.name), chosen by in-sample squared error among "
                    + variants.map(\.rawValue).joined(separator: ", "),
                "α \(NumberFormat.fixed(fit.alpha, 3)), θ \(NumberFormat.fixed(fit.theta, 3)), starting level \(NumberFormat.value(fit.initialLevel))",
                indices == nil ? "not seasonally adjusted (M4's test found no season at lag \(season))"
                    : "seasonally adjusted first (M4's test and classical multiplicative decomposition at lag \(season))",
                "one-step error sd \(NumberFormat.value(fit.sigma))" + (indices == nil ? "" : " (on the adjusted series)")]
    }
}
