import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HorizonCore
import HorizonLanguage
import Testing
@testable import HorizonNotebook

/// Weekly series whose ids carry markup, terminal escapes, a carriage return and a tab (a line
/// feed is refused at load: a message naming the id would print it raw).
func hostileNotebookData(in folder: String) throws -> (path: String, ids: [String]) {
    let ids = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "E\u{1B}]52;c;aGk=\u{7}", "CR\rTAB\t|x", "plain"]
    var csv = "item,week,sales\n"
    for id in ids {
        for w in 0..<60 {
            let date = Date(timeIntervalSince1970: 1_546_819_200 + Double(w) * 604_800)
            let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            csv += "\(CSVField.quoted(id)),\(day),\(20 + (w * 7) % 11)\n"
        }
    }
    let path = folder + "/hostile.csv"
    try csv.write(toFile: path, atomically: false, encoding: .utf8)
    return (path, ids)
}

@Suite(.serialized) struct HostileNotebookTests {
    func run(_ script: String) -> NotebookRun {
        NotebookRun.run(Notebook(text: script, source: "nb.hz"), in: Interpreter(output: OutputBuffer()))
    }

    /// A script writes a CSV over a chart it drew (`plot … to c.svg`, then `export forecasts
    /// to c.svg`): the notebook shows the chart as drawn, never the CSV's bytes as markup.
    @Test(.enabled(if: gnuplotInstalled, "needs gnuplot"))
    func aFileWrittenOverAChartIsNeverInlined() throws {
        let folder = try scratchFolder()
        let (data, _) = try hostileNotebookData(in: folder)
        let result = run("""
            load \(data)
            set horizon 4
            train snaive
            plot plain to \(folder)/c.svg
            export forecasts to \(folder)/c.svg
            """)
        #expect(result.stop == nil)
        let csv = try String(contentsOfFile: folder + "/c.svg", encoding: .utf8)
        #expect(csv.hasPrefix("item,time,step"))
        let html = HTMLNotebook.render(result)
        let page = try #require(ElementCollector.parse(html), "the page is not well-formed")
        #expect(page.count("svg") == 1, "the chart as drawn is inlined")
        #expect(page.count("script") == 0 && page.count("img") == 0)
        #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("item,time,step"))
    }

