/// Where something is in a source: a script file, `<repl>` or `<stdin>`.
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public var source: String
    public var line: Int
    public var column: Int

    public init(source: String, line: Int, column: Int) {
        self.source = source
        self.line = line
        self.column = column
    }

    public var description: String { "\(source):\(line):\(column)" }
}

/// An error a user can act on: a message, where it happened, and perhaps what was meant.
///
/// Every layer throws this one type so the REPL can print `SOURCE:LINE:COL: error: …`
/// uniformly; layers that know no script position (a CSV loader) leave `location` nil and
/// the interpreter fills in the position of the argument that caused it.
public struct HorizonError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation?
    /// A hint printed after the message, e.g. "did you mean 'mqtransformer'?".
    public var suggestion: String?

    public init(_ message: String, at location: SourceLocation? = nil, suggestion: String? = nil) {
        self.message = message
        self.location = location
        self.suggestion = suggestion
    }

    /// The same error, located at `location` unless it already had a position.
    public func located(at location: SourceLocation) -> HorizonError {
        var copy = self
        if copy.location == nil { copy.location = location }
        return copy
    }

    /// The canonical one-line rendering: `file:line:col: error: message; did you mean …?`.
    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "error: \(message)"
        if let suggestion { text += "; \(suggestion)" }
        return text
    }
}

/// Thrown when the user interrupts a running command with Ctrl-C.
public struct Interrupted: Error, Sendable {
    public init() {}
}
