/// The second rung: the textbook statistical models, with M4's definitions where M4 gives them.
public enum ClassicalModels {
    public static let specs: [ModelSpec] = [
        ModelSpec(name: "ses", summary: "simple exponential smoothing of the seasonally adjusted series (M4's SES)") { _ in
            GaussianLocalEstimator(name: "ses", method: M4Smoothing(.ses))
        },
        ModelSpec(name: "holt", summary: "Holt's linear trend on the seasonally adjusted series (M4's Holt)") { _ in
            GaussianLocalEstimator(name: "holt", method: M4Smoothing(.holt))
        },
        ModelSpec(name: "damped", summary: "damped-trend exponential smoothing, seasonally adjusted (M4's Damped)") { _ in
            GaussianLocalEstimator(name: "damped", method: M4Smoothing(.damped))
        },
        ModelSpec(name: "comb", summary: "the mean of ses, holt and damped (M4's Comb benchmark)") { _ in
            GaussianLocalEstimator(name: "comb", method: M4Smoothing(.comb))
        },
        ModelSpec(name: "theta", summary: "the Theta method: SES on the θ=2 line plus half the linear trend (M4's Theta)") { _ in
            GaussianLocalEstimator(name: "theta", method: M4Smoothing(.theta))
        },
    ]
}
