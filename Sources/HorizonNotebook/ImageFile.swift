import Foundation

/// A chart that `plot … to PATH` wrote during the run, read back so the HTML notebook can
/// carry it (the page must not depend on files beside it).
enum ImageFile {
    case svg(String)
    case png(Data)

    /// The file at `path` (relative to the working directory, as `plot` wrote it), or nil if
    /// it is gone or of another kind.
    static func read(_ path: String) -> ImageFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        switch (path as NSString).pathExtension.lowercased() {
        case "svg": return String(data: data, encoding: .utf8).map(ImageFile.svg)
        case "png": return .png(data)
        default: return nil
        }
    }
}
