// Generates datasets/retail-demo.csv: a weekly retail panel whose item groups retell the story
// of Amazon's forecasting problems (see datasets/README.md). Deterministic: the same seed gives
// the same file, byte for byte.
//
// usage: generate-retail-demo OUTPUT.csv
import Foundation
import HorizonCore
import HorizonData

struct Item {
    var id: String
    var category: String
    /// First week index with sales (new launches start late).
    var launch: Int = 0
    /// Expected weekly demand at the reference price, before seasonality and events.
    var level: (Int, inout SeededGenerator) -> Double
    var seasonal: (Int) -> Double = { _ in 1 }
    var referencePrice: Double
    var elasticity: Double = 0.3
    /// Probability of a promotion week, its lift, and the price cut that comes with it.
    var promoRate: Double = 0.03
    var promoLift: Double = 1.25
    var priceCutRange: ClosedRange<Double> = 0.05...0.10
    var dispersion: Double = 25
}

let weeks = 208
let firstWeek = Timestamp.seconds(year: 2019, month: 1, day: 7)  // a Monday
var rng = SeededGenerator(seed: 20_190_107)

func weekOfYear(_ w: Int) -> Double {
    let c = Timestamp.civil(firstWeek + Int64(w) * 604_800)
    let dayOfYear = Timestamp.days(year: c.year, month: c.month, day: c.day) - Timestamp.days(year: c.year, month: 1, day: 1)
    return Double(dayOfYear) / 7
}

/// A smooth yearly bump peaking at `peak` (week of year); `sharpness` narrows it.
func bump(peak: Double, sharpness: Double, floor: Double) -> (Int) -> Double {
    { w in
        let angle = 2 * Double.pi * (weekOfYear(w) - peak) / 52.18
        return floor + exp(sharpness * (cos(angle) - 1)) * (1 - floor) * 4
    }
}

func lognormal(_ median: Double, _ spread: Double) -> Double { median * exp(spread * rng.normal()) }
func pick<T>(_ options: [T]) -> T { options[rng.int(below: options.count)] }

var items: [Item] = []

// Steady staples: detergent, trash bags, paper towels, toothpaste.
for (name, category, median, price) in [("DETERGENT", "household", 120.0, 11.99), ("TRASHBAGS", "household", 90.0, 8.49),
                                        ("PAPERTOWEL", "household", 150.0, 6.99), ("TOOTHPASTE", "personal care", 80.0, 3.49)] {
    for k in 1...15 {
        let base = lognormal(median, 0.5), trend = 0.08 * rng.normal()
        items.append(Item(id: String(format: "%@-%02d", name, k), category: category,
                          level: { w, _ in base * exp(trend * Double(w) / 52) },
                          seasonal: bump(peak: Double(rng.int(below: 52)), sharpness: 0.5, floor: 0.92),
                          referencePrice: price * lognormal(1, 0.1)))
    }
}

// Strongly seasonal goods: winter jackets and gloves peak in December, swimwear and sunscreen in July,
// Christmas lights in the first half of December only.
for (name, category, peak, sharpness, count) in [("JACKET", "apparel", 50.0, 3.0, 12), ("GLOVES", "apparel", 51.0, 3.5, 8),
                                                 ("SWIMWEAR", "apparel", 27.0, 3.0, 10), ("SUNSCREEN", "personal care", 28.0, 2.5, 8),
                                                 ("XMASLIGHTS", "seasonal decor", 49.5, 12.0, 10)] {
    for k in 1...count {
        let base = lognormal(name == "XMASLIGHTS" ? 8 : 25, 0.4)
        let peakShift = Double(rng.int(below: 3)) - 1
        items.append(Item(id: String(format: "%@-%02d", name, k), category: category,
                          level: { _, _ in base }, seasonal: bump(peak: peak + peakShift, sharpness: sharpness, floor: 0.05),
                          referencePrice: (name == "JACKET" ? 89.0 : 19.0) * lognormal(1, 0.2), dispersion: 15))
    }
}

