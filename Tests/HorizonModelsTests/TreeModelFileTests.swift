import Foundation
import HorizonCore
import HorizonData
import HorizonForecast
@testable import HorizonTensor
import Testing
@testable import HorizonModels

/// Forests saved and loaded forecast bit for bit what they did before, and a damaged or
/// hostile forest file is refused with the field that is wrong, never followed into a crash or
/// an endless walk.
@Suite struct TreeModelFileTests {
    static let panel = SimulatedDemand.panel(items: 12, weeks: 80)

    static func fitted(_ kind: String) throws -> any SavableModel {
        let predictor = try ModelCatalog.spec(named: kind)!.make(ModelOptions(["trees": "8", "rows": "3000"]))
            .fit(panel, settings: FitSettings(horizon: 4, levels: [0.1, 0.5, 0.9], seed: 7))
        return try #require(predictor as? any SavableModel)
    }

    static func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("horizon-forest-\(UUID().uuidString).hzm").path
    }

    @Test(arguments: ["forest", "qrf"]) func aLoadedForestForecastsExactlyAsTheFittedOne(kind: String) throws {
        let model = try Self.fitted(kind)
        let path = Self.path()
        try model.save(to: path, extra: ["note": "kept"])
        let (loaded, metadata, _) = try ModelFiles.load(from: path)
        #expect(loaded.kind == kind && loaded.trainedHorizon == 4 && metadata["note"] == "kept")
        let levels = [0.05, 0.1, 0.5, 0.9]
        let before = try model.predict(Self.panel, horizon: 4, levels: levels)
        let after = try loaded.predict(Self.panel, horizon: 4, levels: levels)
        #expect(before.items.map(\.point) == after.items.map(\.point))
        #expect(before.items.map(\.quantiles) == after.items.map(\.quantiles))
    }

    /// Rewrites one array of a saved qrf and expects the load to name `field`.
    func refused(_ field: String, mentioning text: String, _ change: (inout [String: StoredArray]) -> Void) throws {
        let model = try Self.fitted("qrf")
        let path = Self.path()
        try model.save(to: path, extra: [:])
        var contents = try ParameterFile.read(path)
        change(&contents.arrays)
        try ParameterFile.save([], arrays: contents.arrays.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, metadata: contents.metadata, to: path)
        let error = #expect(throws: HorizonError.self) { _ = try ModelFiles.load(from: path) }
        #expect(error?.message.contains(text) == true, "\(error?.message ?? "no error") should mention \(text) (\(field))")
    }

    @Test func aNodeWhoseChildPointsBackIsRefused() throws {
        // A cycle would walk forever: children must come after their parent.
        try refused("node.left", mentioning: "has children outside") { arrays in
            guard case .int32(var left)? = arrays["node.left"], case .int32(let feature)? = arrays["node.feature"],
                  let inner = feature.firstIndex(where: { $0 >= 0 }) else { return }
            left[inner] = 0
            arrays["node.left"] = .int32(left)
        }
    }

    @Test func aLeafRowOutsideTheTrainingRowsIsRefused() throws {
        try refused("leaf.rows", mentioning: "names a row outside") { arrays in
            guard case .int32(var rows)? = arrays["leaf.rows"] else { return }
            rows[0] = Int32.max
            arrays["leaf.rows"] = .int32(rows)
        }
    }

    @Test func aSplitOnAFeatureThatDoesNotExistIsRefused() throws {
        try refused("node.feature", mentioning: "splits on feature") { arrays in
            guard case .int32(var feature)? = arrays["node.feature"], let inner = feature.firstIndex(where: { $0 >= 0 }) else { return }
            feature[inner] = 9999
            arrays["node.feature"] = .int32(feature)
        }
    }

    @Test func arraysOfTheWrongLengthOrTypeAreRefused() throws {
        try refused("node.value", mentioning: "'node.value' is missing, not double-precision numbers") { arrays in
            guard case .float64(let values)? = arrays["node.value"] else { return }
            arrays["node.value"] = .float64(Array(values.dropLast()))
        }
        try refused("leaf.runValues", mentioning: "'leaf.runValues' is missing") { arrays in
            guard case .float64(let values)? = arrays["leaf.runValues"] else { return }
            arrays["leaf.runValues"] = .float32(values.map { Float($0) })
        }
    }

    @Test func runsThatDoNotCountTheirLeafRowsAreRefused() throws {
        try refused("leaf.runRowCounts", mentioning: "runs that do not match its rows") { arrays in
            guard case .int32(var counts)? = arrays["leaf.runRowCounts"] else { return }
            counts[0] += 1
            arrays["leaf.runRowCounts"] = .int32(counts)
        }
    }

    @Test func aBuilderWhoseColumnsItsFieldsDoNotImplyIsRefused() throws {
        let model = try Self.fitted("forest")
        let path = Self.path()
        try model.save(to: path, extra: [:])
        var contents = try ParameterFile.read(path)
        contents.metadata["builder"] = contents.metadata["builder"]!.replacingOccurrences(of: "\"lags\":8", with: "\"lags\":9")
        try ParameterFile.save([], arrays: contents.arrays.map { ($0.key, $0.value) }, metadata: contents.metadata, to: path)
        let error = #expect(throws: HorizonError.self) { _ = try ModelFiles.load(from: path) }
        #expect(error?.message.contains("columns its fields do not imply") == true, "\(error?.message ?? "")")
    }

    /// Random damage anywhere in a forest file, re-checksummed as an attacker would: every
    /// mutant either loads into a forest that forecasts finite numbers, or is refused with an
    /// error — never a crash, a hang or an allocation sized by garbage.
    @Test func randomlyDamagedForestFilesAreRefusedOrHarmless() throws {
        let model = try Self.fitted("qrf")
        let path = Self.path()
        try model.save(to: path, extra: [:])
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var rng = SeededGenerator(seed: 99)
        var refused = 0
        for _ in 0..<150 {
            var bytes = Array(original.dropLast(4))
            for _ in 0..<(1 + rng.int(below: 4)) {
                let at = rng.int(below: bytes.count)
                bytes[at] = rng.uniform() < 0.5 ? UInt8(rng.int(below: 256)) : bytes[at] ^ UInt8(1 << rng.int(below: 8))
            }
            let sum = ParameterFile.checksum(bytes[...])
            bytes += [UInt8(sum & 0xFF), UInt8(sum >> 8 & 0xFF), UInt8(sum >> 16 & 0xFF), UInt8(sum >> 24)]
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let (loaded, _, _) = try ModelFiles.load(from: path)
                let forecast = try loaded.predict(Self.panel, horizon: 4, levels: [0.1, 0.5, 0.9])
                #expect(forecast.items.allSatisfy { $0.quantiles.joined().allSatisfy(\.isFinite) })
            } catch is HorizonError {
                refused += 1
            } catch is ParameterFileError {
                refused += 1
            }
        }
        #expect(refused > 0)
    }

    /// The manifest names every difference between the data a model learned from and the data
    /// it is asked to forecast.
    @Test func theManifestNamesWhatDiffers() throws {
        let manifest = ModelManifest(kind: "qrf", trainedOn: Self.panel, horizon: 4, levels: [0.1, 0.5, 0.9])
        try manifest.check(Self.panel, horizon: 4, file: "m.hzm")
        var other = Self.panel
        other.season = 4
        other = Panel(series: other.series.map { var s = $0; s.dynamic["price"] = nil; return s }, frequency: .daily, season: 4,
                      hasTimestamps: true, targetName: "y", dynamicNames: other.dynamicNames.filter { $0 != "price" },
                      categoricalNames: other.categoricalNames, staticNames: other.staticNames, vocabularies: other.vocabularies)
        let error = #expect(throws: HorizonError.self) { try manifest.check(other, horizon: 6, file: "m.hzm") }
        let message = error?.message ?? ""
        #expect(message.contains("trained on W data, this is D"))
        #expect(message.contains("season 52, this data has 4"))
        #expect(message.contains("at most 4 steps ahead, not 6"))
        #expect(message.contains("lacks its numeric covariate 'price'"))
        let read = try ModelManifest.read([ModelManifest.key: manifest.encoded], file: "m.hzm")
        #expect(read == manifest)
        var newer = manifest
        newer.horizonVersion = "99.0.0"
        #expect(throws: HorizonError.self) { _ = try ModelManifest.read([ModelManifest.key: newer.encoded], file: "m.hzm") }
    }
}
