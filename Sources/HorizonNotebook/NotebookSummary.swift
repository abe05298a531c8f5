/// The line under a notebook's title: the script, its cells, and how the run ended.
enum NotebookSummary {
    static func line(_ run: NotebookRun) -> String {
        let cells = run.notebook.cells.count
        var text = "\(run.notebook.source) · \(cells) cell\(cells == 1 ? "" : "s") · run by Horizon"
        switch run.stop?.reason {
        case nil: text += " to the end"
        case .error?: text += "; stopped by an error in cell \(run.stop!.cell + 1)"
        case .interrupted?: text += "; interrupted in cell \(run.stop!.cell + 1)"
        case .quit?: text += "; quit in cell \(run.stop!.cell + 1)"
        }
        return text
    }
}
