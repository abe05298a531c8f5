import HorizonCore
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
        ModelSpec(name: "autotheta", summary: "Theta chosen per series among standard, optimised and dynamic variants (statsforecast's AutoTheta)") { _ in
            GaussianLocalEstimator(name: "autotheta", method: AutoTheta())
        },
        ets,
        ModelSpec(name: "arima", summary: "automatic seasonal ARIMA: differencing by tests, orders by a stepwise AICc search (CSS)") { _ in
            ARIMAEstimator()
        },
    ]
}

extension ClassicalModels {
    /// `train ets [error=…] [trend=…] [season=…] [init=…] [combine=none|akaike]`.
    static let ets = ModelSpec(
        name: "ets",
        summary: "automatic exponential smoothing: ETS(error, trend, season) chosen by AICc per series",
        options: [
            OptionDeclaration("error", .word(["auto", "A", "M"]), help: "error type (default auto: both)"),
            OptionDeclaration("trend", .word(["auto", "N", "A", "Ad"]), help: "trend type (default auto: none, additive, damped)"),
            OptionDeclaration("season", .word(["auto", "N", "A", "M"]), help: "season type (default auto: none, additive, multiplicative)"),
            OptionDeclaration("init", .word(["optimized", "decomposition"]),
                        help: "seasonal starting states: optimised with the parameters as statsforecast does (default), or kept at the classical decomposition (faster)"),
            OptionDeclaration("combine", .word(["none", "akaike"]), default: "none",
                        help: "none: forecast with the candidate of smallest AICc (statsforecast, R's ets); akaike: average every candidate's "
                            + "forecast, quantiles level by level, weighted by its Akaike weight exp(−ΔAICc/2) (Kolassa 2011)"),
        ]
    ) { options in
        func pick<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) -> [T] where T.RawValue == String {
            guard let word = options.word(key), word != "auto", let value = T(rawValue: word) else { return Array(T.allCases) }
            return [value]
        }
        let states = options.word("init").flatMap(ETSLikelihoodEstimation.SeasonalStates.init(rawValue:)) ?? .optimized
        return ETSEstimator(auto: AutoETS(errors: pick("error", ETSComponents.Error.self),
                                          trends: pick("trend", ETSComponents.Trend.self),
                                          seasons: pick("season", ETSComponents.Season.self),
                                          estimation: ETSLikelihoodEstimation(seasonalStates: states)),
                            averaging: options.word("combine") == "akaike")
    }
}
