import Foundation
import HorizonCore
import HorizonData
import HorizonModels
import HorizonForecast

/// `horizon-bench footprint`: the memory `train` expects a network to need (`NeuralFootprint`)
/// beside the engine's measured peak, for every architecture at a few sizes, on a synthetic
/// weekly panel with price, promo and a category. The estimate guards against requests that
/// cannot fit, so it must never be below the measurement, and should not be far above it.
enum FootprintBenchmark {
    static func run(_ arguments: [String]) throws {
        let panel = syntheticPanel(series: 16, length: 120)
        print("architecture   context  horizon  hidden  batch  estimate MB  measured MB  ratio")
        for architecture in NeuralConfiguration.Architecture.allCases {
            for (context, horizon, hidden, batch) in [(12, 3, 8, 16), (30, 8, 16, 32), (52, 13, 32, 64)] {
                var options = ["hidden": "\(hidden)", "epochs": "1", "batches": "3", "batch": "\(batch)", "context": "\(context)"]
                if architecture == .mqtransformer { options["width"] = "8" }
                let c = try NeuralConfiguration.resolve(architecture, options: ModelOptions(options),
                                                        settings: FitSettings(horizon: horizon, levels: [0.1, 0.5, 0.9], seed: 1),
                                                        frequency: .weekly)
                let (estimate, measured) = try NeuralFootprint.measureTraining(c, panel: panel)
                print(architecture.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
                      + String(format: "  %7d  %7d  %6d  %5d  %11.2f  %11.2f  %5.2f", context, horizon, hidden, batch,
                               estimate / 1e6, measured / 1e6, estimate / measured))
            }
        }
    }

    static func syntheticPanel(series: Int, length: Int) -> Panel {
        var rng = SeededGenerator(seed: 3)
        let start = Timestamp.seconds(year: 2020, month: 1, day: 6)
        return Panel(series: (0..<series).map { i in
            var values: [Double] = [], price: [Double] = [], promo: [Double] = []
            for t in 0..<length {
                let p = rng.uniform() < 0.2 ? 7.0 : 10.0, flag: Double = rng.uniform() < 0.1 ? 1 : 0
                values.append(((20 + 5 * Double(i % 4)) * (1 + 0.4 * sin(2 * Double.pi * Double(t) / 52)) * pow(p / 10, -2) + rng.normal()).rounded())
                price.append(p)
                promo.append(flag)
            }
            return Series(id: "item\(i)", start: start, values: values, dynamic: ["price": price, "promo": promo],
                          statics: ["category": i % 2 == 0 ? "a" : "b"])
        }, frequency: .weekly, season: 52, hasTimestamps: true, dynamicNames: ["price", "promo"], staticNames: ["category"])
    }
}