    /// Only inert SVG is inlined: gnuplot's own output passes, and every way of carrying live
    /// content in SVG fails.
    @Test(.enabled(if: gnuplotInstalled, "needs gnuplot"))
    func theSVGCheckPassesGnuplotAndRefusesLiveContent() throws {
        let folder = try scratchFolder()
        let (data, _) = try hostileNotebookData(in: folder)
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(data)\nset horizon 4\ntrain snaive\nplot \"<script>alert(1)</script>\" to \(folder)/g.svg", source: "s")
        let drawn = try String(contentsOfFile: folder + "/g.svg", encoding: .utf8)
        #expect(SVGCheck.isInert(drawn))
        #expect(SVGCheck.isInert("<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"svg11.dtd\">\n<svg><!-- a comment --><g/></svg>"))
        #expect(ImageFile.read(folder + "/g.svg") == .svg(drawn))
        for live in ["<svg><script>alert(1)</script></svg>", "<svg><g onload=\"alert(1)\"/></svg>", "<svg><a href=\"javascript:alert(1)\"><text>x</text></a></svg>",
                     "<svg><use href=\"http://evil/x.svg#a\"/></svg>", "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
                     "<!DOCTYPE svg [<!ENTITY x \"y\">]><svg/>", "<svg><rect style=\"fill:url(http://evil/)\"/></svg>", "<svg><image href=\"x.png\"/></svg>",
                     "<svg><g ONCLICK='x'/></svg>", "<svg><![CDATA[<script>x</script>]]></svg>", "item,time,step\n<img src=x onerror=alert(1)>", "no svg at all",
                     // Markup a browser ends at its first '>' or '-->' whatever quotes it holds (found in review).
                     "<svg><!-- \" --><script>alert(1)</script><!-- \" --></svg>", "<svg><? \" ?><script>alert(1)</script><? \" ?></svg>",
                     "<svg><!DOCTYPE svg \"><script>alert(1)</script>\"></svg>", "<svg><!-- ' --><image href='x' onerror='alert(1)'/><!-- ' --></svg>",
                     "<!DOCTYPE x \"><script>alert(1)</script>\"><svg/>", "<svg><!-- a --!><script>alert(1)</script> --></svg>",
                     "<svg><rect fill=\"u&#114;l(https://evil.example/x#p)\"/></svg>", "<svg><rect style=\"fill:u\\72 l(https://evil.example/x)\"/></svg>",
                     "<svg xml:base=\"https://evil.example/\"><use href=\"#a\"/></svg>"] {
            #expect(!SVGCheck.isInert(live), "\(live)")
        }
        try "<svg><script>alert(1)</script></svg>".write(toFile: folder + "/bad.svg", atomically: false, encoding: .utf8)
        #expect(ImageFile.read(folder + "/bad.svg") == nil)
        try "not a png".write(toFile: folder + "/bad.png", atomically: false, encoding: .utf8)
        #expect(ImageFile.read(folder + "/bad.png") == nil)
    }

    /// Ids with markup, escape sequences and CR LF: the HTML page stays well-formed XML with
    /// no control character, and every Markdown table row stays one line.
    @Test func hostileIdsKeepBothFormatsWellFormed() throws {
        let folder = try scratchFolder()
        let (data, ids) = try hostileNotebookData(in: folder)
        let result = run("""
            # %% <script>alert(1)</script> title
            # prose with <img src=x onerror=alert(1)> and `<b>code</b>`
            load \(data)
            set horizon 4
            train snaive
            evaluate by=item
            """)
        #expect(result.stop == nil)
        let html = HTMLNotebook.render(result)
        #expect(ElementCollector.parse(html) != nil, "the page is not well-formed")
        #expect(!html.unicodeScalars.contains { Visible.isControl($0) && $0 != "\n" && $0 != "\t" })
        #expect(!html.contains("<script") && !html.contains("<img"))
        #expect(html.contains("E\\x1b]52;c;aGk=\\x07"))
        let markdown = MarkdownNotebook.render(result, chartFolder: "nb_files", directory: folder).text
        #expect(!markdown.unicodeScalars.contains { Visible.isControl($0) && $0 != "\n" })
        #expect(!markdown.contains("<script") && !markdown.contains("<img"))
        #expect(markdown.contains("`<b>code</b>`"), "code spans in prose are kept")
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") }
        let columns = Set(rows.map { row in row.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count })
        #expect(columns.count == 1, "every table row has the same number of cells")
        for id in ids where id.hasPrefix("CR") { #expect(markdown.contains("CR\\\\rTAB\\\\t\\|x") || markdown.contains("CR\\rTAB\\t\\|x")) }
    }
}

extension HostileNotebookTests {
    /// Punctuation fused with a combining mark into one Character is still punctuation to an
    /// HTML or Markdown reader: escaping goes by scalar.
    @Test func combiningMarksDoNotHideMarkup() {
        #expect(MarkdownNotebook.escape("<\u{0301}script>") == "&lt;\u{0301}script&gt;")
        #expect(MarkdownNotebook.prose("a <\u{0301}img src=x onerror=alert(1)>") == "a &lt;\u{0301}img src=x onerror=alert(1)>")
        // A lone backtick opens no code span: what follows it is escaped like the rest.
        #expect(MarkdownNotebook.prose("one ` then <img src=x onerror=alert(2)>") == "one \\` then &lt;img src=x onerror=alert(2)>")
        #expect(MarkdownNotebook.prose("`<b>` and ``a`<i>`` & <u>") == "`<b>` and ``a`<i>`` &amp; &lt;u>")
        #expect(MarkdownNotebook.prose("[click](javascript:alert(3))") == "\\[click](javascript:alert(3))")
        #expect(MarkdownNotebook.prose("\\`<img src=x onerror=alert(1)>` end") == "\\`&lt;img src=x onerror=alert(1)>\\` end")
        // In a table row the cell is split at a pipe before code spans are seen: a span with a
        // pipe in it is not kept, so what follows the pipe is escaped too.
        #expect(MarkdownNotebook.prose("`x|<img src=x onerror=alert(1)>` | c") == "\\`x|&lt;img src=x onerror=alert(1)>\\` | c")
        #expect(HTMLText.escape("<\u{0301}b>") == "&lt;\u{0301}b&gt;")
        #expect(CSVField.quoted("a\"\u{0301}b") == "\"a\"\"\u{0301}b\"")
        #expect(!SVGCheck.isInert("<svg><g x=\"a\"\u{06DC} onload=\"alert(1)\"/></svg>"))
    }
}
