import Foundation
import HorizonCore
import HorizonData
import HorizonForecast

/// Writes a batch job's forecasts as CSV — `item,time,step,model,point,p10,p50,p90` — to a
/// file descriptor, in chunks as each model's forecasts arrive, so the rows of a million
/// series are never held whole.
///
/// The columns are fixed by the first forecast's levels. Item ids are quoted as RFC 4180 says
/// and otherwise written as they are (no spreadsheet apostrophe: a program reads this, and the
/// ids must join back to its input); numbers are written in full precision.
public final class BatchWriter {
    private let fd: Int32
    private var buffer = ""
    /// The quantile levels of the columns, once the first forecast has set them.
    public private(set) var levels: [Double]?
    public private(set) var rows = 0
    /// The header, for levels not yet set by a forecast (a job that forecast nothing).
    private let defaultLevels: [Double]

    public init(fd: Int32, levels: [Double]) {
        self.fd = fd
        defaultLevels = levels
    }

    func write(_ forecast: PanelForecast, model: String, panel: Panel) throws {
        guard let first = forecast.items.first else { return }
        if levels == nil { start(first.levels) }
        guard first.levels == levels else { throw HorizonError("the quantiles cannot change after the first forecast: the output's columns are set") }
        let name = CSVField.quoted(model)
        for item in forecast.items {
            guard let series = panel[item.id] else { continue }
            let id = CSVField.quoted(item.id)
            for h in 0..<item.horizon {
                buffer += "\(id),\(panel.timeLabel(panel.time(of: series, at: series.count + h))),\(h + 1),\(name),\(item.point[h])"
                for q in item.quantiles { buffer += ",\(q[h])" }
                buffer += "\n"
                rows += 1
            }
            if buffer.utf8.count >= 1 << 20 { try flush() }
        }
    }

    /// Writes what is buffered (and the header, when nothing was forecast).
    public func finish() throws {
        if levels == nil { start(defaultLevels) }
        try flush()
    }

    private func start(_ levels: [Double]) {
        self.levels = levels
        buffer += "item,time,step,model,point," + levels.map(NumberFormat.quantileName).joined(separator: ",") + "\n"
    }

    private func flush() throws {
        try AtomicFile.writeAll(Data(buffer.utf8), to: fd)
        buffer = ""
    }
}
