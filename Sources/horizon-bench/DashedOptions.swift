import HorizonCore

/// `--name VALUE` pairs after a benchmark's name, as a dictionary (the benchmarks that take
/// paths and lists use this form; `forest` takes `key=value` model options instead).
func dashedOptions(_ arguments: [String]) throws -> [String: String] {
    var options: [String: String] = [:]
    var k = 0
    while k < arguments.count {
        guard arguments[k].hasPrefix("--"), k + 1 < arguments.count else {
            throw HorizonError("expected --option VALUE, got '\(arguments[k])'")
        }
        options[String(arguments[k].dropFirst(2))] = arguments[k + 1]
        k += 2
    }
    return options
}
