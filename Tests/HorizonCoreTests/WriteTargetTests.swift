import Foundation
import Testing
@testable import HorizonCore

/// Writes replace nothing but a regular file: a link is written through, a FIFO or device is
/// streamed into, a dangling link or a folder is refused, and temporary files cannot be
/// predicted or redirected.
@Suite struct WriteTargetTests {
    @Test func aLinkIsWrittenThroughAndStaysALink() throws {
        let dir = try scratchDirectory()
        try AtomicFile.write("old\n", to: dir + "/real.csv")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: dir + "/real.csv")
        try AtomicFile.write("new\n", to: dir + "/link.csv")
        #expect(try String(contentsOfFile: dir + "/real.csv", encoding: .utf8) == "new\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.csv") == dir + "/real.csv")
    }

    @Test func aDanglingLinkIsRefusedNotFollowed() throws {
        let dir = try scratchDirectory()
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: dir + "/elsewhere/created.csv")
        let error = #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write("x", to: dir + "/link.csv") }
        #expect(error?.reason == "it is a symbolic link to a file that does not exist")
        #expect(!FileManager.default.fileExists(atPath: dir + "/elsewhere/created.csv"))
    }

    /// A FIFO someone reads is streamed into and is still a FIFO afterwards; one nobody reads
    /// is an error at once, not a session blocked in `open`.
    @Test func aFIFOIsStreamedIntoOrRefusedWithoutAReader() throws {
        let dir = try scratchDirectory()
        let fifo = dir + "/pipe.csv"
        #expect(mkfifo(fifo, 0o600) == 0)
        let error = #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write("x", to: fifo) }
        #expect(error?.reason == "it is a FIFO that no process is reading")
        nonisolated(unsafe) var received = Data()
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            let handle = FileHandle(forReadingAtPath: fifo)!
            received = handle.readDataToEndOfFile()
            done.signal()
        }
        reader.start()
        // The reader opens the FIFO in its own time: retry until it is there.
        var written = false
        for _ in 0..<200 where !written {
            do { try AtomicFile.write("a,b\n1,2\n", to: fifo); written = true } catch { usleep(10_000) }
        }
        #expect(written)
        done.wait()
        #expect(String(decoding: received, as: UTF8.self) == "a,b\n1,2\n")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["pipe.csv"])
    }

    /// A terminal is written its text with control characters escaped (an ESC sequence in an
    /// id never reaches it raw); the FIFO test above shows pipes get the bytes as they are.
    @Test(.enabled(if: FileManager.default.isWritableFile(atPath: "/dev/ptmx"), "needs a pseudo-terminal"))
    func aTerminalGetsControlCharactersEscaped() throws {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        #expect(master >= 0)
        defer { close(master) }
        // unlockpt and ptsname as Linux implements them (Swift's Glibc module hides both).
        var unlock: CInt = 0, number: CUnsignedInt = 0
        #expect(ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0 && ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0)
        let terminal = "/dev/pts/\(number)"
        // Raw mode on the terminal side, so what arrives at the master is what was written.
        let side = open(terminal, O_RDWR | O_NOCTTY)
        var mode = termios()
        tcgetattr(side, &mode)
        cfmakeraw(&mode)
        tcsetattr(side, TCSANOW, &mode)
        defer { close(side) }
        try AtomicFile.write("id\u{1B}]52;c;aGk=\u{7},1\n", to: terminal)
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = read(master, &buffer, buffer.count)
        let received = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
        #expect(received == "id\\x1b]52;c;aGk=\\x07,1\n")
    }

    /// A character device is written into, never replaced by a regular file.
    @Test func aDeviceIsWrittenIntoNotReplaced() throws {
        try AtomicFile.write("discarded\n", to: "/dev/null")
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func foldersAndControlCharactersAreRefused() throws {
        let dir = try scratchDirectory()
        #expect((#expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write("x", to: dir) })?.reason == "it is a folder")
        let error = #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write("x", to: dir + "/a\u{1B}]52;c;aGk=\u{7}.csv") }
        #expect(error?.reason.contains("has control characters") == true)
        #expect(error?.reason.contains("\u{1B}") == false)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
    }

    /// Temporary files have random names, are created exclusively and never through a link:
    /// a link planted at any name the old scheme (`.NAME.tmp-PID.EXT`) would use is left alone.
    @Test func temporaryFilesAreUnpredictableAndExclusive() throws {
        let dir = try scratchDirectory()
        let victim = dir + "/victim.txt"
        try AtomicFile.write("precious\n", to: victim)
        try FileManager.default.createSymbolicLink(atPath: dir + "/.out.tmp-\(getpid()).csv", withDestinationPath: victim)
        var seen = Set<String>()
        for _ in 0..<20 {
            try AtomicFile.produce(dir + "/out.csv") { temporary in
                #expect(temporary.hasSuffix(".csv") && (temporary as NSString).lastPathComponent.hasPrefix(".horizon-"))
                #expect(seen.insert(temporary).inserted)
                var info = stat()
                #expect(lstat(temporary, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_size == 0)
                try "fresh\n".write(toFile: temporary, atomically: false, encoding: .utf8)
            }
        }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(try String(contentsOfFile: dir + "/out.csv", encoding: .utf8) == "fresh\n")
        // An exclusive create fails on an existing name, link or not.
        let (fd, name) = try AtomicFile.createTemporary(in: dir, extension: "csv", permissions: 0o600)
        close(fd)
        #expect(open(name, O_WRONLY | O_CREAT | O_EXCL, 0o600) == -1 && errno == EEXIST)
    }

    /// A lock file that is a symbolic link is not followed (it could make Horizon create or
    /// lock any file the user can write).
    @Test func aLinkedLockFileIsRefused() throws {
        let dir = try scratchDirectory()
        try FileManager.default.createSymbolicLink(atPath: dir + "/history.lock", withDestinationPath: dir + "/target")
        let error = #expect(throws: AtomicFile.WriteError.self) { try HistoryFile(path: dir + "/history").append("x") }
        #expect(error?.reason.contains("is a symbolic link") == true)
        #expect(!FileManager.default.fileExists(atPath: dir + "/target"))
    }

    @Test func sameFileSeesThroughLinks() throws {
        let dir = try scratchDirectory()
        try AtomicFile.write("x", to: dir + "/a.csv")
        try FileManager.default.createSymbolicLink(atPath: dir + "/b.csv", withDestinationPath: dir + "/a.csv")
        #expect(link(dir + "/a.csv", dir + "/c.csv") == 0)
        #expect(AtomicFile.sameFile(dir + "/a.csv", dir + "/b.csv") && AtomicFile.sameFile(dir + "/c.csv", dir + "/./a.csv"))
        #expect(!AtomicFile.sameFile(dir + "/a.csv", dir + "/missing.csv"))
    }
}

