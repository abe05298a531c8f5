import HorizonCore
import HorizonData
import HorizonForecast

/// Rolling-origin evaluation: the same model forecasts from several origins at the end of the
/// training range, and each window is scored by the same `Evaluator.score` as `evaluate`.
///
/// Window k of N (k = 0 the oldest) cuts `base[i] + (N − 1 − k)·step` points off the end of
/// series i, where `base` is the session's holdout, and scores the next `horizon` points
/// after the cut. The newest window is therefore exactly the session's holdout, and the
/// windows before it move back `step` points each (they overlap when step < horizon).
public struct BacktestPlan: Sendable, Equatable {
    public var windows: Int
    public var step: Int
    public var horizon: Int
    /// true: the model is fitted again at every origin on the data before it (the honest
    /// choice for global models). false: fitted once at the oldest origin, then each later
    /// window is forecast from its own, longer history without refitting.
    public var refit: Bool

    public init(windows: Int, step: Int, horizon: Int, refit: Bool = true) {
        self.windows = windows
        self.step = step
        self.horizon = horizon
        self.refit = refit
    }

    /// The points each window holds out, oldest window first.
    public func cuts(base: [Int]) -> [[Int]] {
        (0..<windows).map { k in base.map { $0 + (windows - 1 - k) * step } }
    }
}

/// One window's split, forecasts and scores.
public struct BacktestWindow: Sendable {
    /// Position in the plan, 0 = oldest.
    public var index: Int
    /// The time (or step number) of the first forecast step of the series that runs latest.
    public var firstForecastTime: Int64
    public var holdout: Holdout
    public var forecast: PanelForecast
    /// Naive2's forecast on the same split (the OWA reference).
    public var naive2: PanelForecast
    public var scores: ModelScores
    /// Series left out of this window because nothing was observed before its cut.
    public var excluded: [String]
}

public struct BacktestResult: Sendable {
    public var plan: BacktestPlan
    public var windows: [BacktestWindow]
    /// Every window's forecasts scored together, as if each (series, window) were a series
    /// of its own: wQL and CRPS are ratios of totals over all windows, MASE/sMAPE/MSIS means
    /// over all (series, window) pairs.
    public var pooled: ModelScores
}

public enum Backtest {
    /// Runs `plan` for one model. `naive2` forecasts each window for the OWA reference (M4's
    /// Naive2: given by the caller, since the models live above evaluation). `progress` is
    /// told how many windows are done; Ctrl-C stops between windows (and inside predictions)
    /// with `Interrupted`.
    public static func run(_ plan: BacktestPlan, panel: Panel, base: [Int], model: String,
                           estimator: any Estimator, settings: FitSettings, levels: [Double], naive2 reference: any Predictor,
                           progress: (Int) -> Void = { _ in }) throws -> BacktestResult {
        guard base.contains(where: { $0 > 0 }) else {
            throw HorizonError("the newest backtest window would have nothing to score: the holdout is empty (set one with 'holdout N')")
        }
        var fitted: (any Predictor)?
        var windows: [BacktestWindow] = []
        for (k, cut) in plan.cuts(base: base).enumerated() {
            try Interrupt.check()
            let split = Holdout.trainable(panel, counts: cut, steps: plan.horizon)
            guard let holdout = split.holdout else {
                throw HorizonError("backtest window \(k + 1) of \(plan.windows) starts before every series' first observation: use fewer windows or a smaller step")
            }
            guard holdout.steps > 0 else {
                throw HorizonError("backtest window \(k + 1) has nothing to score: no series has points after its origin")
            }
            let predictor: any Predictor
            if plan.refit || fitted == nil {
                predictor = try estimator.fit(holdout.train, settings: settings)
                fitted = predictor
            } else {
                predictor = fitted!
            }
            var forecast = try predictor.predict(holdout.train, future: holdout.future, horizon: holdout.steps, levels: levels)
            forecast.model = model
            let naive2 = try reference.predict(holdout.train, horizon: holdout.steps, levels: [0.5])
            let reference = Evaluator.score(naive2, on: holdout, levels: [0.5])
            let latest = holdout.train.series.map { panel.time(of: $0, at: $0.count) }.max() ?? 0
            windows.append(BacktestWindow(index: k, firstForecastTime: latest, holdout: holdout, forecast: forecast, naive2: naive2,
                                          scores: Evaluator.score(forecast, on: holdout, levels: settings.levels,
                                                                  naive2: (reference.smape, reference.mase)),
                                          excluded: split.excluded))
            progress(k + 1)
        }
        let pooledHoldout = pool(windows.map(\.holdout))
        let naive2 = Evaluator.score(PanelForecast(model: "naive2", items: windows.flatMap(\.naive2.items)), on: pooledHoldout, levels: [0.5])
        let pooled = Evaluator.score(PanelForecast(model: model, items: windows.flatMap(\.forecast.items)), on: pooledHoldout,
                                     levels: settings.levels, naive2: (naive2.smape, naive2.mase))
        return BacktestResult(plan: plan, windows: windows, pooled: pooled)
    }

    /// The windows' holdouts as one, each (window, series) pair a series of its own (its
    /// forecasts are the windows' items in the same order).
    public static func pool(_ holdouts: [Holdout]) -> Holdout {
        let series = holdouts.enumerated().flatMap { k, h in
            h.train.series.map { s in
                var copy = s
                copy.id = "\(s.id)@\(k + 1)"
                return copy
            }
        }
        let future = FutureCovariates(dynamic: holdouts.flatMap(\.future.dynamic), categorical: holdouts.flatMap(\.future.categorical),
                                      horizon: holdouts.map(\.future.horizon).max() ?? 0)
        return Holdout(train: holdouts[0].train.replacingSeries(series), actuals: holdouts.flatMap(\.actuals), future: future)
    }
}
