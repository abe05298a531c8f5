import HorizonCore
import HorizonForecast

/// One order: for one series, the demand of `steps` consecutive holdout steps.
public struct Order: Sendable, Equatable {
    public var item: String
    /// The first holdout step covered (0-based) and how many.
    public var firstStep: Int
    public var steps: Int
    public var quantity: Double
    public var demand: Double
    public var cost: Double
}

/// A model's newsvendor orders over the holdout and what they cost.
public struct DecisionOutcome: Sendable {
    public var model: String
    public var orders: [Order]

    public init(model: String, orders: [Order]) {
        self.model = model
        self.orders = orders
    }

    public var cost: Double { orders.reduce(0) { $0 + $1.cost } }
    public var demand: Double { orders.reduce(0) { $0 + $1.demand } }
    public var ordered: Double { orders.reduce(0) { $0 + $1.quantity } }
    /// Units of demand met from the order: Σ min(Q, D).
    public var served: Double { orders.reduce(0) { $0 + min($1.quantity, $1.demand) } }
    /// Σ min(Q, D) / Σ D.
    public var fillRate: Double { demand > 0 ? served / demand : .nan }
    /// Share of orders that covered their whole demand (the cycle service level; τ* is its target).
    public var inStock: Double { orders.isEmpty ? .nan : Double(orders.filter { $0.quantity >= $0.demand }.count) / Double(orders.count) }
    /// Cost per unit of demand.
    public var costPerUnit: Double { demand > 0 ? cost / demand : .nan }
}

/// Newsvendor decisions from holdout forecasts: each series' holdout is cut into blocks of
/// `leadTime` steps, and one order per block covers the block's total demand, at the
/// critical-fractile quantile of that total (see `LeadTimeDemand`). With lead time 1 every
/// step is its own order at the τ* quantile of that step. Orders are never negative; blocks
/// with a missing actual, and the steps left over after the last whole block, are not scored.
public enum Decisions {
    public static func decide(_ forecast: PanelForecast, actuals: [[Double]], newsvendor: Newsvendor, leadTime: Int,
                              demand: LeadTimeDemand, seed: UInt64) throws -> DecisionOutcome {
        let tau = newsvendor.criticalFractile
        let perItem = try parallelMap(forecast.items.count) { i -> [Order] in
            let item = forecast.items[i], y = actuals[i]
            // One generator per series, so results do not depend on how series meet threads.
            var generator = SeededGenerator(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
            var orders: [Order] = []
            let steps = min(y.count, item.horizon)
            for first in stride(from: 0, to: steps - leadTime + 1, by: leadTime) {
                let block = first..<(first + leadTime)
                let d = block.reduce(0) { $0 + y[$1] }
                guard !d.isNaN else { continue }
                let q = max(0, demand.quantile(tau, of: item, steps: block, generator: &generator))
                orders.append(Order(item: item.id, firstStep: first, steps: leadTime, quantity: q, demand: d,
                                    cost: newsvendor.cost(order: q, demand: d)))
            }
            return orders
        }
        return DecisionOutcome(model: forecast.model, orders: perItem.flatMap { $0 })
    }

    /// The cost table: per model the realised cost, cost per unit of demand, savings against
    /// `baseline` (an index into `outcomes`), fill rate and in-stock rate.
    public static func costTable(_ outcomes: [DecisionOutcome], baseline: Int, title: String) -> TextTable {
        let base = outcomes[baseline]
        var table = TextTable(title: title, headers: ["model", "ordered", "demand", "cost", "cost/unit", "savings vs \(base.model)",
                                                      "savings %", "fill rate", "in-stock"])
        for o in outcomes {
            let savings = base.cost - o.cost
            table.append([o.model, NumberFormat.fixed(o.ordered, 0), NumberFormat.fixed(o.demand, 0), NumberFormat.fixed(o.cost, 1),
                          NumberFormat.fixed(o.costPerUnit, 4), NumberFormat.fixed(savings, 1),
                          base.cost > 0 ? NumberFormat.fixed(100 * savings / base.cost, 1) + "%" : "–",
                          NumberFormat.fixed(o.fillRate, 3), NumberFormat.fixed(o.inStock, 3)])
        }
        return table
    }
}
