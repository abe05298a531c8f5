import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `scripts/evolution.hz` run with `--notebook` once, for the tests that look at the page: from
/// the repository root (its data path is relative to it), with every network trained for one
/// epoch instead of its sixty: the page has the same cells, tables and charts, and a debug
/// build renders it in about a minute instead of several.
let walkthroughNotebook: Result<(run: Run, html: String, path: String, script: String), Error> = Result {
    let folder = try temporaryDirectory()
    let original = try String(contentsOfFile: repositoryRoot + "/scripts/evolution.hz", encoding: .utf8)
    let script = try NSRegularExpression(pattern: "epochs=[0-9]+")
        .stringByReplacingMatches(in: original, range: NSRange(original.startIndex..., in: original), withTemplate: "epochs=1")
    try script.write(toFile: folder + "/evolution.hz", atomically: false, encoding: .utf8)
    let path = folder + "/evolution.html"
    let run = try horizon([folder + "/evolution.hz", "--notebook", path], in: repositoryRoot)
    return (run, try String(contentsOfFile: path, encoding: .utf8), path, script)
}

/// The elements of a well-formed page, with their attributes and text (nil if it is not
/// well-formed XML: an unescaped `<` or `&`, or an unclosed tag).
final class PageOutline: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String], text: String)] = []
    private var open: [Int] = []

    static func parse(_ html: String) -> PageOutline? {
        let outline = PageOutline()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = outline
        return parser.parse() ? outline : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        open.append(elements.count)
        elements.append((name, attributes, ""))
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { open.removeLast() }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        for i in open { elements[i].text += string }
    }

    func all(_ name: String, class wanted: String? = nil) -> [(name: String, attributes: [String: String], text: String)] {
        elements.filter { element in
            element.name == name && (wanted.map { (element.attributes["class"] ?? "").split(separator: " ").contains(Substring($0)) } ?? true)
        }
    }
}

/// Runs a program, ending it if it takes longer than `timeout` seconds; nil when it had to be ended.
func runProgram(_ executable: String, _ arguments: [String], timeout: Double) throws -> Int32? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(50_000) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        return nil
    }
    return process.terminationStatus
}

let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Durations masked: `0.12 s`, and `1:23` or `1:02:03` clocks.
func maskingTimings(_ text: String) -> String {
    var masked = text
    for (pattern, mask) in [("\\b[0-9]+\\.[0-9]+ s\\b", "T s"), ("\\b[0-9]+:[0-9]{2}(:[0-9]{2})?\\b", "T")] {
        let regex = try! NSRegularExpression(pattern: pattern)
        masked = regex.stringByReplacingMatches(in: masked, range: NSRange(masked.startIndex..., in: masked), withTemplate: mask)
    }
    return masked
}

/// 24 weekly series over 160 weeks: seasonal with deterministic noise, a few short ones.
func generatedPanel(in folder: String) throws -> String {
    var csv = "item,week,sales,price\n"
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for i in 0..<24 {
        let start = i % 6 == 5 ? 100 : 0
        for w in start..<160 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Double(state >> 40) / Double(1 << 24) * 12
            let date = Date(timeIntervalSince1970: 1_546_819_200 + Double(w) * 604_800)
            let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            let sales = (40 + Double(i) + 18 * sin(2 * Double.pi * Double(w) / 52 + Double(i)) + noise).rounded()
            csv += "S\(String(format: "%02d", i)),\(day),\(sales),\(9 + i % 3)\n"
        }
    }
    let path = folder + "/panel.csv"
    try csv.write(toFile: path, atomically: false, encoding: .utf8)
    return path
}

