import Foundation
import HorizonCore
import HorizonData
import HorizonForecast
import HorizonTensor

/// Trains a quantile network on windows cut from a panel.
///
/// - Training windows: each batch draws series uniformly and, for each, the window's last
///   forecast creation time uniformly among the positions with a target after them, so the
///   whole history is used (not only the last window, GluonTS's MQ-CNN default). Where a
///   series is long enough, a window's warm-up lies wholly inside its observed history (a
///   warm-up of padding has no spread to standardise by).
/// - The loss is the pinball loss of the standardised target, (y − location)/scale, averaged
///   over levels and targets: every series counts by how well its movements are forecast, as
///   MASE counts them (`weight=volume` weighs raw units instead, as wQL does).
/// - Adam with global-norm clipping and a cosine schedule from `lr` down to a tenth of it over
///   all the steps; by default every target up to the end of the data is trained on, and the
///   last epoch's weights are kept (a run of fixed length, as neuralforecast trains).
/// - `validate=yes` holds out the last K points of every series long enough; after each epoch
///   the network forecasts them from the point before (one window per series, its last
///   forecast time), the validation loss is the early-stopping criterion (`patience`
///   epochs), and the best epoch's weights are kept. The validation wQL is reported either way
///   it is computed.
/// - `heldBack` parts (a combination judging the net) train the first epochs without each
///   series' last stretches and hand the network over to forecast them before training on
///   them: one training instead of one per stretch (`NeuralEstimator.fit(_:settings:forecasting:)`).
/// - Ctrl-C stops after the current batch and keeps the best weights so far; a loss that turns
///   NaN or infinite stops training the same way, with the reason recorded. With no finished
///   epoch there are no weights worth keeping: Ctrl-C then cancels the command (`Interrupted`)
///   and divergence is an error, so the session never gains a model of random weights.
/// - Every draw (initialisation, sampling, dropout) comes from one generator seeded by the
///   configuration, so the same seed gives the same model.
struct NeuralTrainer {
    let configuration: NeuralConfiguration
    let layout: FeatureLayout
    let label: String

    /// A loss in a message: NaN is "nan" whatever its sign bit (Swift prints "-nan").
    static func shown(_ loss: Float) -> String { loss.isNaN ? "nan" : "\(loss)" }

    /// A part of the schedule, up to epoch `epochs`, trained without each series' last `steps`
    /// targets, after which `judge` gets the network (to forecast them) before training goes on
    /// with more of the data (the next part's, or everything).
    struct HeldBack {
        let steps: Int
        let epochs: Int
        let judge: (QuantileNetwork) throws -> Void
    }

