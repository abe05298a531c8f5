import Foundation
import HorizonCore
import HorizonData
import HorizonForecast
import HorizonModels

extension Interpreter {
    /// `save model NAME to PATH`: the weights, configuration and training curve, plus the
    /// fingerprint of the data and the holdout it was trained on, so a reload can tell whether
    /// evaluating it on the holdout is still honest.
    func saveModel(_ name: Located<String>, to path: Located<String>) throws {
        let data = try requireData(name.location)
        let i = try trainedModel(name)
        let model = session.models[i]
        guard let savable = model.predictor as? any SavableModel else { throw Self.cannotSave(model, at: name.location) }
        try checkWritable(path)
        let manifest = ModelManifest(kind: savable.kind, trainedOn: data.panel, horizon: savable.trainedHorizon, levels: session.levels)
        do {
            try savable.save(to: path.value, extra: ["session.name": model.name, "session.options": model.optionsText,
                                                    "data.fingerprint": data.panel.fingerprint, "data.series": String(model.seriesCount),
                                                    "data.holdout": model.holdoutCounts.map(String.init).joined(separator: ","),
                                                    ModelManifest.key: manifest.encoded])
        } catch {
            throw HorizonError("cannot write '\(path.value)': \(error)", at: path.location)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path.value)[.size] as? Int) ?? 0
        emit("saved \(model.name) (\(savable.kind), \(savable.sizeDescription)) to \(path.value), \(size / 1024) KiB")
    }

    /// Why `model` has no model file, in words: a local method has nothing learned; a global
    /// model with add-on steps, or a combination, holds trained forests or networks, but a file
    /// holds one of them as trained.
    static func cannotSave(_ model: TrainedModel, at location: SourceLocation) -> HorizonError {
        let kinds = ModelFiles.savableKinds.joined(separator: ", ")
        if model.predictor is any CombinesForecasts || ModelFiles.savableKinds.contains(model.spec.name) {
            return HorizonError("'\(model.name)' cannot be saved: a model file holds one forest or network as trained (\(kinds)), "
                                + "not a combination or a model with add-on steps; train and save the global model on its own", at: location)
        }
        return HorizonError("'\(model.name)' (\(model.spec.name)) has nothing learned to save: it is fitted again from each series' "
                            + "history in an instant; 'save model' writes the global models (\(kinds))", at: location)
    }

    /// `load model PATH [as NAME]`: rebuilds the model from the file and registers it as a
    /// trained model. It keeps the holdout it was trained on only when the loaded data is the
    /// data it was trained on; otherwise `evaluate` refuses it (it may have seen the holdout)
    /// and `forecast` still works.
    func loadModel(_ path: Located<String>, as alias: Located<String>?) throws {
        let loaded: (model: any SavableModel, metadata: [String: String], manifest: ModelManifest?)
        do { loaded = try ModelFiles.load(from: path.value) } catch let error as HorizonError {
            throw HorizonError(error.message, at: path.location)
        } catch {
            throw HorizonError("cannot load '\(Visible.name(path.value))': \(error)", at: path.location)
        }
        let (predictor, metadata) = (loaded.model, loaded.metadata)
        // Checked against the data when there is some (the horizon is checked when it
        // forecasts: `set horizon` may still change it); a file older than manifests by what
        // its model reads.
        do {
            if let panel = session.panel {
                try (loaded.manifest ?? ModelManifest(implying: predictor, for: panel)).check(panel, horizon: nil, file: path.value)
            }
        } catch let error as HorizonError {
            throw HorizonError(error.message, at: path.location)
        }
        let architecture = predictor.kind
        guard let spec = ModelCatalog.spec(named: architecture) else {
            throw HorizonError("'\(path.value)' holds a '\(architecture)' model this Horizon does not know", at: path.location)
        }
        let name = try alias?.value ?? Self.storedName(metadata, file: path) ?? architecture
        let optionsText = metadata["session.options"] ?? ""
        let sameData = session.data.map { $0.panel.fingerprint == metadata["data.fingerprint"] } ?? false
        let counts = sameData ? (metadata["data.holdout"] ?? "").split(separator: ",").compactMap { Int($0) } : []
        // Checked as `train` checks them: `backtest` fits this estimator again, and a value no
        // command would take (hidden=0, written into the file by hand) must not reach a fit.
        var options: [String: String] = [:]
        for pair in optionsText.split(separator: " ") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            let key = String(kv[0])
            guard let declaration = spec.options.first(where: { $0.key == key }) else { continue }
            do {
                options[key] = try declaration.check(String(kv[1]), owner: "option '\(Visible.name(key))' of '\(spec.name)'")
            } catch let error as HorizonError {
                throw HorizonError("'\(Visible.name(path.value))' is damaged: \(error.message)", at: path.location)
            }
        }
        let trained = TrainedModel(name: name, spec: spec, estimator: try spec.make(ModelOptions(options)), optionsText: optionsText,
                                   predictor: predictor, holdoutCounts: counts, seriesCount: Int(metadata["data.series"] ?? "") ?? 0,
                                   fitSeconds: 0)
        let replaced = session.models.contains { $0.name == name }
        session.models.removeAll { $0.name == name }
        session.models.append(trained)
        var line = "loaded \(name) (\(architecture), \(predictor.sizeDescription), horizon \(predictor.trainedHorizon)) from \(path.value)"
        if replaced { line += "; replaced the earlier \(name)" }
        // The same data need not mean the same holdout: `evaluate` compares the counts.
        let sameHoldout = sameData && (try? currentHoldout().counts) == counts
        line += sameHoldout ? "\n  trained on this data with the same holdout: evaluate compares it with the others"
            : sameData ? "\n  trained on this data with another holdout: 'forecast' and 'export' work; 'evaluate' needs the holdout it was trained with"
            : "\n  trained on other data: 'forecast' and 'export' work; 'evaluate' needs it trained here"
        emit(line)
    }

    /// The name a model file gives its model, refused when it holds a control character (a
    /// line break would forge a line of output): `load model PATH as NAME` names it instead.
    static func storedName(_ metadata: [String: String], file path: Located<String>) throws -> String? {
        guard let name = metadata["session.name"] else { return nil }
        guard !name.isEmpty, !Visible.hasControl(name) else {
            throw HorizonError("'\(Visible.name(path.value))' names its model '\(Visible.name(name))', which no command could: load it with 'as NAME'", at: path.location)
        }
        return name
    }
}
