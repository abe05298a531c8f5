import HorizonCore

/// What a command produces, kept structured so the terminal, tests and notebooks can each
/// render it their own way.
public enum OutputBlock: Equatable, Sendable {
    case text(String)
    case table(TextTable)
    /// A chart drawn as text (or sixel) for the terminal.
    case chart(String)
    /// A chart written to a file.
    case image(path: String)
    /// The same chart as an SVG document, drawn only for a notebook (`Interpreter.drawsSVGCharts`),
    /// which shows it in place of the terminal chart.
    case svg(String)
}

/// Where the interpreter sends output.
public protocol OutputSink: AnyObject {
    func emit(_ block: OutputBlock)
}

/// Collects output in memory (tests, notebooks).
public final class OutputBuffer: OutputSink {
    public private(set) var blocks: [OutputBlock] = []
    public init() {}
    public func emit(_ block: OutputBlock) { blocks.append(block) }
}

extension OutputBlock {
    /// Plain-text rendering.
    public var rendered: String {
        switch self {
        case .text(let s): return s
        case .table(let t): return t.rendered()
        case .chart(let s): return s
        case .image(let path): return "wrote \(path)"
        case .svg: return "(a chart, shown in the notebook)"
        }
    }
}
