import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HorizonCore
import HorizonLanguage
import Testing
@testable import HorizonNotebook

let gnuplotInstalled = ["/usr/bin/gnuplot", "/usr/local/bin/gnuplot"].contains { FileManager.default.isExecutableFile(atPath: $0) }

/// A folder of its own for one test's files.
func scratchFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-notebook-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}

/// Two weekly series over 80 weeks, one named with HTML's special characters.
func trickyData(in folder: String) throws -> String {
    var csv = "item,week,sales\n"
    for item in ["\"A<b>&c\"", "plain"] {
        for w in 0..<80 {
            let date = Date(timeIntervalSince1970: 1_546_819_200 + Double(w) * 604_800)
            let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            csv += "\(item),\(day),\(20 + (w * 7) % 11 + (item == "plain" ? 5 : 0))\n"
        }
    }
    let path = folder + "/tricky.csv"
    try csv.write(toFile: path, atomically: false, encoding: .utf8)
    return path
}

@Suite struct CellTests {
    /// A wide table scrolls under its first column, which stays in view and wraps a long
    /// model name; a long text line wraps instead of hiding behind a scroll bar.
    @Test func wideTablesKeepTheirFirstColumnInView() {
        let style = HTMLNotebook.style.replacingOccurrences(of: "\n", with: " ")
        #expect(style.contains("th:first-child, td:first-child { position: sticky; left: 0;"))
        #expect(style.contains("max-width: 16em; white-space: normal; }"))
        #expect(style.contains("pre.text { padding: 2px 0; white-space: pre-wrap;"))
        let html = HTMLNotebook.table(TextTable(headers: ["model", "MASE"], rows: [["ets+seasonality+elasticity", "0.997"]]))
        #expect(html.contains("<td>ets+<wbr/>seasonality+<wbr/>elasticity</td><td class=\"num\">0.997</td>"), "\(html)")
        #expect(ElementCollector.parse(html) != nil, "not well-formed: \(html)")
    }

    @Test func cellsSplitOnMarkersAndBlankLinesWithLeadingCommentsAsProse() {
        let text = """
            # A title line of the intro.
            # More intro.

            # %% First step
            # Some *prose*.
            #
            # - a list item
            load x.csv
            # a comment among the code
            describe

            set horizon 8
            # %%
            train snaive
            """
        let notebook = Notebook(text: text, source: "s.hz")
        #expect(notebook.cells.count == 4)
        #expect(notebook.cells[0] == Notebook.Cell(title: nil, prose: ["A title line of the intro.", "More intro."], code: []))
        #expect(notebook.cells[1].title == "First step")
        #expect(notebook.cells[1].prose == ["Some *prose*.", "", "- a list item"])
        #expect(notebook.cells[1].code.map(\.number) == [8, 9, 10])
        #expect(notebook.cells[2].code.map(\.text) == ["set horizon 8"])
        #expect(notebook.cells[3].title == nil && notebook.cells[3].code.map(\.number) == [14])
        #expect(notebook.cellIndex(containing: 10) == 1)
        #expect(notebook.cellIndex(containing: 12) == 2)
    }

    @Test func windowsLineEndsSplitCellsToo() {
        let notebook = Notebook(text: "# %% A\r\nhelp\r\n\r\nhelp quit\r\n", source: "s.hz")
        #expect(notebook.cells.map { $0.code.map(\.number) } == [[2], [4]])
        #expect(notebook.cells[1].code[0].text == "help quit")
    }

    @Test func aLoneCarriageReturnEndsALineAsTheLexerReadsIt() {
        // Else the listing shows a command after the CR as part of a comment, while it runs.
        let notebook = Notebook(text: "help\n# just a note\rtrain snaive as sneaky\nhelp\n", source: "s.hz")
        #expect(notebook.cells.flatMap { $0.code.map(\.number) } == [1, 2, 3, 4])
        #expect(notebook.cells.flatMap(\.code).map(\.text).contains("train snaive as sneaky"))
    }

    @Test func aBlankLineAfterATitleKeepsTheCellOpen() {
        let notebook = Notebook(text: "# %% Title\n\n# prose\nhelp\n", source: "s.hz")
        #expect(notebook.cells == [Notebook.Cell(title: "Title", prose: ["prose"], code: [Notebook.Line(number: 4, text: "help")])])
    }
}

