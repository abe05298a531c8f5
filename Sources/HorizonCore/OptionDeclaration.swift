/// One `key=value` option something accepts — a command, a model, an add-on — declared once:
/// its kind (which decides how the value is parsed, checked and completed), its default and
/// its help line. Parsing, `help` and completion all read the declaration, so a default is
/// written in one place and help prints it from there.
public struct OptionDeclaration: Sendable {
    public enum Kind: Sendable {
        case integer(ClosedRange<Int>), number(ClosedRange<Double>), word([String])
        /// A number above zero (a cost).
        case positive
        /// A comma-separated list of names (e.g. covariate columns), checked against the data at fit time.
        case names
        /// One name (a column).
        case name
        /// A file path.
        case path
        /// A name the session knows only when the command runs: a trained model, a metric, a
        /// static attribute. Checked then, completed from the session.
        case reference(Reference)
    }

    public enum Reference: String, Sendable { case model, metric, attribute, runMetric, covariate }

    public var key: String
    public var kind: Kind
    public var help: String
    /// The value in effect when the option is not given, as it would be written; nil when the
    /// default depends on the data or the session (the help line says how).
    public var defaultValue: String?

    public init(_ key: String, _ kind: Kind, default defaultValue: String? = nil, help: String) {
        self.key = key
        self.kind = kind
        self.help = help
        self.defaultValue = defaultValue
    }

    /// The kind as help shows it: `1…5000`, `yes|no`, `NAME,…`.
    public var kindDescription: String {
        switch kind {
        case .integer(let r): return r.upperBound == Int.max ? "integer ≥ \(r.lowerBound)" : "integer \(r.lowerBound)…\(r.upperBound)"
        case .number(let r): return r.upperBound.isFinite ? "number \(NumberFormat.value(r.lowerBound))…\(NumberFormat.value(r.upperBound))"
                                                          : "number ≥ \(NumberFormat.value(r.lowerBound))"
        case .positive: return "number > 0"
        case .word(let words): return words.joined(separator: "|")
        case .names: return "NAME,…"
        case .name: return "NAME"
        case .path: return "PATH"
        case .reference(let r): return r.rawValue.uppercased()
        }
    }

    /// The help line: key, kind, default and what it does.
    public var helpLine: String {
        "\(key)=\(kindDescription)" + (defaultValue.map { " (default \($0))" } ?? "") + "  " + help
    }

    /// Checks a value against the kind; `owner` names who takes the option in the message
    /// ("option 'trees' of 'forest'"). Returns the value as it should be used (a word
    /// matched ignoring case comes back as declared).
    public func check(_ value: String, owner: String) throws -> String {
        switch kind {
        case .integer(let range):
            guard let v = Int(value), range.contains(v) else {
                let bounds = range.upperBound == Int.max ? "≥ \(range.lowerBound)" : "in \(range.lowerBound)...\(range.upperBound)"
                throw HorizonError("\(owner) takes an integer \(bounds), got '\(value)'")
            }
        case .number(let range):
            guard let v = Double(value), v.isFinite, range.contains(v) else {
                throw HorizonError("\(owner) takes a number in \(range.lowerBound)...\(range.upperBound), got '\(value)'")
            }
        case .positive:
            guard let v = Double(value), v.isFinite, v > 0 else { throw HorizonError("\(owner) takes a number > 0, got '\(value)'") }
        case .word(let words):
            guard let match = words.first(where: { $0 == value }) ?? words.first(where: { $0.lowercased() == value.lowercased() }) else {
                throw HorizonError("\(owner) takes one of \(words.joined(separator: ", ")), got '\(value)'",
                                   suggestion: Suggestions.didYouMean(value, in: words))
            }
            return match
        case .names:
            guard !value.split(separator: ",", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
                throw HorizonError("\(owner) takes names separated by commas, got '\(value)'")
            }
        case .name, .path, .reference:
            break
        }
        return value
    }
}

extension Array where Element == OptionDeclaration {
    /// An option's declared default, read as the type its user needs: the default is written
    /// once, in the declaration, and help prints it from there.
    public func defaultValue<T: LosslessStringConvertible>(_ key: String) -> T {
        guard let text = first(where: { $0.key == key })?.defaultValue, let value = T(text) else {
            preconditionFailure("the option '\(key)' declares no default of type \(T.self)")
        }
        return value
    }
}
