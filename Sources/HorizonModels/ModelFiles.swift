import HorizonCore
import HorizonTensor
import HorizonForecast
/// Adopted by predictors whose learned state can be written to a model file and rebuilt
/// from it (`save model`, `load model`), so the session saves and loads any such model
/// without naming its type. Models refitted from the data in an instant do not adopt it.
public protocol SavableModel: Predictor {
    /// The catalog name of the model the file rebuilds (`mqcnn`, …).
    var kind: String { get }
    /// Its size as the save and load lines report it (`12345 parameters`).
    var sizeDescription: String { get }
    /// The horizon it was trained for: a file does not say otherwise.
    var trainedHorizon: Int { get }
    /// What it reads from data, from its own description (a network's layout, a forest's
    /// features): a file's manifest must agree with it, and a file without one is checked
    /// against data by it.
    var inputs: ModelInputs { get }
    /// Writes the model with `extra` metadata (what the session needs to check a reload).
    func save(to path: String, extra: [String: String]) throws
}

/// The data a saved model reads: its frequency (nil when the model does not keep it), season,
/// and the names of the covariates and attributes its inputs are built from.
public struct ModelInputs: Equatable, Sendable {
    public var frequency: String?
    public var season: Int
    public var numeric: [String]
    public var categorical: [String]
    public var statics: [String]
}

/// Reading model files, whichever model wrote them.
public enum ModelFiles {
    /// The models whose predictors can be saved, for messages.
    public static var savableKinds: [String] { NeuralModels.specs.map(\.name) + TreeModels.specs.map(\.name) }

    /// Rebuilds the model a file holds and returns it with the file's metadata and manifest
    /// (nil in a file older than manifests). The file is untrusted: every field is checked
    /// before anything is allocated from it, and the manifest must describe the model it
    /// travels with. Every error is a `HorizonError` naming the file.
    public static func load(from path: String) throws -> (model: any SavableModel, metadata: [String: String], manifest: ModelManifest?) {
        let contents: ParameterFile.Contents
        do { contents = try ParameterFile.read(path) } catch let error as ParameterFileError {
            throw HorizonError("cannot load '\(Visible.name(path))': \(error)")
        }
        let model: any SavableModel
        if contents.metadata["format"] == TreePredictor.formatTag {
            model = try TreePredictor.load(contents, path: path)
        } else {
            model = try NeuralPredictor.load(contents, path: path).predictor
        }
        let manifest = try ModelManifest.read(contents.metadata, file: path)
        try manifest?.check(describes: model, file: path)
        return (model, contents.metadata, manifest)
    }
}