/// Control characters from data are shown, never sent; suggestions stay cheap on any input.
@Suite struct VisibleTextTests {
    @Test func controlCharactersBecomeEscapes() {
        #expect(Visible.name("A\u{1B}]52;c;aGk=\u{7}B") == "A\\x1b]52;c;aGk=\\x07B")
        #expect(Visible.name("a\r\nb\tc") == "a\\r\\nb\\tc")
        #expect(Visible.lines("a\r\nb\tc") == "a\\r\nb\tc")
        #expect(Visible.name("x\u{202E}y\u{85}z\u{7F}") == "x\\u{202e}y\\x85z\\x7f")
        #expect(Visible.name("plain é ü — 東京") == "plain é ü — 東京")
        #expect(!Visible.hasControl("plain") && Visible.hasControl("a\u{0}"))
        // The Arabic letter mark (a bidi mark like LRM) and the zero-width space (which makes
        // `I\u{200B}x` look like `Ix`) are shown; the joiners that emoji and Persian need are not.
        #expect(Visible.name("I\u{200B}x\u{061C}y\u{2060}") == "I\\u{200b}x\\u{061c}y\\u{2060}")
        #expect(Visible.name("👩\u{200D}💻 می\u{200C}خواهم") == "👩\u{200D}💻 می\u{200C}خواهم")
    }

    @Test func tableCellsAreShownNotSent() {
        var table = TextTable(title: "t\u{1B}[2J", headers: ["item", "v"])
        table.append(["A\r\nB\u{1B}[31m", "1"])
        let text = table.rendered()
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\r" })
        #expect(text.contains("A\\r\\nB\\x1b[31m") && text.split(separator: "\n").count == 4)
    }