// Price-elastic items with frequent price drops and promotions.
for (name, category, median, price) in [("HEADPHONES", "electronics", 40.0, 59.0), ("COFFEEMAKER", "kitchen", 25.0, 79.0),
                                        ("SNACKS", "grocery", 200.0, 2.99), ("BLENDER", "kitchen", 15.0, 49.0)] {
    for k in 1...12 {
        let base = lognormal(median, 0.4)
        items.append(Item(id: String(format: "%@-%02d", name, k), category: category,
                          level: { _, _ in base },
                          seasonal: bump(peak: 47, sharpness: 4, floor: 0.85),  // a Black-Friday lift
                          referencePrice: price * lognormal(1, 0.15), elasticity: 1.5 + 1.5 * rng.uniform(),
                          promoRate: 0.12, promoLift: 1.6, priceCutRange: 0.15...0.35, dispersion: 12))
    }
}

// New launches: short histories, ramping up over a few weeks; some launch inside the last weeks.
for k in 1...36 {
    let launch = k <= 6 ? weeks - 1 - rng.int(below: 10) : 126 + rng.int(below: 70)
    let target = lognormal(30, 0.6)
    let ramp = 2 + 6 * rng.uniform()
    let category = pick(["electronics", "kitchen", "apparel", "household"])
    items.append(Item(id: String(format: "LAUNCH-%02d", k), category: category, launch: launch,
                      level: { w, _ in target / (1 + exp(-(Double(w - launch) - ramp) / 1.5)) },
                      referencePrice: lognormal(30, 0.5), promoRate: 0.06, promoLift: 1.4, dispersion: 10))
}

// Books with a viral spike after a publicity event (a TV appearance), decaying with a lasting tail.
for k in 1...12 {
    let event = k == 1 ? 130 : 40 + rng.int(below: 150)
    let base = lognormal(8, 0.4), spike = 10 + 25 * rng.uniform(), halfLife = 2 + 3 * rng.uniform()
    items.append(Item(id: String(format: "BOOK-%02d", k), category: "books",
                      level: { w, _ in
                          guard w >= event else { return base }
                          let age = Double(w - event)
                          return base * (1.3 + spike * pow(0.5, age / halfLife))
                      },
                      referencePrice: lognormal(18, 0.2), dispersion: 8))
}

// A lasting shift from March 2020: home clothing up, office shirts down.
let shift = 62  // the week of 2020-03-16
for (name, factor) in [("LOUNGEWEAR", 2.4), ("OFFICESHIRT", 0.45)] {
    for k in 1...12 {
        let base = lognormal(40, 0.4), f = factor * lognormal(1, 0.15)
        items.append(Item(id: String(format: "%@-%02d", name, k), category: "apparel",
                          level: { w, _ in w < shift ? base : base * (1 + (f - 1) * min(1, Double(w - shift + 1) / 4)) },
                          seasonal: bump(peak: 2, sharpness: 0.8, floor: 0.8),
                          referencePrice: lognormal(35, 0.2), dispersion: 20))
    }
}

var csv = "item,week,sales,price,promo,category\n"
for item in items {
    for w in item.launch..<weeks {
        let promo = rng.uniform() < item.promoRate
        let cut = promo ? item.priceCutRange.lowerBound + (item.priceCutRange.upperBound - item.priceCutRange.lowerBound) * rng.uniform() : 0
        let price = (item.referencePrice * (1 - cut) * 100).rounded() / 100
        let mean = item.level(w, &rng) * item.seasonal(w) * pow(price / item.referencePrice, -item.elasticity) * (promo ? item.promoLift : 1)
        let sales = rng.negativeBinomial(mean: mean, dispersion: item.dispersion)
        csv += "\(item.id),\(Timestamp.format(firstWeek + Int64(w) * 604_800)),\(sales),\(String(format: "%.2f", price)),\(promo ? 1 : 0),\(item.category)\n"
    }
}

let path = CommandLine.arguments.dropFirst().first ?? "datasets/retail-demo.csv"
do {
    try AtomicFile.write(csv, to: path)
    print("wrote \(items.count) items to \(path)")
} catch {
    FileHandle.standardError.write(Data("generate-retail-demo: cannot write \(path): \(error)\n".utf8))
    exit(1)
}
