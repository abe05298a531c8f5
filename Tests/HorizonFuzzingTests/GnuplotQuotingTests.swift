import Foundation
import HorizonCore
import HorizonPlot
import Testing
@testable import HorizonFuzzing

/// No name from data ever reaches gnuplot as code: random hostile names (backquotes, quotes,
/// newlines, `system(…)`, macros, escapes) go into every chart, the real gnuplot draws each
/// one, and a canary file that every payload tries to create must never appear.
@Suite(.serialized) struct GnuplotQuotingTests {
    static let gnuplotInstalled = Gnuplot.locate() != nil

    /// Names built from the pieces an attacker would combine, each carrying a payload that
    /// creates `canary` if gnuplot ever evaluates it.
    static func hostileNames(count: Int, canary: String, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        let payloads = ["`touch \(canary)`", "system('touch \(canary)')", "system(\"touch \(canary)\")",
                        "'.system('touch \(canary)').'", "\".system(\"touch \(canary)\").\""]
        let pieces = ["'", "''", "\"", "\\", "\\\"", "`", "\n", "\r", "\r\n", "\u{1B}[31m", "\u{7}", "\u{0}", "@", "@x", "$d", "EOD",
                      "\nEOD\n", ";", "#", "{/Symbol a}", "^", "_", "&", "<", "\u{202E}", "é", " ", "\u{06DC}", "e\u{0301}", "\u{FFFD}", "set output '\(canary)'\n",
                      "\nsystem('touch \(canary)')\n", "0\nprint 1\nset title '"]
        return (0..<count).map { _ in
            var name = ""
            for _ in 0..<(1 + generator.int(below: 6)) {
                name += generator.int(below: 3) == 0 ? payloads[generator.int(below: payloads.count)] : pieces[generator.int(below: pieces.count)]
            }
            return name
        }
    }

    @Test(.enabled(if: gnuplotInstalled))
    func hostileNamesAreDrawnLiterallyAndRunNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-quote-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let canary = folder + "/canary"
        let names = Self.hostileNames(count: 60, canary: canary, seed: 7)
        for (k, name) in names.enumerated() {
            let pick: (Int) -> String = { names[(k + $0) % names.count] }
            // The fan chart's title is name(0) — name(2): the second short, so the whole title fits the width.
            let own: (Int) -> String = { $0 == 0 ? name : $0 == 2 ? "m" : pick($0) }
            // Terminal charts and SVG files (whose name also comes from the data).
            let file = folder + "/" + Visible.name(name).replacingOccurrences(of: "/", with: "_").prefix(40) + ".svg"
            for target in [PlotTarget.terminal(style: "dumb", width: 120, height: 30), .svg(path: file)] {
                for (kind, make) in ChartEntry.charts(target: target) {
                    let script = make(own)
                    let drawn: String
                    do { drawn = try Gnuplot.run(script) } catch {
                        Issue.record("\(kind) chart of \(name.debugDescription) failed in gnuplot: \(error)")
                        continue
                    }
                    if kind == "fan", case .terminal = target {
                        // The title is the item id, shown as written, control characters made visible.
                        let shown = Visible.name(name)
                        if shown.count < 100 { #expect(drawn.contains(shown), "\(name.debugDescription) not drawn literally") }
                    }
                }
            }
            #expect(!FileManager.default.fileExists(atPath: canary), "gnuplot ran a payload of \(name.debugDescription)")
        }
        #expect(!FileManager.default.fileExists(atPath: canary))
    }

    /// The same names through the invariant the fuzz target checks (no gnuplot needed).
    @Test func hostileNamesStayInsideLiterals() throws {
        let names = Self.hostileNames(count: 400, canary: "/tmp/never", seed: 11)
        for k in stride(from: 0, to: names.count, by: 5) {
            let bytes = Array(names[k..<min(k + 5, names.count)].joined(separator: "\u{0}").utf8)
            #expect(try ChartEntry.run(bytes) == .accepted)
        }
    }

    /// The check itself fails on the quoting that was there before: double quotes, which
    /// gnuplot expands backquotes inside, and raw newlines.
    @Test func theCheckCatchesDoubleQuotedNames() {
        let plain = "set title 'A' noenhanced\nplot x"
        #expect(throws: FuzzInvariantViolation.self) { try ChartEntry.check("set title \"A`id`\" noenhanced\nplot x", plain: plain, kind: "t") }
        #expect(throws: FuzzInvariantViolation.self) { try ChartEntry.check("set title 'A\nsystem('id')' noenhanced\nplot x", plain: plain, kind: "t") }
        #expect(throws: FuzzInvariantViolation.self) { try ChartEntry.check("set title 'A\u{1B}' noenhanced\nplot x", plain: plain, kind: "t") }
        #expect(throws: FuzzInvariantViolation.self) { try ChartEntry.check("set title '''x' noenhanced\nplot x", plain: plain, kind: "t") }
        #expect(throws: Never.self) { try ChartEntry.check("set title 'A'.\"'\".'`id`' noenhanced\nplot x", plain: plain, kind: "t") }
        #expect(Gnuplot.literal("it's") == "'it'.\"'\".'s'")
        #expect(Gnuplot.literal("'") == "''.\"'\".''")
        #expect(Gnuplot.literal("a\nb") == "'a\\nb'")
    }
}

extension GnuplotQuotingTests {
    /// A quote followed by a combining mark is one Swift Character but a quote to gnuplot: it
    /// must be joined out of the literal like any other (found by the fuzz-chart target).
    @Test func aQuoteFusedWithACombiningMarkStaysOutOfTheLiteral() throws {
        let name = "x'\u{06DC}.system('touch /tmp/never')"
        #expect(Gnuplot.literal(name) == "'x'.\"'\".'\u{06DC}.system('.\"'\".'touch /tmp/never'.\"'\".')'")
        let regression = [UInt8](Data(base64Encoded: "R08n9wDbnP8JCQkJCQkJCQkJCQn/15z//2U=")!)
        #expect(try ChartEntry.run(regression) == .accepted)
        #expect(try ChartEntry.run(Array("x'\u{0301}`id`\u{0}y\"'\u{0301}".utf8)) == .accepted)
    }
}
