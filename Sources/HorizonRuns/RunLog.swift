import Foundation
import HorizonCore

/// A session's handle on the experiment log: where it lives, opened on first use.
///
/// Logging is a side effect of `train`, `evaluate` and `backtest` and must never make them
/// fail, so `record` reports problems as a message (the first one only) instead of throwing.
/// A log that cannot be opened is tried again at the next commands, up to `openAttempts`
/// times in all, so a passing problem (a folder created late, a lock held by another session)
/// loses only those commands' runs; the bound keeps a lasting one (a lock held past the
/// 30-second busy timeout at every try) from stalling every later command.
public final class RunLog {
    public enum Location: Equatable, Sendable {
        case off
        case file(String)
    }

    public let location: Location
    private var store: RunStore?
    private var failedOpens = 0
    private var warned = false

    /// How many times a session tries to open the log before it gives up.
    static let openAttempts = 4

    public init(_ location: Location) {
        self.location = location
    }

    /// The log's place when `HORIZON_RUNS` does not say otherwise: in the working directory.
    public static let defaultPath = ".horizon/runs.sqlite"

    /// `HORIZON_RUNS` unset or empty: `.horizon/runs.sqlite` in the working directory;
    /// `off`: no log (tests use this so they never write into the repository); anything else:
    /// the path of the database file.
    public static func location(environment: [String: String]) -> Location {
        guard let value = environment["HORIZON_RUNS"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return .file(defaultPath)
        }
        return value.lowercased() == "off" ? .off : .file(value)
    }

    /// Appends `runs` in one transaction. Returns a message for the user the first time the
    /// log cannot be opened or written, and nil otherwise (including when the log is off).
    public func record(_ runs: [Run]) -> String? {
        guard case .file(let path) = location, !runs.isEmpty, failedOpens < Self.openAttempts else { return nil }
        do {
            if store == nil { store = try RunStore(path: path) }
            try store!.record(runs.map(\.madeVisible))
            return nil
        } catch {
            if store == nil { failedOpens += 1 }
            if warned { return nil }
            warned = true
            return "note: the run log '\(path)' could not be \(store == nil ? "opened" : "written") (\(Self.describe(error))); "
                + (store == nil ? "runs are not logged until it can be (the next \(Self.openAttempts - 1) commands try again)" : "this run is not logged")
        }
    }

    /// The log for reading, or nil when nothing has been logged there yet (so that reading
    /// never creates a database).
    public func existingStore() throws -> RunStore? {
        guard case .file(let path) = location else {
            throw HorizonError("the run log is off (HORIZON_RUNS=off): unset it to log runs in \(Self.defaultPath)")
        }
        if let store { return store }
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            store = try RunStore(path: path)
        } catch {
            throw HorizonError("cannot open the run log '\(path)': \(Self.describe(error))")
        }
        return store
    }

    /// A one-line reason: SQLite's message rather than a type dump.
    static func describe(_ error: Error) -> String {
        if let error = error as? HorizonError { return error.message }
        let text = "\(error)"
        return text.split(separator: "\n").first.map(String.init) ?? text
    }
}
