import HorizonCore

/// Typed option values with errors located at the value, for the commands that check their
/// options in the interpreter (those whose allowed values depend on the session).
extension Option {
    func integer(in range: ClosedRange<Int>) throws -> Int {
        guard let v = Int(value.value), range.contains(v) else {
            throw HorizonError("\(key.value) takes a whole number in \(range.lowerBound)…\(range.upperBound), got '\(value.value)'", at: value.location)
        }
        return v
    }

    /// A number in `range`; `positive` also excludes zero.
    func number(in range: ClosedRange<Double>, positive: Bool = false) throws -> Double {
        guard let v = Double(value.value), v.isFinite, range.contains(v), !positive || v > 0 else {
            let bounds = range.upperBound.isFinite ? "in \(NumberFormat.value(range.lowerBound))…\(NumberFormat.value(range.upperBound))" : (positive ? "> 0" : "≥ \(NumberFormat.value(range.lowerBound))")
            throw HorizonError("\(key.value) takes a number \(bounds), got '\(value.value)'", at: value.location)
        }
        return v
    }

    /// One of `choices`, matched exactly or else ignoring case.
    func word(_ choices: [String]) throws -> String {
        let v = value.value
        guard let match = choices.first(where: { $0 == v }) ?? choices.first(where: { $0.lowercased() == v.lowercased() }) else {
            throw HorizonError("\(key.value) takes one of \(choices.joined(separator: ", ")), got '\(value.value)'", at: value.location,
                               suggestion: Suggestions.didYouMean(value.value, in: choices))
        }
        return match
    }
}

extension Array where Element == Option {
    /// The option with this key, if given.
    func named(_ key: String) -> Option? { first { $0.key.value == key } }
}
