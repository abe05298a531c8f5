import Foundation
import HorizonCore
import HorizonData
import HorizonLanguage
import HorizonModels

/// The language entry point shared by the libFuzzer target in `Fuzz/` and the corpus replay
/// tests: any bytes as a script, lexed, parsed and interpreted against a session that holds a
/// small in-memory panel.
///
/// The interpreter runs a side-effect-free subset: the statements whose command declares no
/// effects (`CommandEffects`). Commands that touch files (`load`, `run`, `save model`, `save
/// session`, `load model`, `export`, `decide … to`) and charts (which start gnuplot) are parsed
/// but not run: a fuzzer that wrote files wherever an input said, or read `/dev/zero`, would
/// damage the machine or hang on purpose, and the loaders have fuzz targets of their own. A
/// new command is left out until its declaration says it has no effects. The run log stays
/// off (the interpreter's default), so `runs` only says so. Training or backtesting a network
/// (unbounded) and any statement with a whole number beyond 1000 (`set horizon 10^9`,
/// `backtest windows=5000`) are skipped too: they are legitimately slow, not wrong, and would
/// drown the fuzzer in time-outs.
public enum ScriptEntry {
    /// Runs one input; throws `FuzzInvariantViolation` when a failing command changed the
    /// session (the language promises that an error never loses work).
    public static func run(_ bytes: [UInt8]) throws -> FuzzOutcome {
        let text = String(decoding: bytes, as: UTF8.self)
        let statements: [Statement]
        do {
            statements = try Parser().parse(text, source: "<fuzz>")
        } catch let error as HorizonError {
            return .refused(error)
        }
        let session = Session()
        session.data = fixture
        session.dataPath = "fixture.csv"
        let interpreter = Interpreter(session: session, output: OutputBuffer())
        var outcome = FuzzOutcome.accepted
        for statement in statements where isSafe(statement) {
            let before = SessionSnapshot(session)
            do {
                if try interpreter.execute(statement) == .quit { break }
            } catch let error as HorizonError {
                outcome = .refused(error)
                let after = SessionSnapshot(session)
                guard after == before else {
                    throw FuzzInvariantViolation(description: "'\(statement.text)' failed (\(error)) but changed the session: \(before) → \(after)")
                }
            }
        }
        return outcome
    }

    /// Whether the statement is in the side-effect-free, bounded subset (see the type's comment).
    public static func isSafe(_ statement: Statement) -> Bool {
        guard statement.effects.isEmpty else { return false }
        return !statement.text.split(whereSeparator: { " =,".contains($0) }).contains { word in
            Int(word).map { $0 > 1000 || $0 < -1000 } ?? (word.allSatisfy(\.isNumber) && word.count > 4)
        }
    }

    /// Three weekly series with a price, a promo flag, an event and a category: one with a gap,
    /// one short, so models meet missing values and series too short for their season.
    public static let fixtureCSV: String = {
        var rows = ["item,week,sales,price,promo,event,category"]
        let start = Timestamp.seconds(year: 2022, month: 1, day: 3)
        for (item, length, category) in [("A", 60, "food"), ("B", 45, "food"), ("C", 9, "toys")] {
            for t in 0..<length where !(item == "B" && t == 20) {
                let week = Timestamp.format(start + Int64(t) * 7 * 86_400)
                let promo = t % 7 == 3 ? 1 : 0
                let sales = 10 + (t * 7 + item.count * 3) % 11 + 6 * promo
                let event = t % 13 == 5 ? "holiday" : ""
                rows.append("\(item),\(week),\(sales),\(2.5 - 0.5 * Double(promo)),\(promo),\(event),\(category)")
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }()

    static let fixture: LoadedData = {
        do {
            return try PanelLoader.load(source: MemorySource(Array(fixtureCSV.utf8)), path: "fixture.csv", showProgress: false)
        } catch {
            fatalError("the fuzz fixture does not load: \(error)")
        }
    }()
}

/// What a failed command must leave as it was.
struct SessionSnapshot: Equatable, CustomStringConvertible {
    var fingerprint: String?
    var season: Int?
    var models: [String]
    var levels: [Double]
    var horizon: Int?
    var context: Int?
    var seed: UInt64
    var holdout: Int?
    var plotStyle: String?
    var history: Int

    init(_ session: Session) {
        fingerprint = session.data?.panel.fingerprint
        season = session.data?.panel.season
        models = session.modelNames
        levels = session.levels
        horizon = session.horizonSetting
        context = session.context
        seed = session.seed
        holdout = session.holdoutSetting
        plotStyle = session.plotStyle
        history = session.history.count
    }

    var description: String {
        "data \(fingerprint ?? "none") season \(season ?? 0), models \(models), levels \(levels), horizon \(horizon ?? 0), "
            + "context \(context ?? 0), seed \(seed), holdout \(holdout ?? 0), plot \(plotStyle ?? "default"), history \(history)"
    }
}
