import Foundation
import HorizonCore
import HorizonData
import HorizonModels
import HorizonPlot
import HorizonForecast

/// The chart-script writer's entry point, shared by the `fuzz-chart` libFuzzer target and the
/// tests: any bytes become the names a chart shows (item id, target column, model names,
/// curve titles), every kind of chart is written as a gnuplot script, and the script must
/// keep names out of gnuplot's code.
///
/// The invariant, checked without running gnuplot (the tests run the real one):
/// - the script has exactly as many lines as the same chart with a plain name (a name never
///   starts a command: a newline in it would);
/// - no control character but the line feeds between commands;
/// - outside single-quoted literals, no backquote, double quote (but the `"'"` that joins the
///   pieces of a name around a quote), `@` or `system` — everything gnuplot could evaluate
///   from a name sits inside `'…'`, where it evaluates nothing; and no doubled quote inside
///   one (gnuplot misreads them);
/// - data blocks hold numbers only.
public enum ChartEntry {
    public static func run(_ bytes: [UInt8]) throws -> FuzzOutcome {
        let names = String(decoding: bytes, as: UTF8.self).split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
        func name(_ k: Int) -> String { names.isEmpty ? "" : names[k % names.count] }
        // The PNG target's path is taken from the names by `charts`.
        for target in [PlotTarget.svgDocument, .terminal(style: "dumb", width: 80, height: 24), .png(path: "")] {
            for (kind, make) in charts(target: target) {
                let hostile = make(name), plain = make { _ in "A" }
                try check(hostile, plain: plain, kind: kind)
            }
        }
        return .accepted
    }

    /// Every chart kind, written for `target` with names taken from `name(k)`.
    public static func charts(target: PlotTarget) -> [(String, ((Int) -> String) -> String)] {
        let path: (((Int) -> String)) -> PlotTarget = { name in
            if case .png = target { return .png(path: "/tmp/" + Visible.name(name(4)).replacingOccurrences(of: "/", with: "_") + ".png") }
            return target
        }
        return [
            ("fan", { name in fanChart(name).script(for: path(name)) }),
            ("compare", { name in
                CompareChart(metric: name(1), bars: [(name(2), 0.5), (name(3), 0.25)], subtitle: name(0)).script(for: path(name))
            }),
            ("lines", { name in
                var chart = LineChart(title: name(0), xLabel: name(1), yLabel: name(2), rightLabel: name(3),
                                      lines: [LineChart.Line(title: name(2), points: [(1, 2), (2, 3)]),
                                              LineChart.Line(title: name(3), points: [(1, 1), (2, 1)], rightAxis: true, dashed: true)])
                chart.unitSquareWithDiagonal = true
                return chart.script(for: path(name))
            }),
        ]
    }

    /// A fan chart whose item id, target column, title and scenario label come from `name`.
    public static func fanChart(_ name: (Int) -> String) -> FanChart {
        let series = Series(id: name(0), start: Timestamp.seconds(year: 2024, month: 1, day: 1), values: (0..<30).map { 10 + Double($0 % 7) })
        let panel = Panel(series: [series], frequency: .weekly, season: 52, hasTimestamps: true, targetName: name(1))
        let forecast = ItemForecast(id: name(0), firstTime: 0, point: [12, 13, 14], levels: [0.1, 0.5, 0.9],
                                    quantiles: [[10, 11, 12], [12, 13, 14], [14, 15, 16]])
        return FanChart(title: name(0) + " — " + name(2), panel: panel, history: series, actuals: [11, 12, 13], forecast: forecast,
                        scenario: (forecast, name(3)), lastPoints: 20)
    }

    /// Throws when `script` (names from data) could make gnuplot run or read anything from a name.
    public static func check(_ script: String, plain: String, kind: String) throws {
        func fail(_ why: String) -> FuzzInvariantViolation {
            FuzzInvariantViolation(description: "\(kind) chart: \(why)\n\(script)")
        }
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == plain.split(separator: "\n", omittingEmptySubsequences: false).count else {
            throw fail("a name changed the number of lines")
        }
        if script.unicodeScalars.contains(where: { $0 != "\n" && Visible.isControl($0) }) { throw fail("a control character reached the script") }
        var inData = false
        for line in lines {
            if inData {
                if line == "EOD" { inData = false; continue }
                guard line.allSatisfy({ $0.isNumber || " .-+eE".contains($0) }) || line.contains("nan") else { throw fail("data line '\(line)'") }
                continue
            }
            if line.hasSuffix("<< EOD") { inData = true }
            // gnuplot reads bytes: scan scalars, not Characters (a quote followed by a combining
            // mark is one Character but still a quote to gnuplot).
            let scalars = Array(line.unicodeScalars)
            var outside = String.UnicodeScalarView(), quoted = false
            var k = 0
            while k < scalars.count {
                let c = scalars[k]
                if !quoted, k + 2 < scalars.count, c == "\"", scalars[k + 1] == "'", scalars[k + 2] == "\"" {
                    k += 3
                    continue
                }
                if c == "'" {
                    if quoted, k + 1 < scalars.count, scalars[k + 1] == "'" { throw fail("a doubled quote in '\(line)'") }
                    quoted.toggle()
                } else if !quoted {
                    outside.append(c)
                }
                k += 1
            }
            let code = String(outside)
            if quoted { throw fail("an unterminated literal in '\(line)'") }
            if code.unicodeScalars.contains(where: { "`\"@".unicodeScalars.contains($0) }) || code.contains("system") {
                throw fail("code outside a literal (\(code.debugDescription)) in '\(line)'")
            }
        }
    }
}
