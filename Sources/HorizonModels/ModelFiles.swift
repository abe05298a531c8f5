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
    /// Writes the model with `extra` metadata (what the session needs to check a reload).
    func save(to path: String, extra: [String: String]) throws
}

/// Reading model files, whichever model wrote them.
public enum ModelFiles {
    /// The models whose predictors can be saved, for messages.
    public static var savableKinds: [String] { NeuralModels.specs.map(\.name) + TreeModels.specs.map(\.name) }

    /// Rebuilds the model a file holds and returns it with the file's metadata. The file is
    /// untrusted: every field is checked before anything is allocated from it.
    public static func load(from path: String) throws -> (model: any SavableModel, metadata: [String: String]) {
        let contents = try ParameterFile.read(path)
        if contents.metadata["format"] == TreePredictor.formatTag {
            return (try TreePredictor.load(contents, path: path), contents.metadata)
        }
        let (predictor, metadata) = try NeuralPredictor.load(contents, path: path)
        return (predictor, metadata)
    }
}
