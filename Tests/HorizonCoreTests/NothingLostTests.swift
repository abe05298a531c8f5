import Foundation
import Testing
@testable import HorizonCore

func scratchDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-core-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Files are replaced whole or not at all, and a damaged history never stops the REPL.
@Suite struct AtomicFileTests {
    @Test func replacesTheFileAndLeavesNoTemporary() throws {
        let dir = try scratchDirectory()
        let path = dir + "/out.csv"
        try AtomicFile.write("old\n", to: path)
        try AtomicFile.write("new\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.csv"])
    }

    /// A writer that fails halfway (a full disk, a crashed tool) leaves the previous file as it
    /// was and no temporary file behind.
    @Test func aFailedWriteLeavesThePreviousFileIntact() throws {
        let dir = try scratchDirectory()
        let path = dir + "/chart.svg"
        try AtomicFile.write("previous chart", to: path)
        struct DiskFull: Error {}
        #expect(throws: DiskFull.self) {
            try AtomicFile.produce(path) { temporary in
                #expect(temporary.hasSuffix(".svg") && temporary != path)
                try "half a ch".write(toFile: temporary, atomically: false, encoding: .utf8)
                throw DiskFull()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "previous chart")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["chart.svg"])
    }

    @Test func aWriterThatWritesNothingIsAFailure() throws {
        let dir = try scratchDirectory()
        let error = #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.produce(dir + "/a.png") { _ in } }
        #expect(error?.reason == "nothing was written")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a.png"))
    }

    @Test func aMissingFolderIsNamed() throws {
        let error = #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write("x", to: "/nonexistent-horizon/x.csv") }
        #expect(error?.reason == "the folder '/nonexistent-horizon' does not exist")
    }
}

@Suite struct HistoryFileTests {
    @Test func appendsKeepsTheNewestAndSurvivesAReload() throws {
        let history = HistoryFile(path: try scratchDirectory() + "/state/horizon/history", limit: 3)
        for entry in ["load a.csv", "set horizon 4", "train snaive", "evaluate"] { try history.append(entry) }
        #expect(history.load().entries == ["set horizon 4", "train snaive", "evaluate"])
        #expect(history.load().warning == nil)
    }

    /// Two sessions appending to one file each keep their lines.
    @Test func twoWritersMergeInsteadOfOverwriting() throws {
        let path = try scratchDirectory() + "/history"
        let first = HistoryFile(path: path), second = HistoryFile(path: path)
        try first.append("describe")
        try second.append("models")
        try first.append("evaluate")
        #expect(first.load().entries == ["describe", "models", "evaluate"])
    }

    /// Sessions appending at the same moment (threads here, each with its own descriptor, as
    /// processes would have) lose no line: the read-modify-write holds the lock.
    @Test func concurrentAppendsLoseNothing() throws {
        let path = try scratchDirectory() + "/history"
        DispatchQueue.concurrentPerform(iterations: 8) { writer in
            let history = HistoryFile(path: path)
            for k in 0..<25 { try? history.append("w\(writer) \(k)") }
        }
        let entries = HistoryFile(path: path).load().entries
        #expect(entries.count == 200)
        #expect(Set(entries).count == 200)
    }

    /// The history is private, as readline leaves it.
    @Test func theHistoryFileIsPrivate() throws {
        let path = try scratchDirectory() + "/history"
        try HistoryFile(path: path).append("describe")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// A second damaged file is moved aside beside the first, which is kept.
    @Test func earlierDamagedCopiesAreKept() throws {
        let path = try scratchDirectory() + "/history"
        for _ in 0..<2 {
            try Data([0x00, 0x01]).write(to: URL(fileURLWithPath: path))
            _ = HistoryFile(path: path).load()
        }
        #expect(FileManager.default.fileExists(atPath: path + ".corrupt") && FileManager.default.fileExists(atPath: path + ".corrupt2"))
    }

    @Test func aDamagedFileIsMovedAsideAndReported() throws {
        let dir = try scratchDirectory()
        let path = dir + "/history"
        try Data([0x6C, 0x6F, 0x00, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        let loaded = HistoryFile(path: path).load()
        #expect(loaded.entries.isEmpty)
        #expect(loaded.warning == "the history file \(path) is damaged (not text); moved it to \(path).corrupt and starting with an empty history")
        #expect(FileManager.default.fileExists(atPath: path + ".corrupt") && !FileManager.default.fileExists(atPath: path))
        try HistoryFile(path: path).append("describe")
        #expect(HistoryFile(path: path).load().entries == ["describe"])
    }

    /// A FIFO at the history path would block the REPL's start: it is reported, not read.
    @Test func aFIFOInPlaceOfTheFileIsReportedNotRead() throws {
        let path = try scratchDirectory() + "/history"
        #expect(mkfifo(path, 0o600) == 0)
        let loaded = HistoryFile(path: path).load()
        #expect(loaded.entries.isEmpty)
        #expect(loaded.warning == "cannot read the history file \(path): not a regular file; starting with an empty history")
        #expect(throws: AtomicFile.WriteError.self) { try HistoryFile(path: path).append("x") }
    }

    @Test func aFolderInPlaceOfTheFileIsReported() throws {
        let dir = try scratchDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/history", withIntermediateDirectories: true)
        let loaded = HistoryFile(path: dir + "/history").load()
        #expect(loaded.entries.isEmpty)
        #expect(loaded.warning == "cannot read the history file \(dir)/history: it is a folder; starting with an empty history")
        #expect(throws: AtomicFile.WriteError.self) { try HistoryFile(path: dir + "/history").append("x") }
    }
}