    func train(_ network: QuantileNetwork, panel: Panel, generator: inout SeededGenerator, heldBack: [HeldBack] = []) throws -> TrainingRun {
        let c = configuration, K = c.horizon
        let builder = WindowBuilder(layout: layout, context: c.context, forks: c.forks, horizon: K)
        let codeMaps = layout.events.map { $0.codeMap(from: panel.vocabularies[$0.name] ?? []) }
        // With validation, hold out the last K points of series long enough to keep something to train on.
        let all = trainingWindows(panel, codeMaps: codeMaps) { n, firstObserved in
            c.validate && n - K >= firstObserved + 2 ? n - K : n
        }
        let validationSeries = c.validate ? panel.series.compactMap { s -> SeriesInputs? in
            guard let firstObserved = s.values.firstIndex(where: { !$0.isNaN }), s.count - K >= firstObserved + 2 else { return nil }
            return SeriesInputs(series: s, panel: panel, layout: layout, horizon: K, padding: c.context, targetLimit: s.count, codeMaps: codeMaps)
        } : []
        guard !all.series.isEmpty else {
            throw HorizonError("no series has enough history to train on: each needs at least 2 observed points before its last")
        }
        // Each held-back part trains on the series long enough to lose their last steps; the
        // others join when it ends. A part with no series long enough is not trained or judged.
        let parts = heldBack.sorted { $0.epochs < $1.epochs }.compactMap { held in
            let windows = trainingWindows(panel, codeMaps: codeMaps) { n, firstObserved in n - held.steps >= firstObserved + 2 ? n - held.steps : nil }
            return windows.series.isEmpty ? nil : (held: held, windows: windows)
        }
        let validationEnds = validationSeries.map { $0.count - K - 1 }

        var curve = TrainingRun()
        curve.parameterCount = network.parameters.scalarCount
        curve.trainingWindows = all.ranges.reduce(0) { $0 + $1.count }
        curve.validationSeries = validationSeries.count
        let parameters = network.parameters.parameters
        var optimizer = Adam(parameters, learningRate: c.learningRate)
        let totalSteps = c.epochs * c.batchesPerEpoch
        var step = 0
        var best = Double.infinity, bestSnapshot = network.parameters.snapshot(), sinceBest = 0
        var interrupted = false, diverged: (epoch: Int, loss: Float)?
        let progress = ProgressBar(label, total: c.epochs * c.batchesPerEpoch)
        defer { progress.finish() }

        let lastEpoch = min(c.epochs, c.stopAfter ?? c.epochs)
        epochs: for epoch in 1...lastEpoch {
            let started = Date(), cpuStarted = CPUTime.seconds()
            let phase = parts.first { epoch <= $0.held.epochs }?.windows ?? all
            var lossSum = 0.0, lossCount = 0
            for _ in 0..<c.batchesPerEpoch {
                if Interrupt.isRequested {
                    Interrupt.reset()
                    curve.stopReason = "stopped by Ctrl-C in epoch \(epoch)"
                    interrupted = true
                    break epochs
                }
                // The batch in shards: windows drawn in order from the one generator, each shard's
                // dropout from a seed drawn from it, gradients summed in shard order.
                var shards: [WindowBatch] = []
                for size in Self.shardSizes(c.batch) {
                    var shard = WindowBatch(size: size, layout: layout, context: c.context, forks: c.forks, horizon: K)
                    for slot in 0..<size {
                        let s = generator.int(below: phase.series.count)
                        let end = phase.ranges[s].lowerBound + generator.int(below: phase.ranges[s].count)
                        builder.fill(&shard, slot: slot, series: phase.series[s], end: end)
                    }
                    shards.append(shard)
                }
                let seeds = shards.map { _ in generator.next() }
                let absolute = shards.reduce(Float(0)) { $0 + Self.lossDenominator($1, c.weighting) }
                let losses = UnsafeMutableBufferPointer<Float>.allocate(capacity: shards.count)
                defer { losses.deallocate() }
                DataParallel.run(shards: shards.count, threads: Self.threads, parameters: parameters) { k in
                    var shardGenerator = SeededGenerator(seed: seeds[k])
                    let output = network(shards[k], training: true, generator: &shardGenerator)
                    let loss = Self.loss(output, batch: shards[k], levels: c.levels, weighting: c.weighting, absoluteTotal: absolute)
                    losses[k] = loss.scalar
                    if loss.scalar.isFinite { loss.backward() }
                }
                let lossValue = losses.reduce(0, +)
                guard lossValue.isFinite else {
                    curve.stopReason = "diverged in epoch \(epoch): the loss became \(Self.shown(lossValue)) (try a lower lr=)"
                    diverged = (epoch, lossValue)
                    network.parameters.zeroGradients()
                    break epochs
                }
                clipGradientNorm(parameters, maxNorm: c.gradientClip)
                optimizer.learningRate = Self.learningRate(c.learningRate, step: step, of: totalSteps)
                optimizer.step()
                step += 1
                network.parameters.zeroGradients()
                lossSum += Double(lossValue)
                lossCount += 1
                progress.advance()
            }
            let validation: (wql: Double, loss: Double)?
            do {
                validation = validationSeries.isEmpty ? nil
                    : try validate(network, series: validationSeries, ends: validationEnds, builder: builder)
            } catch is Interrupted {
                // Ctrl-C while this epoch is scored: keep the best scored epoch, as during a batch.
                curve.stopReason = "stopped by Ctrl-C in epoch \(epoch)"
                interrupted = true
                break epochs
            }
            let training = lossSum / Double(max(lossCount, 1))
            curve.epochs.append(TrainingEpoch(epoch: epoch, trainingLoss: training, validationWQL: validation?.wql,
                                              learningRate: Double(optimizer.learningRate), seconds: Date().timeIntervalSince(started),
                                              cpuSeconds: CPUTime.seconds() - cpuStarted))
            let criterion = c.validate ? (validation?.loss ?? training) : -Double(epoch)  // without validation, the latest epoch
            if criterion < best {
                best = criterion
                bestSnapshot = network.parameters.snapshot()
                curve.bestEpoch = epoch
                sinceBest = 0
            } else {
                sinceBest += 1
                if sinceBest >= c.patience {
                    curve.stopReason = "early stop: no improvement for \(c.patience) epochs"
                    break
                }
            }
            for part in parts where part.held.epochs == epoch { try part.held.judge(network) }
            progress.detail = "epoch \(epoch) loss \(NumberFormat.fixed(training, 4))"
                + (validation.map { " val wQL \(NumberFormat.fixed($0.wql, 4))" } ?? "")
        }
        if interrupted { curve.interruptedAfter = curve.epochs.last?.epoch }
        if curve.stopReason.isEmpty {
            curve.stopReason = lastEpoch < c.epochs ? "stopped after epoch \(lastEpoch) of \(c.epochs) (stop=\(lastEpoch))" : "ran all \(c.epochs) epochs"
        }
        guard curve.bestEpoch > 0 else {
            if interrupted { throw Interrupted() }
            let what = diverged.map { "diverged in epoch \($0.epoch) (the loss became \(Self.shown($0.loss))) before any epoch gave weights worth keeping" }
                ?? "reached no finite score in any epoch"
            throw HorizonError("\(label) \(what), so no model was added (look for extreme values in the data, or try a lower lr=)")
        }
        network.parameters.restore(bestSnapshot)
        Tensor.releaseCachedBuffers()
        return curve
    }

