import HorizonCore
import HorizonData

/// A model file comes from someone else: its checksum proves only that it was not damaged by
/// accident (anyone can recompute it). So every field that sizes an allocation is checked
/// before the network is built — against the same ranges `train` accepts — and the weights
/// must be finite. The error names the field and what was wrong with it.
extension NeuralConfiguration {
    /// The longest horizon, context and season any session takes (`Session.maxSteps`).
    public static let maxSteps = 10_000

    /// Throws `HorizonError("field 'NAME' …")` for the first field out of range.
    func check() throws {
        func range(_ key: String) -> ClosedRange<Int> {
            for option in Self.transformerOptions where option.key == key {
                if case .integer(let r) = option.kind { return r }
            }
            preconditionFailure("no integer option \(key)")
        }
        func number(_ key: String) -> ClosedRange<Double> {
            for option in Self.options where option.key == key {
                if case .number(let r) = option.kind { return r }
            }
            preconditionFailure("no number option \(key)")
        }
        func check(_ field: String, _ value: Int, _ allowed: ClosedRange<Int>) throws {
            guard allowed.contains(value) else { throw HorizonError("field '\(field)' is \(value), outside \(allowed.lowerBound)…\(allowed.upperBound)") }
        }
        func check(_ field: String, _ value: Float, _ allowed: ClosedRange<Double>) throws {
            guard value.isFinite, allowed.contains(Double(value)) else { throw HorizonError("field '\(field)' is \(value), outside \(allowed.lowerBound)…\(allowed.upperBound)") }
        }
        try check("horizon", horizon, 1...Self.maxSteps)
        // `set context` allows 1 (the option, 2): a model trained either way must load.
        try check("context", context, 1...Self.maxSteps)
        try check("forks", forks, 1...context)
        if architecture.forecastsOncePerWindow, forks != 1 { throw HorizonError("field 'forks' is \(forks); '\(architecture.rawValue)' makes one forecast per window") }
        try check("hidden", hidden, range("hidden"))
        try check("layers", layers, range("layers"))
        try check("epochs", epochs, range("epochs"))
        try check("batchesPerEpoch", batchesPerEpoch, range("batches"))
        try check("batch", batch, range("batch"))
        try check("patience", patience, range("patience"))
        try check("attentionWidth", attentionWidth, range("width"))
        try check("feedback", feedback, range("feedback"))
        try check("learningRate", learningRate, number("lr"))
        try check("dropout", dropout, number("dropout"))
        guard gradientClip.isFinite, gradientClip > 0 else { throw HorizonError("field 'gradientClip' is \(gradientClip), not a positive number") }
        guard (1...102).contains(levels.count) else { throw HorizonError("field 'levels' has \(levels.count) levels, not 1…102") }
        guard levels.allSatisfy({ $0 > 0 && $0 < 1 }), zip(levels, levels.dropFirst()).allSatisfy({ $0 < $1 }), levels.contains(0.5) else {
            throw HorizonError("field 'levels' must rise strictly within (0, 1) and include 0.5")
        }
        guard pastCovariates.count <= 1000, pastCovariates.allSatisfy({ !$0.isEmpty }) else {
            throw HorizonError("field 'pastCovariates' lists \(pastCovariates.count) names (or an empty one)")
        }
    }
}

extension FeatureLayout {
    /// Checks the layout against itself and the configuration it was saved with.
    func check(for configuration: NeuralConfiguration) throws {
        guard let frequency = Frequency(storedCode: frequency) else { throw HorizonError("field 'layout.frequency' is '\(Visible.name(self.frequency))', not a frequency") }
        guard (1...NeuralConfiguration.maxSteps).contains(season) else { throw HorizonError("field 'layout.season' is \(season), outside 1…\(NeuralConfiguration.maxSteps)") }
        guard longSeason == nil || longSeason == FeatureLayout.longSeason(frequency, season: season) else {
            throw HorizonError("field 'layout.longSeason' is \(longSeason!); \(frequency) data with season \(season) has "
                               + (FeatureLayout.longSeason(frequency, season: season).map { "\($0)" } ?? "none"))
        }
        let calendar = hasTimestamps ? CalendarFeatures.names(frequency, season: season).count : CalendarFeatures.names(.steps, season: season).count
        guard calendarCount == calendar else {
            throw HorizonError("field 'layout.calendarCount' is \(calendarCount); \(frequency) data with season \(season) has \(calendar) calendar features")
        }
        guard known.count + past.count <= 1000, events.count <= 100, statics.count <= 100 else {
            throw HorizonError("the layout lists \(known.count + past.count) covariates, \(events.count) events and \(statics.count) attributes, more than a model file may")
        }
        for c in known + past {
            guard !c.name.isEmpty, c.mean.isFinite, c.std.isFinite, c.std > 0 else {
                throw HorizonError("field 'layout' covariate '\(Visible.name(c.name))' has a mean \(c.mean) and std \(c.std) that are not finite and positive")
            }
        }
        // Names key the parameters (`event.NAME.table`) and the inputs: a repeated one would
        // register a parameter twice.
        for (what, names) in [("covariate", (known + past).map(\.name)), ("event", events.map(\.name)), ("attribute", statics.map(\.name))] {
            var seen = Set<String>()
            if let repeated = names.first(where: { !seen.insert($0).inserted }) {
                throw HorizonError("field 'layout' lists the \(what) '\(Visible.name(repeated))' twice")
            }
        }
        guard past.map(\.name) == configuration.pastCovariates else { throw HorizonError("field 'layout.past' does not match the configuration's past covariates") }
        for input in events + statics {
            guard !input.name.isEmpty, input.levels.count <= 1_000_000 else {
                throw HorizonError("field 'layout' input '\(Visible.name(input.name))' has \(input.levels.count) levels, more than 1,000,000")
            }
            guard input.dimension == min(16, max(2, (input.levels.count + 2) / 2)) else {
                throw HorizonError("field 'layout' input '\(Visible.name(input.name))' has dimension \(input.dimension) for \(input.levels.count) levels")
            }
        }
        guard fallbackScale.isFinite, fallbackScale > 0 else { throw HorizonError("field 'layout.fallbackScale' is \(fallbackScale), not a positive number") }
    }
}
