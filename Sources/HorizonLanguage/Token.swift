import HorizonCore

/// A value with the place in the source where it was written.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation
    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

extension Located: Equatable where Value: Equatable {}

/// The lexer's output. Horizon's language is line-oriented, so newlines are tokens.
public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// A bare word: a command, a name, a number or a path (`datasets/retail-demo.csv`).
        case word(String)
        /// A quoted string (paths with spaces).
        case string(String)
        /// `=` between an option's key and value.
        case equals
        case newline
        case end
    }

    public var kind: Kind
    public var location: SourceLocation

    /// The text of a word or string.
    public var text: String? {
        switch kind {
        case .word(let s), .string(let s): return s
        default: return nil
        }
    }
}
