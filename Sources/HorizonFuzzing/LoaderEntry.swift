import Foundation
import HorizonCore
import HorizonData

/// What one fuzz input did: it was accepted, or refused with a user-facing error.
/// Anything else (a crash, a trap, a foreign error type) is a bug the caller reports.
public enum FuzzOutcome: Equatable {
    case accepted
    case refused(HorizonError)
}

/// Raised when an input breaks an invariant the loaders or the interpreter promise.
public struct FuzzInvariantViolation: Error, CustomStringConvertible {
    public var description: String
}

/// The loader entry points shared by the libFuzzer targets in `Fuzz/` and the corpus replay
/// tests: any bytes as a CSV file, through the same reader and layouts a file on disk takes.
public enum LoaderEntry {
    /// Loads `bytes` from memory in one layout (nil: detect it), then checks the panel.
    public static func load(_ bytes: [UInt8], format: DataFormat?) throws -> FuzzOutcome {
        let data: LoadedData
        do {
            data = try PanelLoader.load(source: MemorySource(bytes), path: "fuzz.csv",
                                        options: LoadOptions(format: format), showProgress: false)
        } catch let error as HorizonError {
            return .refused(error)
        }
        try check(data.panel)
        return .accepted
    }

    /// Writes `bytes` to a file and loads it by path with everything detected, so the
    /// compression sniffing (gzip, xz magic bytes) and the file reader are fuzzed too.
    public static func loadFile(_ bytes: [UInt8]) throws -> FuzzOutcome {
        // A folder of this process's own, removed after each input so no run leaves files behind.
        let folder = NSTemporaryDirectory() + "/horizon-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/input.csv"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw FuzzInvariantViolation(description: "cannot write the scratch file \(path)")
        }
        let data: LoadedData
        do {
            data = try PanelLoader.load(path: path, showProgress: false)
        } catch let error as HorizonError {
            return .refused(error)
        }
        try check(data.panel)
        return .accepted
    }

    /// What every loaded panel promises its models: covariates aligned with the target,
    /// categorical codes inside their vocabulary, unique ids, no infinite values.
    static func check(_ panel: Panel) throws {
        var ids = Set<String>()
        for s in panel.series {
            guard ids.insert(s.id).inserted else { throw violation("series id '\(s.id)' appears twice") }
            if s.values.contains(where: \.isInfinite) { throw violation("series '\(s.id)' holds an infinite value") }
            for (name, values) in s.dynamic where values.count != s.count {
                throw violation("covariate '\(name)' of '\(s.id)' has \(values.count) values for \(s.count) points")
            }
            for (name, codes) in s.categorical {
                guard codes.count == s.count else {
                    throw violation("categorical '\(name)' of '\(s.id)' has \(codes.count) codes for \(s.count) points")
                }
                let levels = panel.vocabularies[name]?.count ?? 0
                if let bad = codes.first(where: { $0 < -1 || Int($0) >= levels }) {
                    throw violation("categorical '\(name)' of '\(s.id)' has code \(bad) outside its \(levels) levels")
                }
            }
        }
        if panel.season < 1 { throw violation("season \(panel.season) < 1") }
    }

    static func violation(_ text: String) -> FuzzInvariantViolation { FuzzInvariantViolation(description: text) }
}