@Suite(.serialized) struct NotebookCommandLineTests {
    @Test(.enabled(if: gnuplotInstalled, "needs gnuplot"))
    func theWalkthroughNotebookHasItsCellsTablesAndCharts() throws {
        let (run, html, path, script) = try walkthroughNotebook.get()
        #expect(run.status == 0, "\(run.stderr)")
        let lines = script.split(separator: "\n").map(String.init)
        let titles = lines.filter { $0.hasPrefix("# %% ") }.map { String($0.dropFirst(5)) }
        #expect(run.stdout.hasSuffix("wrote the notebook \(path) (\(titles.count + 1) cells)\n"))
        let page = try #require(PageOutline.parse(html), "the notebook is not well-formed")
        #expect(page.all("h2").map(\.text) == titles)
        #expect(page.all("section", class: "cell").count == titles.count + 1)  // the introduction comes first
        #expect(page.all("section", class: "text").count == 1)
        // One table from each of these commands (from forecast, one per item named, else three;
        // from report, only a combination's: its members beside it), one chart from each plot
        // without 'to'.
        let commands = lines.map { $0.split(separator: " ").first.map(String.init) ?? "" }
        let forecastTables = lines.filter { $0.hasPrefix("forecast ") }.map { line in
            let items = line.split(separator: " ").dropFirst(2).filter { !$0.contains("=") }
            return items.isEmpty ? 3 : items.count
        }
        let tables = commands.filter { ["describe", "show", "evaluate", "compare", "backtest", "decide"].contains($0) }.count
            + forecastTables.reduce(0, +) + lines.filter { $0.hasPrefix("report combo ") }.count
        let charts = lines.filter { $0.hasPrefix("plot ") && !$0.contains(" to ") }
        #expect(tables >= 7 && charts.count >= 2)
        #expect(page.all("table").count == tables)
        #expect(page.all("svg").count == charts.count)
        #expect(page.all("figure", class: "chart").count == charts.count)
        #expect(page.all("div", class: "error").isEmpty && page.all("section", class: "not-run").isEmpty)
        let evaluate = try #require(page.all("caption").first { $0.text.hasPrefix("holdout: 8 steps, 222 series") })
        #expect(!evaluate.text.isEmpty)
        #expect(page.all("td", class: "num").count > 100)
        #expect(page.all("th", class: "num").contains { $0.text == "MASE" })
        #expect(page.all("pre", class: "source").first?.text.contains("load datasets/retail-demo.csv") == true)
        #expect(page.all("script").isEmpty && page.all("link").isEmpty && page.all("img").isEmpty)
        let external = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            .replacingOccurrences(of: "xmlns:xlink=\"http://www.w3.org/1999/xlink\"", with: "")
        #expect(!external.contains("http:") && !external.contains("https:") && !external.contains("url(http"))
    }