    /// The series trained on, each with the range of its windows' last forecast times: no target
    /// after `limit(count, firstObserved)` is used, and a series whose limit is nil is left out.
    /// Where a series is long enough, a window ends at least a warm-up after its first observation.
    func trainingWindows(_ panel: Panel, codeMaps: [[Int32]], limit: (Int, Int) -> Int?) -> (series: [SeriesInputs], ranges: [ClosedRange<Int>]) {
        let c = configuration
        var series: [SeriesInputs] = [], ranges: [ClosedRange<Int>] = []
        for s in panel.series {
            guard let firstObserved = s.values.firstIndex(where: { !$0.isNaN }), let end = limit(s.count, firstObserved),
                  end - 2 >= firstObserved else { continue }
            series.append(SeriesInputs(series: s, panel: panel, layout: layout, horizon: c.horizon, padding: c.context, targetLimit: end,
                                       codeMaps: codeMaps))
            let fullWarmUp = firstObserved + c.context - 1
            ranges.append(min(max(firstObserved, fullWarmUp), end - 2)...(end - 2))
        }
        return (series, ranges)
    }

    /// Shards per batch: fixed (not the machine's core count), so a run gives the same model
    /// on any machine; `threads` only decides how many run at once.
    static let shardCount = 2
    static var threads: Int { min(shardCount, Parallelism.width) }

    static func shardSizes(_ batch: Int) -> [Int] {
        let n = min(shardCount, batch)
        return (0..<n).map { batch / n + ($0 < batch % n ? 1 : 0) }
    }

    /// The cosine schedule: `lr` at the first step, a tenth of it at the last.
    static func learningRate(_ lr: Float, step: Int, of total: Int) -> Float {
        let progress = Float(step) / Float(max(1, total - 1))
        return lr * (0.1 + 0.45 * (1 + cos(Float.pi * min(1, progress))))
    }

    /// What a batch's loss is divided by, summed over its shards: the observed targets (the
    /// standardised loss is a mean), or Σ|y| for `weight=volume` (a wQL).
    static func lossDenominator(_ batch: WindowBatch, _ weighting: NeuralConfiguration.Weighting) -> Float {
        var total: Float = 0
        for i in 0..<batch.targets.count where batch.mask[i] != 0 { total += weighting == .series ? 1 : abs(batch.targets[i]) }
        return total
    }

