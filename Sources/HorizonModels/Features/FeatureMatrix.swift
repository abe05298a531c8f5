/// What a feature column holds: a number, or a category code that a model should treat as a
/// label rather than a quantity (trees split on sets of categories; a neural net embeds them).
public enum FeatureKind: Sendable, Equatable, Codable {
    case numeric
    /// Codes 0…levels.count−1 index `levels`.
    case categorical(levels: [String])
}

/// One named column of a feature matrix; the name is what `describe`-like listings and feature
/// importances show.
public struct FeatureColumn: Sendable, Equatable, Codable {
    public var name: String
    public var kind: FeatureKind

    public init(_ name: String, _ kind: FeatureKind = .numeric) {
        self.name = name
        self.kind = kind
    }

    public var isCategorical: Bool {
        if case .categorical = kind { return true }
        return false
    }
}

/// A dense row-major matrix of engineered features, in single precision (what both the trees
/// and the Float32 tensor engine consume). An absent feature is NaN, never zero, so a model can
/// tell "no price for this product line" from "a price of 0".
public struct FeatureMatrix: Sendable {
    public let columns: [FeatureColumn]
    /// `values[row * columns.count + column]`.
    public var values: [Float]

    public init(columns: [FeatureColumn], values: [Float] = []) {
        precondition(columns.isEmpty || values.count % columns.count == 0, "feature values do not fill whole rows")
        self.columns = columns
        self.values = values
    }

    public var columnCount: Int { columns.count }
    public var rowCount: Int { columns.isEmpty ? 0 : values.count / columns.count }

    public subscript(row: Int, column: Int) -> Float { values[row * columns.count + column] }

    /// The values of one row.
    public func row(_ row: Int) -> ArraySlice<Float> {
        values[(row * columns.count)..<((row + 1) * columns.count)]
    }
}