    /// Headless Chromium, offline, renders the walkthrough notebook: the screenshot must show
    /// a page (many non-background pixels, many colours) with the charts' colours in it.
    @Test(.enabled(if: gnuplotInstalled && chromium != nil, "needs gnuplot and chromium"))
    func theWalkthroughNotebookRendersInHeadlessChromium() throws {
        let (run, _, path, _) = try walkthroughNotebook.get()
        #expect(run.status == 0)
        let folder = (path as NSString).deletingLastPathComponent
        let shot = folder + "/notebook.png"
        let status = try runProgram(chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                                                "--user-data-dir=\(folder)/chromium-profile", "--window-size=1200,4000",
                                                "--screenshot=\(shot)", "file://\(path)"], timeout: 120)
        #expect(status == 0)
        let image = try PNGImage(try Data(contentsOf: URL(fileURLWithPath: shot)))
        #expect(image.width == 1200 && image.height == 4000)
        var counts: [UInt32: Int] = [:]
        for p in image.pixels { counts[UInt32(p.r) << 16 | UInt32(p.g) << 8 | UInt32(p.b), default: 0] += 1 }
        let background = counts.values.max() ?? 0
        let inked = Double(image.pixels.count - background) / Double(image.pixels.count)
        #expect(inked > 0.15, "only \(inked) of the page differs from its background")
        #expect(counts.count > 200)
        // The fan chart's actuals are drawn in #d62728, its median in #1f77b4: only an SVG chart has them.
        let red = image.pixels.filter { $0.r > 180 && $0.g < 80 && $0.b < 80 }.count
        let blue = image.pixels.filter { abs(Int($0.r) - 31) < 20 && abs(Int($0.g) - 119) < 20 && abs(Int($0.b) - 180) < 20 }.count
        #expect(red > 50 && blue > 100, "red \(red), blue \(blue)")
    }

    /// The same script on the same data twice, with random draws (a network, a refitted
    /// backtest, sampled lead-time demand): output and notebook agree byte for byte once
    /// durations are masked.
    @Test(.enabled(if: gnuplotInstalled, "needs gnuplot"))
    func aScriptRunTwiceGivesTheSameBytes() throws {
        let data = try generatedPanel(in: try temporaryDirectory())
        let script = """
            # %% Reproducible
            load \(data)
            set seed 3
            set horizon 6
            holdout 6
            train snaive
            train mlp epochs=2
            evaluate
            backtest mlp windows=2
            decide cu=4 co=1 leadtime=3 model=mlp
            plot S03 model=mlp
            models
            """
        var outputs: [(stdout: String, notebook: String)] = []
        for _ in 0..<2 {
            let folder = try temporaryDirectory()
            try script.write(toFile: folder + "/repro.hz", atomically: false, encoding: .utf8)
            let run = try horizon(["repro.hz", "--notebook", "repro.html"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            outputs.append((run.stdout, try String(contentsOfFile: folder + "/repro.html", encoding: .utf8)))
        }
        #expect(outputs[0].stdout.contains("trained mlp") && outputs[0].stdout.contains("pooled"))
        #expect(outputs[0].stdout != maskingTimings(outputs[0].stdout))  // there were timings to mask
        #expect(Data(maskingTimings(outputs[0].stdout).utf8) == Data(maskingTimings(outputs[1].stdout).utf8))
        #expect(Data(maskingTimings(outputs[0].notebook).utf8) == Data(maskingTimings(outputs[1].notebook).utf8))
    }

    @Test func aFailingScriptStillWritesItsNotebookAndExitsNonZero() throws {
        let folder = try temporaryDirectory()
        try "# %% Fine\nhelp describe\n\n# %% Broken\nset horizon 4\nevaluate\n\n# %% Never\nhelp\n".write(toFile: folder + "/bad.hz", atomically: false, encoding: .utf8)
        let run = try horizon(["bad.hz", "--notebook", "out/bad.html"], in: folder)
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.hz:6:1: error: no data loaded"))
        let page = try #require(PageOutline.parse(try String(contentsOfFile: folder + "/out/bad.html", encoding: .utf8)))
        #expect(page.all("div", class: "error").first?.text.contains("bad.hz:6:1: error: no data loaded") == true)
        #expect(page.all("section", class: "not-run").count == 1)
    }

    /// The page is never written over the data the script loaded, and a target that cannot be
    /// a page is refused before the script runs.
    @Test func aNotebookNeverReplacesTheDataAndIsCheckedBeforeTheRun() throws {
        let folder = try temporaryDirectory()
        let data = try String(contentsOfFile: repositoryRoot + "/datasets/retail-demo.csv", encoding: .utf8)
        try data.write(toFile: folder + "/d.html", atomically: false, encoding: .utf8)
        try "load d.html\nset horizon 8\ntrain naive\n".write(toFile: folder + "/nb.hz", atomically: false, encoding: .utf8)
        let over = try horizon(["nb.hz", "--notebook", "d.html"], in: folder)
        #expect(over.status == 2)
        #expect(over.stderr.contains("error: the notebook 'd.html' would be written over the data this session loaded ('d.html')"), "\(over.stderr)")
        #expect(try String(contentsOfFile: folder + "/d.html", encoding: .utf8) == data)

        try FileManager.default.createDirectory(atPath: folder + "/adir.html", withIntermediateDirectories: false)
        let intoFolder = try horizon(["nb.hz", "--notebook", "adir.html"], in: folder)
        #expect(intoFolder.status != 0 && intoFolder.stderr.contains("--notebook adir.html is a folder"))
        #expect(intoFolder.stdout.isEmpty)  // refused before the script ran
        let underFile = try horizon(["nb.hz", "--notebook", "nb.hz/o.md"], in: folder)
        #expect(underFile.status != 0 && underFile.stderr.contains("'nb.hz' is a file, not a folder"))

        // A file the script writes where the page goes would be lost under it: refused in its cell.
        try "load d.html\nsave session ./own.md\n".write(toFile: folder + "/own.hz", atomically: false, encoding: .utf8)
        let own = try horizon(["own.hz", "--notebook", "own.md"], in: folder)
        #expect(own.status == 1)
        #expect(own.stderr.contains("own.hz:2:14: error: './own.md' is the notebook this run writes ('own.md')"), "\(own.stderr)")
        #expect(try String(contentsOfFile: folder + "/own.md", encoding: .utf8).hasPrefix("# own.hz"))
    }

    /// A chart the script itself wrote into the page's chart folder is kept, not taken for a stale one.
    @Test(.enabled(if: gnuplotInstalled, "needs gnuplot"))
    func aChartTheScriptWroteBesideThePageStays() throws {
        let folder = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder + "/nb_files", withIntermediateDirectories: false)
        try "load \(repositoryRoot)/datasets/retail-demo.csv\nset horizon 4\ntrain snaive\nplot JACKET-01 to nb_files/cell1-1.svg\n"
            .write(toFile: folder + "/nb.hz", atomically: false, encoding: .utf8)
        let run = try horizon(["nb.hz", "--notebook", "nb.md"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder + "/nb_files/cell1-1.svg"))
    }

    /// A script refused whole (a typo in its last cell) ran nothing: every other cell is marked not run.
    @Test func aScriptRefusedWholeMarksEveryCellNotRun() throws {
        let folder = try temporaryDirectory()
        try "# %% One\nset horizon 8\n\n# %% Two\nset seed 3\n\n# %% Three\ntrain snaiv\n".write(toFile: folder + "/t.hz", atomically: false, encoding: .utf8)
        let run = try horizon(["t.hz", "--notebook", "t.md"], in: folder)
        #expect(run.status == 1)
        let page = try String(contentsOfFile: folder + "/t.md", encoding: .utf8)
        #expect(page.components(separatedBy: "*not run*").count == 3)
        #expect(page.contains("**Error** — the script was checked whole before running, and nothing ran:"))
    }

    @Test func notebookNeedsAScriptAndAKnownFormat() throws {
        let missing = try horizon(["--notebook", "x.html"])
        #expect(missing.status != 0 && missing.stderr.contains("--notebook needs a SCRIPT"))
        let format = try horizon(["scripts/evolution.hz", "--notebook", "x.pdf"], in: repositoryRoot)
        #expect(format.status != 0 && format.stderr.contains(".html"))
        #expect(!FileManager.default.fileExists(atPath: repositoryRoot + "/x.pdf"))
    }
}