@Suite struct ProseTests {
    @Test func rendersParagraphsListsCodeAndEmphasis() {
        let html = Prose.html(["One *two* **three**", "continues `a<b` here.", "", "- first", "- second", "  wrapped", "", "1. one", "2. two"])
        #expect(html == """
            <p>One <em>two</em> <strong>three</strong> continues <code>a&lt;b</code> here.</p>
            <ul><li>first</li><li>second wrapped</li></ul>
            <ol><li>one</li><li>two</li></ol>
            """)
    }

    @Test func leavesStarsAndUnderscoresInsideWordsAlone() {
        #expect(Prose.inline("order τ* = cu/(cu+co) at 5 × pinball") == "order τ* = cu/(cu+co) at 5 × pinball")
        #expect(Prose.inline("snake_case_name and 2*3*4") == "snake_case_name and 2*3*4")
        #expect(Prose.inline("_em_ and `unclosed") == "<em>em</em> and `unclosed")
    }

    /// Emphasis that would cross a tag an earlier pass made stays text: the page is XML.
    @Test func crossedEmphasisStaysWellFormed() {
        #expect(Prose.inline("**a *b** c*") == "<strong>a *b</strong> c*")
        #expect(Prose.inline("*a **b** c*") == "<em>a <strong>b</strong> c</em>")
    }

    @Test func escapesHTMLInProse() {
        #expect(Prose.inline("<script>alert(1)</script> & co") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co")
    }
}

@Suite struct InlineSVGTests {
    @Test func idsAndTheirReferencesGetTheChartsPrefix() {
        let svg = "<?xml version=\"1.0\"?>\n<svg viewBox='0 0 10 10'><title>Gnuplot</title><defs><path id='gpPt6'/></defs>"
            + "<g id=\"gnuplot_canvas\"><use xlink:href='#gpPt6'/><rect fill='url(#gpPat1)'/></g></svg>"
        let embedded = InlineSVG.embed(svg, prefix: "c2-1")
        #expect(embedded == "<svg viewBox='0 0 10 10'><defs><path id='c2-1-gpPt6'/></defs>"
                + "<g id=\"c2-1-gnuplot_canvas\"><use xlink:href='#c2-1-gpPt6'/><rect fill='url(#c2-1-gpPat1)'/></g></svg>")
    }

    /// A chart's text is an item id as written: `x id="evil" y` is not an attribute to rename.
    @Test func theChartsTextIsLeftAsWritten() {
        let svg = "<svg><text id='t'>x id=\"evil\" y href='#gp' z url(#a) w</text></svg>"
        #expect(InlineSVG.embed(svg, prefix: "c2") == "<svg><text id='c2-t'>x id=\"evil\" y href='#gp' z url(#a) w</text></svg>")
    }
}

/// The elements of an XML document, in order, with their attributes; parsing fails on any
/// unescaped `<` or `&` or unbalanced tag.
final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var text = ""
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        elements.append((name, attributes))
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    static func parse(_ document: String) -> ElementCollector? {
        let collector = ElementCollector()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }

    func count(_ name: String, class wanted: String? = nil) -> Int {
        elements.filter { $0.name == name && (wanted == nil || ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(wanted!))) }.count
    }
}

@Suite(.serialized) struct NotebookRenderingTests {
    /// Runs `script` as a notebook in a fresh interpreter whose own output is discarded.
    func run(_ script: String, source: String = "nb.hz") -> NotebookRun {
        NotebookRun.run(Notebook(text: script, source: source), in: Interpreter(output: OutputBuffer()))
    }

    @Test(.enabled(if: gnuplotInstalled, "needs gnuplot"))
    func htmlIsWellFormedWithRealTablesChartsAndEscapedText() throws {
        let folder = try scratchFolder()
        let data = try trickyData(in: folder)
        let result = run("""
            # %% Data
            # Items named with *markup*.
            load \(data)
            show "A<b>&c" n=3

            # %% Scores
            set horizon 4
            train snaive
            train mean window=8
            evaluate by=item
            plot "A<b>&c"
            """)
        #expect(result.stop == nil)
        let html = HTMLNotebook.render(result)
        let page = try #require(ElementCollector.parse(html), "the page is not well-formed")
        #expect(page.count("section", class: "cell") == 2)
        #expect(page.count("h2") == 2)
        #expect(page.count("table") == 2)
        #expect(page.count("svg") == 1)
        #expect(page.count("td", class: "num") > 10)
        #expect(page.count("pre", class: "source") == 2)
        #expect(page.count("script") == 0 && page.count("link") == 0 && page.count("b") == 0)
        #expect(html.contains("A&lt;b&gt;&amp;c"))
        #expect(!html.contains("A<b>"))
        // Each statement's output is labelled with its command in cells of several statements.
        #expect(page.count("div", class: "label") == 7)
        // Nothing is fetched: no external address outside the SVG namespace declarations.
        let external = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            .replacingOccurrences(of: "xmlns:xlink=\"http://www.w3.org/1999/xlink\"", with: "")
        #expect(!external.contains("http://") && !external.contains("https://"))
    }

    @Test func aFailingStatementIsShownInItsCellAndStopsTheRest() throws {
        let result = run("""
            # %% One
            help describe

            # %% Two
            set horizon 4
            describe
            help describe

            # %% Three
            help
            """)
        let stop = try #require(result.stop)
        #expect(stop.reason == .error && stop.cell == 1)
        #expect(stop.message == "nb.hz:6:1: error: no data loaded: start with 'load PATH'")
        #expect(result.steps.map(\.count) == [1, 2, 0])
        let html = HTMLNotebook.render(result)
        let page = try #require(ElementCollector.parse(html))
        #expect(page.count("div", class: "error") == 1)
        #expect(page.count("section", class: "not-run") == 1)
        let errorAt = try #require(html.range(of: "class=\"error\""))
        let second = try #require(html.range(of: "id=\"cell-2\"")), third = try #require(html.range(of: "id=\"cell-3\""))
        #expect(second.upperBound < errorAt.lowerBound && errorAt.upperBound < third.lowerBound)
    }

    @Test func aParseErrorRunsNothingAndIsShownWhereItIs() throws {
        let result = run("help\n\ntrian snaive\n")
        #expect(result.stop?.cell == 1)
        #expect(result.stop?.message == "nb.hz:3:1: error: unknown command 'trian'; did you mean 'train'?")
        #expect(result.steps.allSatisfy { $0.isEmpty })
    }

    @Test func quitEndsTheNotebookWithoutAnError() throws {
        let result = run("help quit\n\nquit\n\nhelp\n")
        #expect(result.stop?.reason == .quit && result.stop?.cell == 1)
        #expect(ElementCollector.parse(HTMLNotebook.render(result)) != nil)
    }

    @Test(.enabled(if: gnuplotInstalled, "needs gnuplot"))
    func markdownLinksChartFilesBesideItAndRemovesStaleOnes() throws {
        let folder = try scratchFolder()
        let data = try trickyData(in: folder)
        let output = folder + "/out/report.md"
        let charts = folder + "/out/report_files"
        try FileManager.default.createDirectory(atPath: charts, withIntermediateDirectories: true)
        try "old".write(toFile: charts + "/cell9-1.svg", atomically: false, encoding: .utf8)
        try "mine".write(toFile: charts + "/notes.txt", atomically: false, encoding: .utf8)
        let result = run("load \(data)\nset horizon 4\ntrain snaive\n\n# %% Charts\nplot plain\nplot \"A<b>&c\" to \(folder)/out/fan.svg\nevaluate\n")
        let written = try NotebookFile.write(result, to: output)
        #expect(written == [output, charts + "/cell2-1.svg"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: charts).sorted() == ["cell2-1.svg", "notes.txt"])
        let markdown = try String(contentsOfFile: output, encoding: .utf8)
        #expect(markdown.contains("](report_files/cell2-1.svg)"))
        #expect(markdown.contains("](fan.svg)"))
        #expect(markdown.contains("| model | wQL\\[p10\\] |"))
        #expect(markdown.contains("| --- | ---: |"))
        #expect(markdown.hasPrefix("# nb.hz\n"))
        let svg = try String(contentsOfFile: charts + "/cell2-1.svg", encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("plain"))
    }

    @Test func markdownEscapesTableCells() {
        #expect(MarkdownNotebook.escape("A<b>&c|d*e_f") == "A&lt;b&gt;&amp;c\\|d\\*e\\_f")
        #expect(MarkdownNotebook.relativePath(of: "/a/b/c.svg", from: "/a/d") == "../b/c.svg")
    }

    @Test func theFormatFollowsTheExtension() throws {
        #expect(try NotebookFile.format(of: "x/y.HTML") == .html)
        #expect(try NotebookFile.format(of: "y.md") == .markdown)
        #expect(throws: HorizonError.self) { try NotebookFile.format(of: "y.pdf") }
        #expect(NotebookFile.chartFolder(of: "out/evolution.md") == "out/evolution_files")
    }
}
