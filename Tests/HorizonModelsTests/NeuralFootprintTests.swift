import Foundation
import HorizonCore
import HorizonData
import HorizonTensor
import Testing
@testable import HorizonModels
import HorizonForecast

/// The memory estimate that lets `train` refuse a network that cannot fit: checked against
/// the engine's measured peak for every architecture, and against the sizes that made the
/// process die before (179 GB asked for by `context=10000 forks=10000`).
@Suite(.serialized) struct NeuralFootprintTests {
    /// Parameters are counted exactly, for every architecture and size. (The whole estimate is
    /// checked against the engine's measured peak by `horizon-bench footprint`: the peak is
    /// process-wide, and tests run in parallel.)
    @Test(arguments: NeuralConfiguration.Architecture.allCases)
    func parametersAreCountedExactly(_ architecture: NeuralConfiguration.Architecture) throws {
        for panel in [pricedPanel(series: 8, length: 90),
                      Panel(series: [Series(id: "a", values: (0..<60).map(Double.init))], frequency: .steps, season: 1, hasTimestamps: false)] {
            for (context, horizon) in [(12, 3), (30, 8)] {
                let c = try tinyConfiguration(architecture, context: context, horizon: horizon, epochs: 1)
                let layout = try FeatureLayout.learn(from: panel, pastNames: [])
                var generator = SeededGenerator(seed: 1)
                let network = NetworkFactory.make(c, layout: layout, generator: &generator)
                #expect(Double(network.parameters.scalarCount) == NeuralFootprint.parameters(c, layout: layout), "\(architecture) T=\(context) K=\(horizon)")
            }
        }
    }

    /// The sizes that aborted or swapped the process are refused before anything is allocated,
    /// with the sizes and what to lower.
    @Test func hugeRequestsAreRefusedWithWhatToLower() throws {
        let panel = pricedPanel(series: 4, length: 60)
        let layout = try FeatureLayout.learn(from: panel, pastNames: [])
        let settings = FitSettings(horizon: 48, levels: [0.1, 0.5, 0.9], seed: 1)
        let huge = try NeuralConfiguration.resolve(.mqcnn, options: ModelOptions(["context": "10000", "forks": "10000"]),
                                                   settings: settings, frequency: .weekly)
        let error = #expect(throws: HorizonError.self) { try NeuralFootprint.checkTraining(huge, layout: layout, panel: panel, budget: 14e9) }
        #expect(error?.message.contains("context 10000, forks 10000") == true)
        #expect(error?.message.contains("lower context=, forks=") == true)
        let longHorizon = try NeuralConfiguration.resolve(.mqtransformer, options: ModelOptions([:]),
                                                          settings: FitSettings(horizon: 10_000, levels: [0.1, 0.5, 0.9], seed: 1),
                                                          frequency: .weekly)
        #expect(throws: HorizonError.self) { try NeuralFootprint.checkTraining(longHorizon, layout: layout, panel: panel, budget: 14e9) }
        // The walkthrough's networks fit with room to spare.
        for architecture in NeuralConfiguration.Architecture.allCases {
            let c = try NeuralConfiguration.resolve(architecture, options: ModelOptions([:]),
                                                    settings: FitSettings(horizon: 8, levels: [0.1, 0.5, 0.9], seed: 1), frequency: .weekly)
            #expect(NeuralFootprint.trainingTensorBytes(c, layout: layout) < 2e9, "\(architecture)")
            try NeuralFootprint.checkTraining(c, layout: layout, panel: panel, budget: 14e9)
        }
    }

    /// A fit asks before it allocates: the estimator refuses through the same check.
    @Test func fitRefusesBeforeAllocating() throws {
        let panel = pricedPanel(series: 4, length: 60)
        let estimator = NeuralEstimator(.mqcnn, options: ModelOptions(["context": "10000", "forks": "10000", "epochs": "1"]))
        let error = #expect(throws: HorizonError.self) {
            _ = try estimator.fit(panel, settings: FitSettings(horizon: 48, levels: [0.1, 0.5, 0.9], seed: 1))
        }
        #expect(error?.message.contains("would need about") == true)
    }
}