    /// A shard's part of the batch's loss, so the shards' losses add up to the batch's.
    /// - `series`: the pinball loss of the standardised targets against the network's
    ///   standardised quantiles, a mean over levels and the batch's observed targets;
    /// - `volume`: the quantiles taken back to the data's units, 2·Σρ / Σ|y| over the batch,
    ///   mean over levels (the evaluation table's wQL).
    static func loss(_ standardised: Tensor, batch: WindowBatch, levels: [Double], weighting: NeuralConfiguration.Weighting,
                     absoluteTotal: Float) -> Tensor {
        let b = batch.size, perWindow = batch.forks * batch.horizon
        let mask = Tensor(shape: [b, batch.forks, batch.horizon], data: batch.mask)
        let observed = batch.mask.reduce(0, +)
        let levels = levels.map { Float($0) }
        switch weighting {
        case .series:
            var targets = batch.targets
            for i in targets.indices where batch.mask[i] != 0 {
                let w = i / perWindow
                targets[i] = (targets[i] - batch.location[w]) / batch.scale[w]
            }
            let pinball = standardised.pinballLoss(target: Tensor(shape: [b, batch.forks, batch.horizon], data: targets), mask: mask, levels: levels)
            guard absoluteTotal > 0 else { return pinball }
            return pinball * (observed / absoluteTotal / Float(levels.count))
        case .volume:
            let predictions = standardised * Tensor(shape: [b, 1, 1, 1], data: batch.scale) + Tensor(shape: [b, 1, 1, 1], data: batch.location)
            let target = Tensor(shape: [b, batch.forks, batch.horizon], data: batch.targets)
            let pinball = predictions.pinballLoss(target: target, mask: mask, levels: levels)
            guard absoluteTotal > 0 else { return pinball * observed }
            return pinball * (2 * observed / absoluteTotal / Float(levels.count))
        }
    }

    /// The last forecast time's K-step forecasts on the held-out period of every validation
    /// series, scored two ways: wQL (mean over the trained levels, in the data's units, by the
    /// evaluator's own `Metrics.weightedQuantileLoss`, as reported) and the training objective
    /// (the early-stopping criterion).
    func validate(_ network: QuantileNetwork, series: [SeriesInputs], ends: [Int], builder: WindowBuilder) throws -> (wql: Double, loss: Double) {
        let c = configuration, K = c.horizon, Q = c.levels.count
        // Chunks run in parallel; each returns its actuals and quantiles (missing steps as NaN,
        // which wQL skips) and its share of the objective, joined in chunk order.
        let chunk = max(1, min(256, (series.count + Self.threads - 1) / Self.threads))
        let chunks = (series.count + chunk - 1) / chunk
        let parts = try parallelMap(chunks, chunk: 1) { index -> (actuals: [Double], quantiles: [[Double]], standardised: Double, targets: Double) in
            let start = index * chunk, count = min(chunk, series.count - start)
            var batch = WindowBatch(size: count, layout: layout, context: c.context, forks: c.forks, horizon: K)
            for i in 0..<count { builder.fill(&batch, slot: i, series: series[start + i], end: ends[start + i]) }
            var unused = SeededGenerator(seed: 0)
            let output = Autograd.withoutGradients { network(batch, training: false, generator: &unused) }
            let q = output.scalars
            var actuals: [Double] = [], quantiles = [[Double]](repeating: [], count: Q)
            var standardised = 0.0, targets = 0.0
            for b in 0..<count {
                let f = c.forks - 1
                for k in 0..<K {
                    let slot = (b * c.forks + f) * K + k
                    let observed = batch.mask[slot] != 0
                    let y = observed ? Double(batch.targets[slot]) : .nan
                    actuals.append(y)
                    let weight = c.weighting == .series ? 1 / Double(batch.scale[b]) : 1
                    if observed { targets += c.weighting == .series ? 1 : abs(y) }
                    for (l, level) in c.levels.enumerated() {
                        let forecast = Double(q[slot * Q + l] * batch.scale[b] + batch.location[b])
                        quantiles[l].append(forecast)
                        if observed { standardised += weight * Metrics.pinball(y, forecast, level: level) }
                    }
                }
            }
            return (actuals, quantiles, standardised, targets)
        }
        let actuals = parts.map(\.actuals)
        let wql = c.levels.indices.map { l in
            Metrics.weightedQuantileLoss(actuals: actuals, quantiles: parts.map { $0.quantiles[l] }, level: c.levels[l])
        }
        let standardised = parts.reduce(0) { $0 + $1.standardised }, targets = parts.reduce(0) { $0 + $1.targets }
        return (wql.reduce(0, +) / Double(Q), targets > 0 ? standardised / targets / Double(Q) : standardised)
    }
}
