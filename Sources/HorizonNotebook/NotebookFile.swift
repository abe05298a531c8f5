import Foundation
import HorizonCore

/// Writing a notebook run to disk, in the format its file name asks for.
public enum NotebookFile {
    public enum Format: Equatable, Sendable {
        case html, markdown
    }

    /// `.html`/`.htm` or `.md`/`.markdown`; anything else is refused before the script runs.
    public static func format(of path: String) throws -> Format {
        switch (path as NSString).pathExtension.lowercased() {
        case "html", "htm": return .html
        case "md", "markdown": return .markdown
        default: throw HorizonError("a notebook is written as .html (one self-contained page) or .md (charts in a folder beside it), got '\(path)'")
        }
    }

    /// The folder of a Markdown notebook's charts: `OUT_files` beside `OUT.md`.
    public static func chartFolder(of path: String) -> String {
        ((path as NSString).deletingPathExtension) + "_files"
    }

    /// Writes the notebook (and, for Markdown, its chart files) and returns what it wrote.
    /// Every file is written atomically, so a crash never leaves half a notebook.
    @discardableResult
    public static func write(_ run: NotebookRun, to path: String) throws -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        switch try format(of: path) {
        case .html:
            try AtomicFile.write(HTMLNotebook.render(run), to: path)
            return [path]
        case .markdown:
            let folder = chartFolder(of: path)
            let rendered = MarkdownNotebook.render(run, chartFolder: (folder as NSString).lastPathComponent,
                                                   directory: directory.isEmpty ? "." : directory)
            var written: [String] = []
            if !rendered.charts.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                for chart in rendered.charts {
                    let file = (folder as NSString).appendingPathComponent(chart.name)
                    try AtomicFile.write(chart.svg, to: file)
                    written.append(file)
                }
            }
            // Files the script itself wrote there (`plot … to OUT_files/cell1-1.svg`) stay too.
            let wroteThere = run.steps.joined().flatMap(\.blocks).compactMap { block -> String? in
                if case .image(let file) = block { return file } else { return nil }
            }
            try removeStaleCharts(in: folder, keeping: Set(rendered.charts.map(\.name)), written: wroteThere)
            try AtomicFile.write(rendered.text + "\n", to: path)
            return [path] + written
        }
    }

    /// Charts of an earlier run that this one no longer has (`cellN-M.svg` only, and none
    /// this run's script wrote: nothing else in the folder is touched).
    private static func removeStaleCharts(in folder: String, keeping names: Set<String>, written: [String]) throws {
        guard let listed = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let pattern = try NSRegularExpression(pattern: "^cell[0-9]+-[0-9]+\\.svg$")
        for name in listed where !names.contains(name)
            && pattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil {
            let file = (folder as NSString).appendingPathComponent(name)
            if written.contains(where: { AtomicFile.sameFile($0, file) }) { continue }
            try FileManager.default.removeItem(atPath: file)
        }
    }
}
