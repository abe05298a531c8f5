import Foundation
import HorizonCore

/// Passes output on and keeps a copy of every table: what `evaluate … to PATH.csv` writes.
final class TableCapture: OutputSink {
    let screen: OutputSink
    private(set) var tables: [TextTable] = []

    init(forwardingTo screen: OutputSink) { self.screen = screen }

    func emit(_ block: OutputBlock) {
        if case .table(let table) = block { tables.append(table) }
        screen.emit(block)
    }
}

extension Interpreter {
    /// The tables as one CSV: their headers once (a first column `table` with each row's
    /// table title when there are several), then the rows as shown. Numbers are written as
    /// they are; any other cell is text from data or names, quoted and kept from reading as a
    /// spreadsheet formula.
    func writeTables(_ tables: [TextTable], to path: Located<String>) throws {
        guard let first = tables.first else { throw HorizonError("this command printed no table to write", at: path.location) }
        guard tables.allSatisfy({ $0.headers == first.headers }) else {
            throw HorizonError("this command printed tables with different columns, which one CSV cannot hold", at: path.location)
        }
        let several = tables.count > 1
        func cell(_ text: String) -> String { Double(text) != nil ? text : CSVField.text(text) }
        var csv = ((several ? ["table"] : []) + first.headers).map(cell).joined(separator: ",") + "\n"
        var rows = 0
        for table in tables {
            for row in table.rows {
                csv += ((several ? [table.title ?? ""] : []) + row).map(cell).joined(separator: ",") + "\n"
                rows += 1
            }
        }
        try writeFile(path, csv)
        emit("wrote \(rows) row\(rows == 1 ? "" : "s")" + (several ? " of \(tables.count) tables" : "") + " to \(Visible.name(path.value))")
    }
}
