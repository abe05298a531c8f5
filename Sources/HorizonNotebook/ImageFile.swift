import Foundation
import HorizonCore

/// A chart that `plot … to PATH` wrote during the run, read back the moment `plot` reported
/// it, so the HTML notebook carries what Horizon drew (the page must not depend on files
/// beside it, and a file written over the chart later in the script must not take its place).
enum ImageFile: Equatable {
    case svg(String)
    case png(Data)

    /// Charts are far smaller; a bigger file is not one of them.
    static let maxBytes = 32 << 20

    /// The chart at `path` if it is one Horizon could have drawn: a regular file of a chart's
    /// size holding an inert SVG document or a PNG image; otherwise nil (the notebook then
    /// names the file instead of inlining it).
    static func read(_ path: String) -> ImageFile? {
        guard RegularFile.problem(path, maxBytes: maxBytes) == nil, let data = FileManager.default.contents(atPath: path) else { return nil }
        switch (path as NSString).pathExtension.lowercased() {
        case "svg":
            guard let text = String(data: data, encoding: .utf8), SVGCheck.isInert(text) else { return nil }
            return .svg(text)
        case "png":
            guard data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
            return .png(data)
        default: return nil
        }
    }
}
