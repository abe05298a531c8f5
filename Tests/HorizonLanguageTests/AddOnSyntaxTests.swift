import Foundation
import HorizonCore
import Testing
@testable import HorizonLanguage

@Suite struct AddOnSyntaxTests {
    /// Options before the first +ADDON are the model's; the others belong to the add-on before them.
    @Test func addOnsTakeTheOptionsThatFollowThem() throws {
        let statements = try Parser().parse("train ets season=A +seasonality by=none +distribution conformal=yes as full", source: "s")
        guard let train = statements[0].command as? TrainCommand else { Issue.record("train"); return }
        let addOns = train.addOns
        #expect(train.model.value == "ets" && train.alias?.value == "full")
        #expect(train.options.map(\.key.value) == ["season"])
        #expect(addOns.map(\.name.value) == ["seasonality", "distribution"])
        #expect(addOns[0].options.map(\.key.value) == ["by"] && addOns[1].options.map(\.key.value) == ["conformal"])
        #expect(addOns[1].name.location.column == 42)  // the name after '+'
        #expect(parseError("train ets +seasonality +seasonality")?.message.contains("given twice") == true)
        #expect(parseError("train ets + x")?.message.contains("needs an add-on name") == true)
        guard let forecast = try Parser().parse("forecast full price=-20%", source: "s")[0].command as? ForecastCommand else {
            Issue.record("forecast"); return
        }
        #expect(forecast.model?.value == "full" && forecast.scenario.first?.value.value == "-20%")
    }

    @Test func aComposedModelTrainsEvaluatesAndAnswersAPriceScenario() throws {
        let output = OutputBuffer()
        let interpreter = Interpreter(output: output)
        try interpreter.execute("load \(try demoFile())\nset horizon 4\nholdout 4\ntrain ses +seasonality +distribution origins=3", source: "<repl>")
        #expect(interpreter.session.models.map(\.name) == ["ses+seasonality+distribution"])
        try interpreter.execute("evaluate ses+seasonality+distribution", source: "<repl>")

        let typo = #expect(throws: HorizonError.self) { try interpreter.execute("train ets +seasonalty", source: "<repl>", firstLine: 7) }
        #expect(typo?.description == "<repl>:7:12: error: unknown add-on '+seasonalty'; did you mean '+seasonality'?")
        let badOption = #expect(throws: HorizonError.self) { try interpreter.execute("train ets +distribution segmnt=velocity", source: "<repl>", firstLine: 8) }
        #expect(badOption?.description.hasPrefix("<repl>:8:25: error: add-on '+distribution' has no option 'segmnt'") == true)
        let noPrice = #expect(throws: HorizonError.self) { try interpreter.execute("forecast prize=-20%", source: "<repl>", firstLine: 9) }
        #expect(noPrice?.suggestion == "did you mean 'price'?")
        let badValue = #expect(throws: HorizonError.self) { try interpreter.execute("forecast price=cheaper", source: "<repl>", firstLine: 10) }
        #expect(badValue?.location?.column == 16)

        // The demo's price never changes, so +elasticity says it cannot estimate a response.
        let flat = #expect(throws: HorizonError.self) { try interpreter.execute("train naive +elasticity", source: "<repl>") }
        #expect(flat?.message.contains("never change") == true)

        try interpreter.execute("forecast price=-20%", source: "<repl>")
        guard case .text(let line)? = output.blocks.last else { Issue.record("no summary"); return }
        #expect(line.contains("(price=-20%)"))
    }

    @Test func completionOffersAddOnsAndTheirOptions() throws {
        let completer = Completer(session: Session())
        #expect(completer.complete(prefix: "+s", before: "train ets ") == ["+seasonality"])
        #expect(completer.complete(prefix: "se", before: "train ets +distribution ") == ["segment="])
        #expect(completer.complete(prefix: "ve", before: "train ets +distribution segment=") == ["velocity"])
        #expect(completer.complete(prefix: "+", before: "help ").contains("+elasticity"))
    }
}
