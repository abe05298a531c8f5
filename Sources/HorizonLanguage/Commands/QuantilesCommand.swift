import HorizonCore

/// `quantiles p10 p50 p90`: the levels to forecast and score; alone, the levels in effect.
public struct QuantilesCommand: CommandNode {
    /// Empty: `quantiles` alone.
    public var levels: [Located<Double>]

    public static let declaration = CommandDeclaration(
        name: "quantiles", usage: "quantiles | quantiles p10 p50 p90 | quantiles 0.05 0.5 0.95",
        summary: "the quantile levels to forecast and score", examples: ["quantiles", "quantiles p10 p50 p90", "quantiles 0.05 0.5 0.95"])

    public init(_ a: CommandArguments) throws {
        if a.words.isEmpty && a.options.isEmpty { levels = []; return }
        try a.expectWords(1...99)
        levels = try a.words.map(Self.level)
    }

    public var isReplayed: Bool { !levels.isEmpty }

    public func run(in interpreter: Interpreter) throws {
        if !levels.isEmpty {
            // By name: two levels that print alike would give two columns of one name.
            var seen = Set<String>()
            for level in levels where !seen.insert(NumberFormat.quantileName(level.value)).inserted {
                throw HorizonError("quantile \(NumberFormat.quantileName(level.value)) is listed twice (levels are told apart to 4 decimals of a percent)", at: level.location)
            }
            interpreter.session.levels = levels.map(\.value).sorted()
        }
        // Alone, the levels in effect; otherwise the new ones.
        interpreter.emit("quantiles " + interpreter.session.levels.map(NumberFormat.quantileName).joined(separator: " "))
    }

    /// `p10` → 0.10, `p2.5` → 0.025, `0.9` → 0.9.
    public static func level(_ w: Located<String>) throws -> Located<Double> {
        let text = w.value.lowercased()
        let value: Double?
        if text.hasPrefix("p") { value = Double(text.dropFirst()).map { $0 / 100 } } else { value = Double(text) }
        // Levels are named to four decimals of a percent: one closer to 0 or 1 would be named
        // p0 or p100, which are no levels.
        guard let v = value, v >= 1e-6, v <= 1 - 1e-6 else {
            throw HorizonError("'\(w.value)' is not a quantile level: write p10 or 0.1 (between p0.0001 and p99.9999)", at: w.location)
        }
        return Located(v, at: w.location)
    }

    public static func complete(_ r: CompletionRequest) -> Completion {
        Completion(words: ["p5", "p10", "p25", "p50", "p75", "p90", "p95"], optionKeys: [])
    }
}
