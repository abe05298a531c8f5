import Foundation
import HorizonCore
import HorizonData

/// What a saved model expects of the data it will forecast, written into every model file and
/// checked when the file is loaded against data.
///
/// Why: a model file travels — trained once on a driver, shipped to every Spark executor, kept
/// for next month. Loaded against data of another frequency, season or covariates it would
/// still produce numbers, silently wrong ones (a weekly model reading daily data, a forest whose
/// price column is missing and so always NaN). The manifest turns each of those into an error
/// that names what differs.
public struct ModelManifest: Codable, Equatable, Sendable {
    /// The Horizon that wrote the file.
    public var horizonVersion: String
    /// The catalog name of the model (`qrf`, `mqcnn`, …).
    public var kind: String
    /// The data's frequency code (`W`, `H`, `steps`, `900s`) and seasonal period.
    public var frequency: String
    public var season: Int
    /// The most steps ahead it forecasts, and the quantile levels it was trained at.
    public var horizon: Int
    public var levels: [Double]
    /// The covariate schema it learned from: numeric and categorical covariates over time,
    /// and static attributes.
    public var numeric: [String]
    public var categorical: [String]
    public var statics: [String]

    /// The metadata key it is stored under.
    public static let key = "manifest"

    /// What a file without a manifest can still be checked by: what the model reads. The
    /// frequency of a model that does not keep it is taken from the data (not checked).
    public init(implying model: any SavableModel, for panel: Panel) {
        let inputs = model.inputs
        horizonVersion = HorizonVersion.current
        kind = model.kind
        frequency = inputs.frequency ?? panel.frequency.code
        season = inputs.season
        horizon = model.trainedHorizon
        levels = []
        numeric = inputs.numeric
        categorical = inputs.categorical
        statics = inputs.statics
    }

    public init(kind: String, trainedOn panel: Panel, horizon: Int, levels: [Double]) {
        horizonVersion = HorizonVersion.current
        self.kind = kind
        frequency = panel.frequency.code
        season = panel.season
        self.horizon = horizon
        self.levels = levels
        numeric = panel.dynamicNames
        categorical = panel.categoricalNames
        statics = panel.staticNames
    }

    public var encoded: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The manifest in a file's metadata; nil when the file predates manifests. Throws when
    /// the text is not a manifest or says something no Horizon would write.
    public static func read(_ metadata: [String: String], file: String) throws -> ModelManifest? {
        guard let text = metadata[key] else { return nil }
        let manifest: ModelManifest
        do { manifest = try JSONDecoder().decode(ModelManifest.self, from: Data(text.utf8)) } catch {
            throw HorizonError("'\(Visible.name(file))' has a manifest that cannot be read (\(Self.explain(error)))")
        }
        guard HorizonVersion.isVersion(manifest.horizonVersion) else {
            throw HorizonError("'\(Visible.name(file))' has a manifest whose Horizon version '\(Visible.name(manifest.horizonVersion))' is not a version number")
        }
        if HorizonVersion.isNewer(manifest.horizonVersion) {
            throw HorizonError("'\(Visible.name(file))' was saved by Horizon \(Visible.name(manifest.horizonVersion)), newer than this one (\(HorizonVersion.current))")
        }
        guard (1...NeuralConfiguration.maxSteps).contains(manifest.horizon), (1...NeuralConfiguration.maxSteps).contains(manifest.season),
              manifest.levels.allSatisfy({ $0 > 0 && $0 < 1 }) else {
            throw HorizonError("'\(Visible.name(file))' has a manifest with a horizon, season or levels out of range")
        }
        return manifest
    }

    /// Throws unless the manifest describes `model`, the model in the same file: its kind,
    /// horizon, frequency and season, and every input it reads listed. The manifest is what
    /// data is checked against, so one edited to agree with other data must not load.
    public func check(describes model: any SavableModel, file: String) throws {
        let inputs = model.inputs
        var problems: [String] = []
        if kind != model.kind { problems.append("it says '\(Visible.name(kind))', the file holds '\(model.kind)'") }
        if horizon != model.trainedHorizon { problems.append("it says horizon \(horizon), the model forecasts \(model.trainedHorizon)") }
        if let f = inputs.frequency, f != frequency { problems.append("it says \(Visible.name(frequency)) data, the model was built for \(Visible.name(f))") }
        if inputs.season != season { problems.append("it says season \(season), the model reads \(inputs.season)") }
        for (what, read, listed) in [("numeric covariate", inputs.numeric, numeric), ("categorical covariate", inputs.categorical, categorical),
                                      ("attribute", inputs.statics, statics)] {
            let unlisted = read.filter { !listed.contains($0) }
            if !unlisted.isEmpty { problems.append("the model reads the \(what)\(unlisted.count == 1 ? "" : "s") \(unlisted.map { "'\(Visible.name($0))'" }.joined(separator: ", ")) it does not list") }
        }
        guard problems.isEmpty else {
            throw HorizonError("'\(Visible.name(file))' is damaged: its manifest does not describe its model: " + problems.joined(separator: "; "))
        }
    }

    /// A decoding error in words: which field, and what was wrong with it.
    static func explain(_ error: Error) -> String {
        switch error as? DecodingError {
        case .typeMismatch(let type, let context)?: return "field '\(Self.path(context))' is not \(type == Int.self ? "a whole number" : "a \(type)")"
        case .valueNotFound(_, let context)?: return "field '\(Self.path(context))' is empty"
        case .keyNotFound(let key, _)?: return "field '\(key.stringValue)' is missing"
        case .dataCorrupted(let context)?: return context.codingPath.isEmpty ? "not JSON, or a field holds a value of the wrong kind, such as a fraction for a count" : "field '\(Self.path(context))' is not a valid value"
        default: return "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// Throws, naming every difference, unless `panel` is data this model can forecast
    /// `horizon` steps ahead (nil: not checked, the horizon is not yet known): the same
    /// frequency and season, and every covariate and attribute it learned from present (extra
    /// ones are ignored).
    public func check(_ panel: Panel, horizon: Int?, file: String) throws {
        var problems: [String] = []
        if panel.frequency.code != frequency { problems.append("it was trained on \(Visible.name(frequency)) data, this is \(panel.frequency.code)") }
        if panel.season != season { problems.append("it was trained with season \(season), this data has \(panel.season)") }
        if let horizon, horizon > self.horizon { problems.append("it forecasts at most \(self.horizon) steps ahead, not \(horizon)") }
        for (what, wanted, present) in [("numeric covariate", numeric, panel.dynamicNames), ("categorical covariate", categorical, panel.categoricalNames),
                                        ("attribute", statics, panel.staticNames)] {
            let missing = wanted.filter { !present.contains($0) }
            if !missing.isEmpty { problems.append("the data lacks its \(what)\(missing.count == 1 ? "" : "s") \(missing.map { "'\(Visible.name($0))'" }.joined(separator: ", "))") }
        }
        guard problems.isEmpty else {
            throw HorizonError("the model in '\(Visible.name(file))' (\(Visible.name(kind))) does not fit this data: " + problems.joined(separator: "; "))
        }
    }
}