    /// Ids in Chinese, Korean or emoji take two terminal columns a character: the next column
    /// starts at the same place on every row (it was two columns off per wide character).
    @Test func tablesAlignByTerminalColumns() {
        var table = TextTable(title: nil, headers: ["item", "v"])
        for id in ["SKU-1", "東京-1", "김치", "🧥 coat", "cafe\u{0301}"] { table.append([id, "1"]) }
        let lines = table.rendered().split(separator: "\n").map(String.init)
        let starts = lines.map { line in DisplayWidth.of(String(line.dropLast())) }
        #expect(Set(starts).count == 1, "\(lines)")
        #expect(DisplayWidth.of("東京") == 4 && DisplayWidth.of("🧥") == 2 && DisplayWidth.of("cafe\u{0301}") == 4 && DisplayWidth.of("abc") == 3)
    }

    /// The banded distance agrees with the full one wherever it answers.
    @Test func boundedDistanceMatchesTheFullDistance() {
        var generator = SeededGenerator(seed: 3)
        let alphabet = Array("abcab")
        func word() -> String { String((0..<generator.int(below: 9)).map { _ in alphabet[generator.int(below: alphabet.count)] }) }
        func full(_ a: [Character], _ b: [Character]) -> Int {
            var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in 0...a.count { d[i][0] = i }
            for j in 0...b.count { d[0][j] = j }
            if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
            for i in 1...a.count {
                for j in 1...b.count {
                    d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
                }
            }
            return d[a.count][b.count]
        }
        for _ in 0..<2000 {
            let a = Array(word()), b = Array(word())
            let truth = full(a, b)
            for limit in 0...4 {
                #expect(Suggestions.boundedDistance(a, b, limit: limit) == (truth <= limit ? truth : nil), "\(String(a)) \(String(b)) \(limit)")
            }
        }
    }

    /// A 20,000-character word gets no suggestion (it is no typo) and costs nothing; long
    /// candidates of other lengths are skipped unseen.
    @Test func longWordsGetNoSuggestion() {
        let long = String(repeating: "x", count: 20_000)
        #expect(Suggestions.closest(to: long, in: [long + "y", "JACKET-01"]) == nil)
        #expect(Suggestions.closest(to: "JACKT-01", in: [long, "JACKET-01"]) == "JACKET-01")
    }
}

extension WriteTargetTests {
    /// A replaced file keeps its permissions: a private file stays private.
    @Test func aReplacedFileKeepsItsMode() throws {
        let dir = try scratchDirectory()
        try AtomicFile.write("old\n", to: dir + "/private.csv")
        #expect(chmod(dir + "/private.csv", 0o600) == 0)
        try AtomicFile.write("new\n", to: dir + "/private.csv")
        var info = stat()
        #expect(stat(dir + "/private.csv", &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    /// What a write would replace: the same regular file, or the same place for a file yet to
    /// be written (its folder's links resolved), never a Unicode twin or a shared device.
    @Test func aDestinationIsTheFileOrThePlaceAWriteReaches() throws {
        let dir = try scratchDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/real")
        #expect(AtomicFile.sameDestination(dir + "/link/new.md", dir + "/real/new.md"))
        #expect(AtomicFile.sameDestination(dir + "/real/./new.md", dir + "/real/new.md"))
        #expect(!AtomicFile.sameDestination(dir + "/link/../new.md", dir + "/real/new.md"))  // the link's parent is dir, not real
        #expect(AtomicFile.sameDestination(dir + "/link/../new.md", dir + "/new.md"))
        #expect(!AtomicFile.sameDestination(dir + "/caf\u{E9}.csv", dir + "/cafe\u{301}.csv"))
        try AtomicFile.write("x", to: dir + "/real/data.csv")
        try FileManager.default.linkItem(atPath: dir + "/real/data.csv", toPath: dir + "/hard.csv")
        #expect(AtomicFile.sameDestination(dir + "/hard.csv", dir + "/link/data.csv"))
        #expect(!AtomicFile.sameDestination("/dev/null", "/dev/null"))  // streamed into, never replaced
    }
}
