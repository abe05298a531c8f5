import HorizonCore

/// `report [MODEL] ITEM`: what a trained model is for one item.
public struct ReportCommand: CommandNode {
    public var model: Located<String>?
    public var item: Located<String>

    public static let declaration = CommandDeclaration(
        name: "report", usage: "report [MODEL] ITEM", summary: "what a trained model is for one item: its form and parameters, and its scores",
        details: ["A local model (ets, arima) shows the form it chose for the item and its parameters; an add-on its",
                  "estimate for the item's group; a global model (forest, qrf, the networks) is one model for every item and",
                  "shows its training summary. Then the item's holdout scores and its forecast past the data.",
                  "Without MODEL: the last model trained."],
        examples: ["report ets JACKET-01", "report DETERGENT-01"], replayed: false)

    public init(_ a: CommandArguments) throws {
        try a.expectWords(1...2)
        model = a.words.count == 2 ? a.words[0] : nil
        item = a.words[a.words.count - 1]
    }

    public func check(_ script: inout ScriptCheck) throws {
        if let model { try script.requireModel(model) }
    }

    public func run(in interpreter: Interpreter) throws { try interpreter.report(model, item: item) }

    public static func complete(_ r: CompletionRequest) -> Completion {
        Completion(words: r.words.isEmpty ? r.session.modelNames + (r.session.panel?.ids ?? []) : r.session.panel?.ids ?? [], optionKeys: [])
    }
}
