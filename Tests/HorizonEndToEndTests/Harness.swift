import Foundation
import Testing

/// The built `horizon` executable beside the test bundle (`swift build --build-tests` builds it).
let horizonBinary: String = {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("horizon").path,
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/horizon").path,
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
}()

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

let gnuplotInstalled = ["/usr/bin/gnuplot", "/usr/local/bin/gnuplot"].contains { FileManager.default.isExecutableFile(atPath: $0) }

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

func temporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-e2e-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// The environment horizon runs in under test: the run log off (tests never write into the
/// repository), unless a test sets `HORIZON_RUNS` itself.
func testEnvironment(_ extra: [String: String]) -> [String: String] {
    ProcessInfo.processInfo.environment.merging(["HORIZON_RUNS": "off"]) { $1 }.merging(extra) { $1 }
}

private let brokenPipesIgnored: Void = { signal(SIGPIPE, SIG_IGN) }()

/// Runs horizon (or `executable`, a wrapper that execs it) with `arguments`, feeding `input`
/// on a pipe; stderr is read on its own thread so neither pipe can fill and stall the process.
func horizon(_ arguments: [String], input: String = "", in directory: String? = nil, environment: [String: String] = [:],
             executable: String = horizonBinary) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.environment = testEnvironment(environment)
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Fed from a thread of its own, as stderr is read, and with a broken pipe ignored: a run
    // refused before it reads its input (a bad --output) closes the pipe, and a write into it
    // would otherwise kill the test process with SIGPIPE.
    _ = brokenPipesIgnored
    let bytes = Array(input.utf8), writing = stdin.fileHandleForWriting
    Thread {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(writing.fileDescriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { break }
        }
        try? writing.close()
    }.start()
    nonisolated(unsafe) var errorData = Data()
    let done = DispatchSemaphore(value: 0)
    Thread { errorData = stderr.fileHandleForReading.readDataToEndOfFile(); done.signal() }.start()
    let outData = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    done.wait()
    return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
               stderr: String(decoding: errorData, as: UTF8.self))
}

/// horizon on a pseudo-terminal, driven like a user at the keyboard.
final class PseudoTerminalSession {
    let process = Process()
    private let master: Int32
    private(set) var transcript = ""

    init(environment: [String: String], directory: String) throws {
        // posix_openpt & co. are hidden from Swift's Glibc module; these are their Linux ioctls.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0,
              ioctl(master, 0x8004_5430 /* TIOCGPTN */, &number) == 0 else {
            throw CocoaError(.fileReadUnknown)
        }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.executableURL = URL(fileURLWithPath: horizonBinary)
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = testEnvironment(environment.merging(["TERM": "xterm"]) { $1 })
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
    }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
    }

    /// Reads until `text` has appeared after `from` in the transcript, or the timeout passes.
    @discardableResult
    func waitFor(_ text: String, after from: String.Index? = nil, timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let start = from ?? transcript.startIndex
            if transcript[start...].contains(text) { return true }
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 100) > 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = read(master, &buffer, buffer.count)
                if n <= 0 { return transcript[start...].contains(text) }
                transcript += String(decoding: buffer[..<n], as: UTF8.self)
            }
        }
        return false
    }

    var mark: String.Index { transcript.endIndex }

    /// The transcript's last characters, for a failed expectation's message.
    var tail: String { String(transcript.suffix(1500)) }

    func waitForExit(timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { waitFor("\u{0}", timeout: 0.1) }
        return !process.isRunning
    }
}
