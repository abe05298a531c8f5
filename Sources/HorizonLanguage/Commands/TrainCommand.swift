import HorizonCore
import HorizonModels

/// `train ets season=A +seasonality +elasticity +distribution conformal=yes as full`: options
/// before the first add-on are the model's, the others belong to the add-on before them.
public struct TrainCommand: CommandNode {
    public var model: Located<String>
    public var alias: Located<String>?
    public var options: [Option]
    public var addOns: [AddOnClause]

    public static let declaration = CommandDeclaration(
        name: "train", usage: "train MODEL [key=value ...] [+ADDON [key=value ...] ...] [as NAME]",
        summary: "fit a model on the training part of every series, optionally with add-on steps",
        details: ["Options before the first +ADDON are the model's; the others belong to the add-on before them.",
                  "Each add-on wraps what is to its left: train ets +seasonality +elasticity +distribution",
                  "(the default name joins the parts: ets+seasonality+elasticity+distribution).",
                  "models (help MODEL for its options):"]
            + ModelCatalog.all.map { "  \($0.name.padding(toLength: 13, withPad: " ", startingAt: 0)) \($0.summary)" }
            + ["add-ons (help +NAME for their options):"]
            + AddOnCatalog.all.map { "  \(("+" + $0.name).padding(toLength: 13, withPad: " ", startingAt: 0)) \($0.summary)" },
        examples: ["train ets", "train mqcnn epochs=20", "train naive +elasticity +distribution as priced"],
        ownOptions: false)

    public init(_ a: CommandArguments) throws {
        // In order: the model, then `as NAME`, `+ADDON` and options, each option belonging
        // to the add-on before it (or to the model before any add-on).
        var model: Located<String>?, alias: Located<String>?
        var modelOptions: [Option] = [], addOns: [AddOnClause] = []
        var k = 0
        let usage = Self.declaration.usage
        while k < a.all.count {
            switch a.all[k] {
            case .word(let w, let quoted):
                if model == nil {
                    model = w
                } else if !quoted, w.value == "as" {
                    guard k + 1 < a.all.count, case .word(let name, _) = a.all[k + 1], alias == nil else {
                        throw HorizonError("expected 'as NAME' after the model; usage: \(usage)", at: w.location)
                    }
                    alias = name
                    k += 1
                } else if !quoted, w.value.hasPrefix("+") {
                    guard w.value.count > 1 else { throw HorizonError("'+' needs an add-on name, as in +seasonality", at: w.location) }
                    let at = SourceLocation(source: w.location.source, line: w.location.line, column: w.location.column + 1)
                    addOns.append(AddOnClause(name: Located(String(w.value.dropFirst()), at: at), options: []))
                } else {
                    throw HorizonError("unexpected '\(w.value)'; usage: \(usage)", at: w.location)
                }
            case .option(let o):
                if addOns.isEmpty { modelOptions.append(o) } else { addOns[addOns.count - 1].options.append(o) }
            }
            k += 1
        }
        guard let model else { throw HorizonError("'train' is missing an argument; usage: \(usage)", at: a.name.location) }
        for group in [modelOptions] + addOns.map(\.options) { try a.expectOptionsOnce(group) }
        var seenAddOns = Set<String>()
        for addOn in addOns where !seenAddOns.insert(addOn.name.value.lowercased()).inserted {
            throw HorizonError("add-on '+\(addOn.name.value)' is given twice", at: addOn.name.location)
        }
        self.model = model
        self.alias = alias
        self.options = modelOptions
        self.addOns = addOns
    }

    /// A network trains for as long as its epochs say, whatever the data.
    public var effects: CommandEffects {
        NeuralModels.specs.contains { $0.name == model.value.lowercased() } ? .unbounded : .none
    }

    /// The model and add-ons exist and every option is theirs with a value they take.
    public func check(_ script: inout ScriptCheck) throws {
        let resolved = try resolve()
        script.models.insert(alias?.value ?? resolved.name)
    }

    /// The spec, the add-ons and their checked option values, and the default name.
    func resolve() throws -> (spec: ModelSpec, values: ModelOptions, addOns: [(AddOnSpec, ModelOptions)], name: String) {
        guard let spec = ModelCatalog.spec(named: model.value) else {
            throw HorizonError("unknown model '\(model.value)'", at: model.location,
                               suggestion: Suggestions.didYouMean(model.value, in: ModelCatalog.names))
        }
        func values(_ options: [Option], validate: (String, String) throws -> String, knows: (String) -> Bool) throws -> ModelOptions {
            var values: [String: String] = [:]
            for o in options {
                do { values[o.key.value] = try validate(o.key.value, o.value.value) } catch let e as HorizonError {
                    // An unknown key is the key's fault; a bad value, the value's.
                    throw e.located(at: knows(o.key.value) ? o.value.location : o.key.location)
                }
            }
            return ModelOptions(values)
        }
        let modelValues = try values(options, validate: spec.validate, knows: { k in spec.options.contains { $0.key == k } })
        var name = spec.name
        var resolvedAddOns: [(AddOnSpec, ModelOptions)] = []
        for clause in addOns {
            guard let addOn = AddOnCatalog.spec(named: clause.name.value) else {
                throw HorizonError("unknown add-on '+\(clause.name.value)'", at: clause.name.location,
                                   suggestion: Suggestions.closest(to: clause.name.value, in: AddOnCatalog.names).map { "did you mean '+\($0)'?" })
            }
            resolvedAddOns.append((addOn, try values(clause.options, validate: addOn.validate, knows: { k in addOn.options.contains { $0.key == k } })))
            name += "+" + addOn.name
        }
        return (spec, modelValues, resolvedAddOns, name)
    }

    public func run(in interpreter: Interpreter) throws { try interpreter.train(self) }

    public static func complete(_ r: CompletionRequest) -> Completion {
        guard let model = r.words.first else { return Completion(words: ModelCatalog.names, optionKeys: []) }
        if r.words.last == "as" { return Completion(optionKeys: []) }
        // Options belong to the last add-on written, or to the model before any.
        let written = r.words.dropFirst().filter { $0.hasPrefix("+") }.map { String($0.dropFirst()) }
        let keys = written.last.map { AddOnCatalog.spec(named: $0)?.options.map(\.key) ?? [] }
            ?? ModelCatalog.spec(named: model)?.options.map(\.key) ?? []
        return Completion(words: ["as"] + AddOnCatalog.names.filter { !written.contains($0) }.map { "+" + $0 }, optionKeys: keys)
    }
}
