import HorizonCore

extension Option {
    /// The value checked against a declaration, the error located at the value. Options whose
    /// allowed values depend on the session (a static attribute, a metric at the session's
    /// levels) are checked when the command runs, against a declaration made then.
    func checked(_ declaration: OptionDeclaration) throws -> String {
        do { return try declaration.check(value.value, owner: key.value) } catch let error as HorizonError {
            throw error.located(at: value.location)
        }
    }

    /// One of `choices`, matched exactly or else ignoring case.
    func word(_ choices: [String]) throws -> String { try checked(OptionDeclaration(key.value, .word(choices), help: "")) }
}

extension Array where Element == Option {
    /// The option with this key, if given.
    func named(_ key: String) -> Option? { first { $0.key.value == key } }
}
