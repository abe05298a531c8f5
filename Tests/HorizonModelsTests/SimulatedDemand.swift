import Foundation
import HorizonCore
import HorizonData

/// A weekly panel whose demand is driven by known-in-advance price cuts and promotions on top
/// of a yearly season, so a model that reads covariates should beat seasonal naive:
/// mean = level · season(week) · (price / list price)^−2.5 · (1.8 if promoted), Poisson counts.
/// Items of the "toys" line have no price at all (NaN), only promotions.
enum SimulatedDemand {
    static let start: Int64 = 1_546_819_200  // 2019-01-07, a Monday

    static func panel(items: Int = 40, weeks: Int = 160, seed: UInt64 = 11) -> Panel {
        var rng = SeededGenerator(seed: seed)
        var series: [Series] = []
        for i in 0..<items {
            let priced = i % 2 == 0
            let level = exp(log(5.0) + rng.uniform() * (log(300.0) - log(5.0)))
            let listPrice = 2 + rng.uniform() * 20
            let phase = rng.uniform() * 2 * Double.pi
            var values: [Double] = [], prices: [Double] = [], promos: [Double] = []
            for w in 0..<weeks {
                let discounted = rng.uniform() < 0.15
                let price = discounted ? listPrice * (0.65 + 0.2 * rng.uniform()) : listPrice
                let promo = rng.uniform() < 0.1 ? 1.0 : 0.0
                let season = 1 + 0.4 * sin(2 * Double.pi * Double(w) / 52 + phase)
                var mean = level * season * (promo == 1 ? 1.8 : 1)
                if priced { mean *= pow(price / listPrice, -2.5) }
                values.append(Double(rng.poisson(mean: mean)))
                prices.append(priced ? price : .nan)
                promos.append(promo)
            }
            series.append(Series(id: "item\(i)", start: start, values: values, dynamic: ["price": prices, "promo": promos],
                                 statics: ["line": priced ? "grocery" : "toys"]))
        }
        return Panel(series: series, frequency: .weekly, season: 52, hasTimestamps: true, targetName: "sales",
                     dynamicNames: ["price", "promo"], staticNames: ["line"])
    }
}
