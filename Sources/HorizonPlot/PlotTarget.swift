import Foundation
import HorizonCore

/// Where a chart goes: drawn as text in the terminal, written to an image file, or returned
/// as an SVG document.
public enum PlotTarget: Equatable, Sendable {
    /// `dumb` (plain text), `ansi`/`ansi256`/`ansirgb` (coloured text) or `sixel` (graphics
    /// in terminals that support it).
    case terminal(style: String, width: Int, height: Int)
    case png(path: String)
    case svg(path: String)
    /// An SVG document returned as text (for a notebook), sized by its container.
    case svgDocument

    public static let terminalStyles = ["dumb", "ansi", "ansi256", "ansirgb", "sixel"]

    /// The target for `to PATH`, chosen by the extension.
    public static func file(_ path: String) throws -> PlotTarget {
        switch (path as NSString).pathExtension.lowercased() {
        case "png": return .png(path: path)
        case "svg": return .svg(path: path)
        default: throw HorizonError("cannot plot to '\(path)': the file must end in .png or .svg")
        }
    }

    /// Checks that the file gnuplot wrote for this target is whole: gnuplot exits with success
    /// even when its writes fail (a full disk), leaving a truncated chart. A PNG ends with its
    /// IEND chunk, an SVG with its closing tag.
    public func checkComplete() throws {
        let path: String
        let trailer: [UInt8]
        switch self {
        case .png(let p): (path, trailer) = (p, [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
        case .svg(let p): (path, trailer) = (p, Array("</svg>".utf8))
        case .terminal, .svgDocument: return
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw HorizonError("gnuplot wrote no chart") }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 64 ? size - 64 : 0)
        let tail = [UInt8]((try? handle.readToEnd()) ?? Data())
        guard tail.count >= trailer.count,
              tail.indices.dropLast(trailer.count - 1).contains(where: { Array(tail[$0..<($0 + trailer.count)]) == trailer }) else {
            throw HorizonError("gnuplot wrote an incomplete chart (\(size) bytes): is the disk full?")
        }
    }

    /// `path` as gnuplot's `set output` must get it: quoting keeps it one string, but gnuplot
    /// still reads the string's start — `|` opens a pipe to a shell, `~` is the home folder —
    /// so a relative path starts with `./` (a folder named `|sh payload;cd ` ran the payload).
    static func outputPath(_ path: String) -> String {
        path.hasPrefix("/") ? path : "./" + path
    }

    /// The gnuplot `set terminal` / `set output` lines.
    var preamble: String {
        switch self {
        case let .terminal(style, width, height):
            switch style {
            case "sixel": return "set terminal sixelgd size \(width * 8),\(height * 16) truecolor\nset output\n"
            case "dumb": return "set terminal dumb size \(width),\(height)\nset output\n"
            default: return "set terminal dumb size \(width),\(height) \(style)\nset output\n"
            }
        case .png(let path):
            return "set terminal pngcairo size 1000,560 enhanced font 'sans,10'\nset output \(Gnuplot.literal(Self.outputPath(path)))\n"
        case .svg(let path):
            return "set terminal svg size 1000,560 dynamic enhanced font 'sans,10'\nset output \(Gnuplot.literal(Self.outputPath(path)))\n"
        case .svgDocument:
            return "set terminal svg size 1000,560 dynamic enhanced font 'sans,10'\nset output\n"
        }
    }
}
