import HorizonCore
import HorizonData
import HorizonForecast

/// Validated `key=value` options for one model.
public struct ModelOptions: Sendable {
    public var values: [String: String]
    public init(_ values: [String: String] = [:]) { self.values = values }

    public func integer(_ key: String) -> Int? { values[key].flatMap { Int($0) } }
    public func number(_ key: String) -> Double? { values[key].flatMap { Double($0) } }
    public func word(_ key: String) -> String? { values[key] }
    public func names(_ key: String) -> [String] { values[key].map { $0.split(separator: ",").map(String.init) } ?? [] }
}

/// A `train` target: its name, where it sits in the lineage, its options and its factory.
public struct ModelSpec: Sendable {
    public var name: String
    /// One line for `models`/`help`.
    public var summary: String
    public var options: [OptionDeclaration]
    public var make: @Sendable (ModelOptions) throws -> any Estimator
    /// What an option's kind cannot say about its value (combo's members must be models), checked
    /// with the kind so that `train` locates the error at the value rather than at the line.
    var checkValue: @Sendable (_ key: String, _ value: String) throws -> Void

    public init(name: String, summary: String, options: [OptionDeclaration] = [],
                checkValue: @escaping @Sendable (_ key: String, _ value: String) throws -> Void = { _, _ in },
                make: @escaping @Sendable (ModelOptions) throws -> any Estimator) {
        self.name = name
        self.summary = summary
        self.options = options
        self.checkValue = checkValue
        self.make = make
    }

    /// Checks one option's value; the message says what is allowed. Returns the value as the
    /// model reads it (a word matched ignoring case comes back as declared).
    @discardableResult
    public func validate(key: String, value: String) throws -> String {
        let checked = try Self.validate(key: key, value: value, options: options, owner: "model '\(name)'", optionOwner: "'\(name)'")
        try checkValue(key, checked)
        return checked
    }

    /// What models and add-ons share: an unknown key names the options there are.
    static func validate(key: String, value: String, options: [OptionDeclaration], owner: String, optionOwner: String) throws -> String {
        guard let option = options.first(where: { $0.key == key }) else {
            let known = options.map(\.key)
            throw HorizonError("\(owner) has no option '\(key)'" + (known.isEmpty ? " (it takes none)" : " (options: \(known.joined(separator: ", ")))"),
                               suggestion: Suggestions.didYouMean(key, in: known))
        }
        return try option.check(value, owner: "option '\(key)' of \(optionOwner)")
    }
}

/// Every `train` target, in lineage order. Later model families append their specs here.
public enum ModelCatalog {
    public static let all: [ModelSpec] = BaselineModels.specs + ClassicalModels.specs + [ComboEstimator.spec] + TreeModels.specs + NeuralModels.specs

    public static func spec(named name: String) -> ModelSpec? { all.first { $0.name == name.lowercased() } }
    public static var names: [String] { all.map(\.name) }
}
