import Foundation
import HorizonCore
import HorizonData
import HorizonTensor

/// Trains a quantile network on windows cut from a panel.
///
/// - Training windows: each batch draws series uniformly and, for each, the window's last
///   forecast creation time uniformly among the positions with a target after them, so the
///   whole history is used (not only the last window, GluonTS's MQ-CNN default).
/// - Validation: the last K points of every series long enough are held out of the training
///   targets; after each epoch the network forecasts them from the point before (one window
///   per series, its last forecast time) and the wQL is the early-stopping criterion.
/// - Adam with global-norm clipping; the learning rate halves when validation has not improved
///   for half the patience; training stops after `patience` epochs without improvement, and
///   the best epoch's weights are kept.
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

    func train(_ network: QuantileNetwork, panel: Panel, generator: inout SeededGenerator) throws -> TrainingRun {
        let c = configuration, K = c.horizon
        let builder = WindowBuilder(layout: layout, context: c.context, forks: c.forks, horizon: K)
        let codeMaps = layout.events.map { $0.codeMap(from: panel.vocabularies[$0.name] ?? []) }
        // Hold out the last K points of series long enough to keep something to train on.
        var trainingSeries: [SeriesInputs] = [], validationSeries: [SeriesInputs] = []
        var ranges: [ClosedRange<Int>] = []
        for s in panel.series {
            let n = s.count
            guard let firstObserved = s.values.firstIndex(where: { !$0.isNaN }) else { continue }
            let limit = n - K >= firstObserved + 2 ? n - K : n
            let inputs = SeriesInputs(series: s, panel: panel, layout: layout, horizon: K, padding: c.context, targetLimit: limit,
                                      codeMaps: codeMaps)
            if limit - 2 >= firstObserved {
                trainingSeries.append(inputs)
                ranges.append(firstObserved...(limit - 2))
            }
            if limit < n {
                validationSeries.append(SeriesInputs(series: s, panel: panel, layout: layout, horizon: K, padding: c.context,
                                                     targetLimit: n, codeMaps: codeMaps))
            }
        }
        guard !trainingSeries.isEmpty else {
            throw HorizonError("no series has enough history to train on: each needs at least 2 observed points before its last")
        }
        let validationEnds = validationSeries.map { $0.count - K - 1 }

        var curve = TrainingRun()
        curve.parameterCount = network.parameters.scalarCount
        curve.trainingWindows = ranges.reduce(0) { $0 + $1.count }
        curve.validationSeries = validationSeries.count
        let parameters = network.parameters.parameters
        var optimizer = Adam(parameters, learningRate: c.learningRate)
        var best = Double.infinity, bestSnapshot = network.parameters.snapshot(), sinceBest = 0
        var interrupted = false, diverged: (epoch: Int, loss: Float)?
        let progress = ProgressBar(label, total: c.epochs * c.batchesPerEpoch)
        defer { progress.finish() }

        epochs: for epoch in 1...c.epochs {
            let started = Date()
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
                        let s = generator.int(below: trainingSeries.count)
                        let end = ranges[s].lowerBound + generator.int(below: ranges[s].count)
                        builder.fill(&shard, slot: slot, series: trainingSeries[s], end: end)
                    }
                    shards.append(shard)
                }
                let seeds = shards.map { _ in generator.next() }
                let absolute = shards.reduce(Float(0)) { $0 + Self.weightedAbsolute($1, c.weighting) }
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
                    curve.stopReason = "diverged in epoch \(epoch): the loss became \(lossValue) (try a lower lr=)"
                    diverged = (epoch, lossValue)
                    network.parameters.zeroGradients()
                    break epochs
                }
                clipGradientNorm(parameters, maxNorm: c.gradientClip)
                optimizer.step()
                network.parameters.zeroGradients()
                lossSum += Double(lossValue)
                lossCount += 1
                progress.advance()
            }
            let validation: Double?
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
            curve.epochs.append(TrainingEpoch(epoch: epoch, trainingLoss: training, validationWQL: validation,
                                              learningRate: Double(optimizer.learningRate), seconds: Date().timeIntervalSince(started)))
            let criterion = validation ?? training
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
                if sinceBest % max(1, c.patience / 2) == 0 { optimizer.learningRate *= 0.5 }
            }
            progress.detail = "epoch \(epoch) loss \(NumberFormat.fixed(training, 4))"
                + (validation.map { " val wQL \(NumberFormat.fixed($0, 4))" } ?? "")
        }
        if curve.stopReason.isEmpty { curve.stopReason = "ran all \(c.epochs) epochs" }
        guard curve.bestEpoch > 0 else {
            if interrupted { throw Interrupted() }
            let what = diverged.map { "diverged in epoch \($0.epoch) (the loss became \($0.loss)) before any epoch gave weights worth keeping" }
                ?? "reached no finite score in any epoch"
            throw HorizonError("\(label) \(what), so no model was added (look for extreme values in the data, or try a lower lr=)")
        }
        network.parameters.restore(bestSnapshot)
        Tensor.releaseCachedBuffers()
        return curve
    }

    /// Shards per batch: fixed (not the machine's core count), so a run gives the same model
    /// on any machine; `threads` only decides how many run at once.
    static let shardCount = 2
    static let threads = min(shardCount, ProcessInfo.processInfo.activeProcessorCount)

    static func shardSizes(_ batch: Int) -> [Int] {
        let n = min(shardCount, batch)
        return (0..<n).map { batch / n + ($0 < batch % n ? 1 : 0) }
    }

    /// A window's weight in the loss (see `NeuralConfiguration.Weighting`).
    static func weight(_ batch: WindowBatch, slot b: Int, _ weighting: NeuralConfiguration.Weighting) -> Float {
        weighting == .series ? 1 / batch.scale[b] : 1
    }

    /// Σ weight·|y| over a batch's observed targets: the denominator of its weighted wQL.
    static func weightedAbsolute(_ batch: WindowBatch, _ weighting: NeuralConfiguration.Weighting) -> Float {
        let perWindow = batch.forks * batch.horizon
        var total: Float = 0
        for i in 0..<batch.targets.count where batch.mask[i] != 0 {
            total += abs(batch.targets[i]) * weight(batch, slot: i / perWindow, weighting)
        }
        return total
    }

    /// A shard's pinball loss with the network's outputs multiplied back into the data's
    /// units, each window weighted, and normalised as its part of the batch's weighted wQL
    /// (2·Σ w·ρ / Σ w·|y| over the whole batch, mean over levels): the shards' losses add up
    /// to the batch's, and the number reads like the evaluation table's.
    static func loss(_ scaledQuantiles: Tensor, batch: WindowBatch, levels: [Double], weighting: NeuralConfiguration.Weighting,
                     absoluteTotal: Float) -> Tensor {
        let b = batch.size, perWindow = batch.forks * batch.horizon
        let scale = Tensor(shape: [b, 1, 1, 1], data: batch.scale)
        let predictions = scaledQuantiles * scale
        let target = Tensor(shape: [b, batch.forks, batch.horizon], data: batch.targets)
        var weights = batch.mask
        for i in weights.indices where weights[i] != 0 { weights[i] *= weight(batch, slot: i / perWindow, weighting) }
        let mask = Tensor(shape: [b, batch.forks, batch.horizon], data: weights)
        let pinball = predictions.pinballLoss(target: target, mask: mask, levels: levels.map { Float($0) })
        let observed = weights.reduce(0, +)
        guard absoluteTotal > 0 else { return pinball * observed }
        return pinball * (2 * observed / absoluteTotal / Float(levels.count))
    }

    /// wQL (mean over the trained levels) of the last forecast time's K-step forecasts on
    /// the held-out period of every validation series.
    func validate(_ network: QuantileNetwork, series: [SeriesInputs], ends: [Int], builder: WindowBuilder) throws -> Double {
        let c = configuration, K = c.horizon, Q = c.levels.count
        // Chunks run in parallel; each returns its own sums, added in chunk order.
        let chunk = max(1, min(256, (series.count + Self.threads - 1) / Self.threads))
        let chunks = (series.count + chunk - 1) / chunk
        let sums = try parallelMap(chunks, chunk: 1) { index -> (Double, Double) in
            let start = index * chunk, count = min(chunk, series.count - start)
            var batch = WindowBatch(size: count, layout: layout, context: c.context, forks: c.forks, horizon: K)
            for i in 0..<count { builder.fill(&batch, slot: i, series: series[start + i], end: ends[start + i]) }
            var unused = SeededGenerator(seed: 0)
            let output = Autograd.withoutGradients { network(batch, training: false, generator: &unused) }
            let q = output.scalars
            var pinball = 0.0, absolute = 0.0
            for b in 0..<count {
                let f = c.forks - 1
                for k in 0..<K {
                    let slot = (b * c.forks + f) * K + k
                    guard batch.mask[slot] != 0 else { continue }
                    let y = Double(batch.targets[slot])
                    absolute += abs(y)
                    for (l, level) in c.levels.enumerated() {
                        let e = y - Double(q[slot * Q + l] * batch.scale[b])
                        pinball += e >= 0 ? level * e : (level - 1) * e
                    }
                }
            }
            return (pinball, absolute)
        }
        let pinball = sums.reduce(0) { $0 + $1.0 }, absolute = sums.reduce(0) { $0 + $1.1 }
        return absolute > 0 ? 2 * pinball / absolute / Double(Q) : pinball
    }
}
