/// The metrics `runs best` ranks by: each is a column of the `run` table, and lower is better
/// for all of them.
public enum RunMetric: String, CaseIterable, Sendable {
    case wql, crps, mase, smape, msis, owa

    /// The column holding it.
    var column: String { rawValue }

    /// The name the evaluation table uses for it.
    public var label: String {
        switch self {
        case .wql: return "mean wQL"
        case .crps: return "wCRPS"
        case .mase: return "MASE"
        case .smape: return "sMAPE"
        case .msis: return "MSIS"
        case .owa: return "OWA"
        }
    }

    public func value(of run: Run) -> Double? {
        switch self {
        case .wql: return run.wql
        case .crps: return run.crps
        case .mase: return run.mase
        case .smape: return run.smape
        case .msis: return run.msis
        case .owa: return run.owa
        }
    }
}
