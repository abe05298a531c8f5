import Foundation
import HorizonCore
import Testing
@testable import HorizonData

/// A pipe is read once, in order: the bytes sniffed for compression are kept, not re-read
/// (a pipe cannot rewind), for plain and gzip-compressed data alike.
@Suite struct PipeSourceTests {
    static let csv = "item,week,sales\n" + (0..<300).map { "A\($0 % 3),\(Date(timeIntervalSince1970: 1_546_819_200 + Double($0 / 3) * 604_800).formatted(.iso8601.year().month().day())),\($0)" }
        .joined(separator: "\n") + "\n"

    /// Writes `bytes` into a new FIFO from another thread and loads the FIFO's path.
    static func loadThroughFIFO(_ bytes: Data) throws -> LoadedData {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-fifo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/data.csv"
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: fifo)!
            handle.write(bytes)
            try? handle.close()
        }
        writer.start()
        return try PanelLoader.load(path: fifo, showProgress: false)
    }

    /// `text` compressed by the gzip tool, as one member.
    static func gzip(_ text: String) throws -> Data {
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-c", try temporaryFile(text)]
        let out = Pipe()
        gzip.standardOutput = out
        try gzip.run()
        let compressed = out.fileHandleForReading.readDataToEndOfFile()
        gzip.waitUntilExit()
        return compressed
    }

    @Test func plainDataThroughAPipeLosesNoByte() throws {
        let data = try Self.loadThroughFIFO(Data(Self.csv.utf8))
        #expect(data.panel.count == 3 && data.rowsRead == 300)
        #expect(data.panel.targetName == "sales")
    }

    @Test func gzipThroughAPipeIsDecodedAsAStream() throws {
        let data = try Self.loadThroughFIFO(try Self.gzip(Self.csv))
        #expect(data.panel.count == 3 && data.rowsRead == 300)
    }

    /// The sniff is served first even when the reader asks for fewer bytes than it kept.
    @Test func sniffedBytesAreServedBeforeTheRest() throws {
        let path = try temporaryFile("abcdefghij")
        let source = try RawFileSource(path: path)
        #expect(try source.peek(6) == Array("abcdef".utf8))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            out += buffer.prefix(n)
        }
        #expect(String(decoding: out, as: UTF8.self) == "abcdefghij")
        #expect(source.bytesConsumed == 10)
    }
}

extension PipeSourceTests {
    /// Concatenated gzip members (`cat a.gz b.gz`) decode as one stream, through a pipe too.
    @Test func concatenatedGzipMembersAreOneStream() throws {
        let lines = Self.csv.split(separator: "\n", omittingEmptySubsequences: false)
        let first = lines.prefix(151).joined(separator: "\n") + "\n", second = lines.dropFirst(151).joined(separator: "\n")
        let data = try Self.loadThroughFIFO(try Self.gzip(first) + Self.gzip(second))
        #expect(data.panel.count == 3 && data.rowsRead == 300)
    }
}

extension PipeSourceTests {
    /// Zero padding after the last member ends the stream, as `gzip -d` reads it.
    @Test func zeroPaddingAfterTheLastMemberIsIgnored() throws {
        let data = try Self.loadThroughFIFO(try Self.gzip(Self.csv) + Data(repeating: 0, count: 512))
        #expect(data.panel.count == 3 && data.rowsRead == 300)
    }

    /// Other bytes there are another file's, appended: refused with where they start.
    @Test func bytesAfterTheLastMemberThatAreNotZerosAreRefused() throws {
        let member = try Self.gzip(Self.csv)
        let error = #expect(throws: HorizonError.self) { try Self.loadThroughFIFO(member + Data(repeating: 0, count: 3) + Data("junk".utf8)) }
        #expect(error?.message.hasSuffix("has bytes that are not gzip data after its end (from byte \(member.count + 4)): trailing garbage") == true,
                "\(error?.message ?? "")")
    }
}
