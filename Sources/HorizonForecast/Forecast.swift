/// Quantile forecasts of one series over the horizon.
public struct ItemForecast: Sendable, Equatable {
    public var id: String
    /// The time (or step) of the first forecast point.
    public var firstTime: Int64
    /// The model's point forecast (its own point method, e.g. the last value for `naive`).
    public var point: [Double]
    /// Sorted quantile levels in (0, 1).
    public var levels: [Double]
    /// `quantiles[l][h]`: the forecast at `levels[l]` for step h + 1.
    public var quantiles: [[Double]]

    /// Whether every point and quantile is a finite number: data near the largest double, or a
    /// model file's values, can forecast past any number, which no command should show or write.
    public var isFinite: Bool { point.allSatisfy(\.isFinite) && quantiles.allSatisfy { $0.allSatisfy(\.isFinite) } }

    public init(id: String, firstTime: Int64, point: [Double], levels: [Double], quantiles: [[Double]]) {
        self.id = id
        self.firstTime = firstTime
        self.point = point
        self.levels = levels
        self.quantiles = quantiles
    }

    public var horizon: Int { point.count }

    /// The forecast at any level: exact when it was produced, linear between produced levels,
    /// and beyond the outermost levels a linear continuation of the outermost pair's slope in
    /// normal-score space (a tail that widens the way a normal's does, rather than GluonTS's
    /// exponential tail, which can explode for distant levels).
    public func quantile(_ level: Double, step h: Int) -> Double {
        if let l = levels.firstIndex(where: { abs($0 - level) < 1e-12 }) { return quantiles[l][h] }
        guard levels.count >= 2 else { return quantiles.first?[h] ?? point[h] }
        if level < levels[0] || level > levels[levels.count - 1] {
            let (a, b) = level < levels[0] ? (0, 1) : (levels.count - 2, levels.count - 1)
            let za = NormalDistribution.quantile(levels[a]), zb = NormalDistribution.quantile(levels[b])
            let slope = (quantiles[b][h] - quantiles[a][h]) / (zb - za)
            let anchor = level < levels[0] ? a : b
            return quantiles[anchor][h] + slope * (NormalDistribution.quantile(level) - NormalDistribution.quantile(levels[anchor]))
        }
        let upper = levels.firstIndex { $0 > level }!
        let lower = upper - 1
        let w = (level - levels[lower]) / (levels[upper] - levels[lower])
        return quantiles[lower][h] * (1 - w) + quantiles[upper][h] * w
    }

    /// The forecast at `level` over the whole horizon.
    public func quantile(_ level: Double) -> [Double] { (0..<horizon).map { quantile(level, step: $0) } }
}

/// Forecasts for every series of a panel, from one model.
public struct PanelForecast: Sendable {
    public var model: String
    public var items: [ItemForecast]

    public init(model: String, items: [ItemForecast]) {
        self.model = model
        self.items = items
    }

    public var horizon: Int { items.first?.horizon ?? 0 }
    public func item(_ id: String) -> ItemForecast? { items.first { $0.id == id } }
}
