import Foundation
import HorizonCore
import HorizonLanguage

/// A notebook run as one self-contained HTML page: inline CSS, charts as inline SVG, images
/// written by `plot … to` embedded, nothing fetched from anywhere, so it opens offline.
/// Every piece of text is escaped, and the page is well-formed XML as well as HTML.
enum HTMLNotebook {
    static func render(_ run: NotebookRun) -> String {
        let notebook = run.notebook
        let name = (notebook.source as NSString).lastPathComponent
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>\(HTMLText.escape(name)) — Horizon notebook</title>
            <style>\(style)</style>
            </head>
            <body>
            <main>
            <header><h1>\(HTMLText.escape(name))</h1><p class="meta">\(HTMLText.escape(NotebookSummary.line(run)))</p></header>

            """
        for (c, cell) in notebook.cells.enumerated() {
            html += section(cell, index: c, run: run)
        }
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    private static func section(_ cell: Notebook.Cell, index c: Int, run: NotebookRun) -> String {
        let notRun = run.didNotRun(c)
        var html = "<section class=\"cell\(cell.code.isEmpty ? " text" : "")\(notRun ? " not-run" : "")\" id=\"cell-\(c + 1)\">\n"
        if let title = cell.title { html += "<h2>\(Prose.inline(title))</h2>\n" }
        if !cell.prose.isEmpty { html += "<div class=\"prose\">\(Prose.html(cell.prose))</div>\n" }
        if !cell.code.isEmpty {
            html += "<pre class=\"source\"><code>"
            html += cell.code.map { line in
                let text = HTMLText.escape(line.text)
                let body = line.text.trimmingCharacters(in: .whitespaces).hasPrefix("#") ? "<span class=\"comment\">\(text)</span>" : text
                return "<span class=\"ln\">\(line.number)</span>\(body)"
            }.joined(separator: "\n")
            html += "</code></pre>\n"
        }
        let steps = run.steps[c]
        var chart = 0
        for step in steps {
            html += "<div class=\"out\" id=\"line-\(step.statement.location.line)\">"
            if steps.count > 1 { html += "<div class=\"label\">\(HTMLText.escape(step.statement.text))</div>" }
            for (k, block) in step.blocks.enumerated() {
                html += "\n" + self.block(block, drawn: step.drawn[k], chart: &chart, cell: c)
            }
            html += "</div>\n"
        }
        if let stop = run.stop, stop.cell == c {
            switch stop.reason {
            case .error, .interrupted:
                html += "<div class=\"error\"><pre>\(HTMLText.escape(stop.message ?? "error"))</pre>"
                    + "<p>\(HTMLText.escape(run.stopWords.prefix(1).uppercased() + run.stopWords.dropFirst())).</p></div>\n"
            case .quit:
                if c + 1 < run.notebook.cells.count { html += "<p class=\"notice\">quit: the cells below did not run.</p>\n" }
            }
        } else if notRun {
            html += "<p class=\"notice\">not run</p>\n"
        }
        return html + "</section>\n"
    }

    /// `drawn`: for an image block, the chart as Horizon drew it (never the file as it is now).
    private static func block(_ block: OutputBlock, drawn: ImageFile?, chart: inout Int, cell: Int) -> String {
        switch block {
        case .text(let text):
            return "<pre class=\"text\">\(HTMLText.escape(text))</pre>"
        case .table(let table):
            return self.table(table)
        case .chart(let text):
            return "<pre class=\"text\">\(HTMLText.escape(text))</pre>"
        case .svg(let svg):
            guard SVGCheck.isInert(svg) else { return "<p class=\"notice\">(a chart that could not be shown safely)</p>" }
            chart += 1
            return "<figure class=\"chart\">\(InlineSVG.embed(svg, prefix: "c\(cell + 1)-\(chart)"))</figure>"
        case .image(let path):
            let note = "<figcaption>wrote \(HTMLText.escape(path))</figcaption>"
            switch drawn {
            case .svg(let svg)?:
                chart += 1
                return "<figure class=\"chart\">\(InlineSVG.embed(svg, prefix: "c\(cell + 1)-\(chart)"))\(note)</figure>"
            case .png(let data)?:
                return "<figure class=\"chart\"><img alt=\"\(HTMLText.escape(path))\" src=\"data:image/png;base64,\(data.base64EncodedString())\" />\(note)</figure>"
            case nil:
                return "<p class=\"notice\">wrote \(HTMLText.escape(path))</p>"
            }
        }
    }

    /// A real table: a caption, header cells, numeric columns right-aligned, notes below.
    static func table(_ table: TextTable) -> String {
        let numeric = table.resolvedAlignments.map { $0 == .right }
        // The first column's names (ets+seasonality+elasticity) may break after each '+', so it
        // stays narrow beside a wide table instead of pushing the numbers out of view; the break
        // is self-closed, as the page is well-formed XML.
        func cells(_ row: [String], tag: String) -> String {
            row.enumerated().map { i, cell in
                let text = HTMLText.escape(cell)
                return "<\(tag)\(numeric[i] ? " class=\"num\"" : "")>\(i == 0 ? text.replacingOccurrences(of: "+", with: "+<wbr/>") : text)</\(tag)>"
            }.joined()
        }
        var html = "<div class=\"table\"><table>"
        if let title = table.title { html += "<caption>\(HTMLText.escape(title))</caption>" }
        html += "<thead><tr>" + cells(table.headers, tag: "th") + "</tr></thead><tbody>"
        for row in table.rows { html += "\n<tr>" + cells(row, tag: "td") + "</tr>" }
        html += "</tbody></table>"
        if !table.notes.isEmpty { html += "<div class=\"notes\">" + table.notes.map { "<p>\(HTMLText.escape($0))</p>" }.joined() + "</div>" }
        return html + "</div>"
    }

    /// Light, readable and offline: system fonts only.
    static let style = """

        body { margin: 0; background: #f6f7f9; color: #1f2328; font: 15px/1.55 system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        main { max-width: 1120px; margin: 0 auto; padding: 20px 28px 60px; }
        header h1 { font-size: 1.75em; margin: 0.3em 0 0.1em; }
        .meta { color: #656d76; margin: 0 0 1em; }
        section.cell { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; padding: 12px 18px 14px; margin: 16px 0; }
        section.text { background: transparent; border: none; padding: 0 2px; }
        section.not-run { opacity: 0.55; }
        h2 { font-size: 1.25em; margin: 0.2em 0 0.4em; }
        .prose p { margin: 0.35em 0; }
        code, pre { font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
        .prose code { background: #eff1f3; padding: 1px 4px; border-radius: 4px; }
        pre { margin: 0; overflow-x: auto; white-space: pre; }
        pre.source { background: #f3f5f8; border-left: 3px solid #3b6fd4; border-radius: 4px; padding: 8px 12px; margin: 8px 0 4px; }
        .ln { display: inline-block; width: 3em; color: #a0a7b0; user-select: none; }
        .comment { color: #6a737d; font-style: italic; }
        .out { margin: 10px 0 0; }
        .label { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; color: #8c959f; margin: 0 0 2px; }
        .label::before { content: "\\203A  "; }
        pre.text { padding: 2px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        .table { overflow-x: auto; margin: 4px 0; }
        table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
        caption { caption-side: top; text-align: left; font-weight: 600; padding: 2px 0 6px; white-space: nowrap; }
        th, td { padding: 3px 10px; border-bottom: 1px solid #e3e7eb; white-space: nowrap; text-align: left; }
        th { background: #f3f5f8; font-weight: 600; }
        /* The first column (model, item) stays in view while a wide table scrolls, and a long name wraps. */
        th:first-child, td:first-child { position: sticky; left: 0; z-index: 1; background: #fff; max-width: 16em; white-space: normal; }
        th:first-child { background: #f3f5f8; }
        .num { text-align: right; }
        tbody tr:hover { background: #f8fafc; }
        .notes { color: #57606a; font-size: 12.5px; margin: 6px 0 0; }
        .notes p { margin: 0; }
        figure.chart { margin: 10px 0; }
        figure.chart svg, figure.chart img { display: block; width: 100%; max-width: 1000px; height: auto; }
        figcaption { color: #656d76; font-size: 12.5px; }
        .error { background: #fff1f0; border: 1px solid #f5c2bf; color: #8c1d18; border-radius: 6px; padding: 8px 12px; margin: 10px 0 0; }
        .error p { margin: 4px 0 0; }
        .notice { color: #8c959f; font-style: italic; margin: 8px 0 0; }

        """
}
