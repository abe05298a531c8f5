import Foundation
import HorizonCore
import HorizonData
import HorizonTensor
import Testing
@testable import HorizonModels
import HorizonForecast

/// A model file from someone else is checked field by field before anything is allocated:
/// its checksum only proves it was not damaged by accident (anyone can recompute it).
@Suite(.serialized) struct HostileModelFileTests {
    /// A small trained model saved to disk, and its parts for crafting variants.
    static let saved: (path: String, metadata: [String: String], tensors: [(name: String, tensor: Tensor)]) = {
        let panel = pricedPanel(series: 4, length: 60)
        let estimator = NeuralEstimator(.mqcnn, options: ModelOptions(["hidden": "8", "epochs": "1", "batches": "2", "batch": "8", "context": "12"]))
        let predictor = try! estimator.fit(panel, settings: FitSettings(horizon: 3, levels: [0.1, 0.5, 0.9], seed: 1)) as! NeuralPredictor
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-model-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/good.hzm"
        try! predictor.save(to: path)
        let (metadata, tensors, order) = try! ParameterFile.load(path)
        return (path, metadata, order.map { ($0, tensors[$0]!) })
    }()

    /// Writes a copy with its configuration (or layout) JSON edited and a valid checksum.
    static func crafted(_ name: String, configuration: [String: Any] = [:], layout: [String: Any] = [:], training: [String: Any] = [:],
                        metadata extra: [String: String] = [:],
                        tensors: (([(name: String, tensor: Tensor)]) -> [(name: String, tensor: Tensor)])? = nil) throws -> String {
        var metadata = saved.metadata.merging(extra) { $1 }
        for (key, changes) in [("configuration", configuration), ("layout", layout), ("training", training)] where !changes.isEmpty {
            var object = try JSONSerialization.jsonObject(with: Data(metadata[key]!.utf8)) as! [String: Any]
            for (field, value) in changes { object[field] = value }
            metadata[key] = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        let path = (saved.path as NSString).deletingLastPathComponent + "/\(name).hzm"
        try ParameterFile.encode(tensors?(saved.tensors) ?? saved.tensors, metadata: metadata).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func theUnalteredFileLoads() throws {
        _ = try NeuralPredictor.load(from: Self.saved.path)
        _ = try NeuralPredictor.load(from: try Self.crafted("same"))
    }

    /// Each field that sizes an allocation, set to what aborted or hung the REPL before
    /// ("failed to allocate", 5–8 GB spins), is refused by name.
    @Test(arguments: [
        ("hidden", 2_500_000_000, "field 'hidden' is 2500000000, outside 1…1024"),
        ("horizon", -3, "field 'horizon' is -3, outside 1…10000"),
        ("layers", -1, "field 'layers' is -1, outside 1…8"),
        ("hidden", -64, "field 'hidden' is -64, outside 1…1024"),
        ("context", 1_000_000_000, "field 'context' is 1000000000, outside 1…10000"),
        ("forks", 500, "field 'forks' is 500, outside 1…12"),
        ("batch", 0, "field 'batch' is 0, outside 1…4096"),
        ("feedback", 100_000, "field 'feedback' is 100000, outside 1…64"),
    ] as [(String, Int, String)])
    func outOfRangeConfigurationFieldsAreNamed(_ field: String, _ value: Int, _ message: String) throws {
        let path = try Self.crafted("bad-\(field)", configuration: [field: value])
        let error = #expect(throws: HorizonError.self) { _ = try NeuralPredictor.load(from: path) }
        #expect(error?.message == "'\(path)' is not a usable model file: \(message)")
    }

    @Test func badLevelsAndRatesAreNamed() throws {
        for (changes, fragment) in [(["levels": [0.9, 0.1]], "field 'levels'"), (["levels": [Double]()], "field 'levels'"),
                                    (["dropout": 5.0], "field 'dropout'"), (["learningRate": -1.0], "field 'learningRate'"),
                                    (["gradientClip": 0.0], "field 'gradientClip'")] as [([String: Any], String)] {
            let path = try Self.crafted("bad-\(fragment.count)", configuration: changes)
            let error = #expect(throws: HorizonError.self) { _ = try NeuralPredictor.load(from: path) }
            #expect(error?.message.contains(fragment) == true, "\(changes): \(error?.message ?? "")")
        }
    }

    @Test func aHugeCalendarOrBrokenLayoutIsNamed() throws {
        for (changes, fragment) in [(["calendarCount": 1_000_000_000], "field 'layout.calendarCount'"),
                                    (["season": -5], "field 'layout.season'"), (["frequency": "\u{1B}[2J"], "'\\x1b[2J', not a frequency"),
                                    (["fallbackScale": -1.0], "field 'layout.fallbackScale'"),
                                    (["longSeason": 9_000_000_000], "field 'layout.longSeason'")] as [([String: Any], String)] {
            let path = try Self.crafted("layout-\(fragment.count)", layout: changes)
            let error = #expect(throws: HorizonError.self) { _ = try NeuralPredictor.load(from: path) }
            #expect(error?.message.contains(fragment) == true, "\(changes): \(error?.message ?? "")")
        }
    }

    /// Two inputs of one name would register one parameter twice (a crash in the parameter
    /// store); found in review.
    @Test func repeatedInputNamesAreRefused() throws {
        let layout = try JSONSerialization.jsonObject(with: Data(Self.saved.metadata["layout"]!.utf8)) as! [String: Any]
        let statics = layout["statics"] as! [Any]
        let path = try Self.crafted("twice", layout: ["statics": statics + statics])
        let error = #expect(throws: HorizonError.self) { _ = try NeuralPredictor.load(from: path) }
        #expect(error?.message == "'\(path)' is not a usable model file: field 'layout' lists the attribute 'category' twice")
    }

    /// All-NaN weights loaded silently and forecast zeros; now they are refused by tensor.
    @Test func nonFiniteWeightsAreRefused() throws {
        let path = try Self.crafted("nan") { tensors in
            tensors.enumerated().map { k, pair in
                k == 0 ? (pair.name, Tensor(shape: pair.tensor.shape, data: [Float](repeating: .nan, count: pair.tensor.count))) : pair
            }
        }
        let error = #expect(throws: HorizonError.self) { _ = try NeuralPredictor.load(from: path) }
        #expect(error?.message == "'\(path)' is not a usable model file: tensor '\(Self.saved.tensors[0].name)' holds NaN or infinite weights")
    }

    /// Tensors whose shapes do not fit the configuration are refused, not read past: one with
    /// as many weights as it should have, in another shape, and one with a single weight.
    @Test func mismatchedShapesAreRefused() throws {
        let flat = try Self.crafted("shape") { tensors in
            tensors.enumerated().map { k, pair in k == 0 ? (pair.name, Tensor(shape: [pair.tensor.count], data: pair.tensor.scalars)) : pair }
        }
        let error = #expect(throws: HorizonError.self) { _ = try NeuralPredictor.load(from: flat) }
        #expect(error?.message.contains("has shape [\(Self.saved.tensors[0].tensor.count)], the model expects") == true, "\(error?.message ?? "")")
        let short = try Self.crafted("short") { tensors in
            tensors.enumerated().map { k, pair in k == 0 ? (pair.name, Tensor(shape: [1], data: [0])) : pair }
        }
        let shortError = #expect(throws: HorizonError.self) { _ = try NeuralPredictor.load(from: short) }
        #expect(shortError?.message.contains("weights, but its description is of a network with") == true, "\(shortError?.message ?? "")")
    }

    /// A configuration inside every range that describes a network far bigger than the weights
    /// the file holds is refused before the network is built: a 20 KB file once made the
    /// process allocate 667 MB before its first tensor was compared.
    @Test func aDescriptionBiggerThanTheWeightsIsRefusedBeforeBuilding() throws {
        let path = try Self.crafted("big", configuration: ["hidden": 1024, "context": 10_000, "forks": 10_000, "horizon": 10_000])
        let error = #expect(throws: HorizonError.self) { _ = try NeuralPredictor.load(from: path) }
        let weights = Self.saved.tensors.reduce(0) { $0 + $1.tensor.count }
        #expect(error?.message.contains("it holds \(weights) weights, but its description is of a network with ") == true, "\(error?.message ?? "")")
    }

    /// The training record is shown by `report`: counts must be counts, the parameter count
    /// the network's, the kept epoch one of its epochs, and the words one line of text.
    @Test(arguments: [
        ("trainingWindows", -3 as Any, "field 'training' holds a negative count"),
        ("bestEpoch", 300_000 as Any, "field 'training.bestEpoch' is 300000, not one of its epochs"),
        ("stopReason", "ran all\r\nFAKE LINE" as Any, "field 'training.stopReason' holds a control character"),
    ] as [(String, Any, String)])
    func aForgedTrainingRecordIsRefused(_ field: String, _ value: Any, _ message: String) throws {
        let path = try Self.crafted("training-\(field)", training: [field: value])
        let error = #expect(throws: HorizonError.self) { _ = try NeuralPredictor.load(from: path) }
        #expect(error?.message == "'\(path)' is not a usable model file: \(message)")
    }

    @Test func aParameterCountThatIsNotTheNetworksIsRefused() throws {
        let path = try Self.crafted("training-count", training: ["parameterCount": -5])
        let error = #expect(throws: HorizonError.self) { _ = try NeuralPredictor.load(from: path) }
        let weights = Self.saved.tensors.reduce(0) { $0 + $1.tensor.count }
        #expect(error?.message == "'\(path)' is not a usable model file: field 'training.parameterCount' is -5, not the network's \(weights)")
    }

    /// A tensor named twice would let the last one win silently.
    @Test func aTensorNamedTwiceIsRefused() throws {
        let path = try Self.crafted("twice") { [$0[0]] + $0 }
        #expect(throws: ParameterFileError.corrupt("tensor '\(Self.saved.tensors[0].name)' appears twice")) { _ = try NeuralPredictor.load(from: path) }
    }

    /// The manifest is what data is checked against: one edited to agree with other data (no
    /// price, another kind) no longer describes the model in its file, and is refused.
    @Test func aManifestThatDoesNotDescribeItsModelIsRefused() throws {
        let model = try NeuralPredictor.load(from: Self.saved.path).predictor
        let panel = pricedPanel(series: 4, length: 60)
        #expect(model.inputs.numeric == panel.dynamicNames && !panel.dynamicNames.isEmpty)
        var manifest = ModelManifest(kind: "mqcnn", trainedOn: panel, horizon: 3, levels: [0.1, 0.5, 0.9])
        _ = try ModelFiles.load(from: try Self.crafted("honest", metadata: [ModelManifest.key: manifest.encoded]))
        manifest.numeric = []
        manifest.kind = "ets"
        let path = try Self.crafted("lying", metadata: [ModelManifest.key: manifest.encoded])
        let error = #expect(throws: HorizonError.self) { _ = try ModelFiles.load(from: path) }
        #expect(error?.message == "'\(path)' is damaged: its manifest does not describe its model: it says 'ets', the file holds 'mqcnn'; "
                + "the model reads the numeric covariate\(panel.dynamicNames.count == 1 ? "" : "s") "
                + panel.dynamicNames.map { "'\($0)'" }.joined(separator: ", ") + " it does not list")
        manifest = ModelManifest(kind: "mqcnn", trainedOn: panel, horizon: 3, levels: [0.1, 0.5, 0.9])
        manifest.horizonVersion = "banana"
        let odd = try Self.crafted("banana", metadata: [ModelManifest.key: manifest.encoded])
        let versionError = #expect(throws: HorizonError.self) { _ = try ModelFiles.load(from: odd) }
        #expect(versionError?.message == "'\(odd)' has a manifest whose Horizon version 'banana' is not a version number")
    }

    /// A file that is not a model file is refused from its first bytes, not read whole.
    @Test func aFileWithoutTheMagicIsRefused() throws {
        let path = (Self.saved.path as NSString).deletingLastPathComponent + "/text.hzm"
        try "item,time,value\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: HorizonError.self) { _ = try ModelFiles.load(from: path) }
        #expect(throws: ParameterFileError.corrupt("not a Horizon model file (bad magic)")) { _ = try ParameterFile.read(path) }
    }

    /// A description that cannot be decoded says which part of it.
    @Test func anUnreadableDescriptionNamesItsPart() throws {
        let path = try Self.crafted("fraction", layout: ["season": 52.5])
        let error = #expect(throws: HorizonError.self) { _ = try NeuralPredictor.load(from: path) }
        #expect(error?.message.hasPrefix("'\(path)': the model's layout cannot be read (") == true, "\(error?.message ?? "")")
    }
}
