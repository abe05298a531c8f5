import Foundation
import Testing
@testable import HorizonCore

/// A script that is not UTF-8 is refused with where its first bad byte is, so it can be found.
@Suite struct RegularFileTests {
    @Test func aFileThatIsNotUTF8SaysWhereItStopsBeing() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-utf8-\(UUID().uuidString).hz").path
        try Data("help\nset horizon 8\nset se".utf8 + [0xFF] + Data("ed 3\n".utf8)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: RegularFile.Unreadable.self) { try RegularFile.text(path) }
        #expect(error?.reason == "not UTF-8 text (line 3, byte 7)")
        // A character of several bytes is one, and a truncated one is where it starts.
        #expect(RegularFile.firstInvalidUTF8(Data("é\nx".utf8 + [0xE2, 0x82])) == "line 2, byte 2")
    }
}
