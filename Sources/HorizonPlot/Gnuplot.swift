import Foundation
import HorizonCore

/// gnuplot, driven through a pipe: the script goes to its standard input, a terminal chart
/// comes back on its standard output.
///
/// A plain `Process` pipe does everything the C++ `gnuplot-iostream` header would, without
/// boost; the script is written from another thread while stdout is read, because a chart
/// larger than the pipe buffer would otherwise deadlock both processes.
public enum Gnuplot {
    /// The gnuplot executable on PATH, if any.
    public static func locate() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/gnuplot"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `script` and returns what gnuplot printed (a terminal chart, or nothing).
    public static func run(_ script: String) throws -> String {
        guard let executable = locate() else {
            throw HorizonError("gnuplot is not installed: install it with 'apt-get install gnuplot-nox' (or your system's gnuplot package)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = []
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let writer = Thread {
            input.fileHandleForWriting.write(Data(script.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        nonisolated(unsafe) var errorText = Data()
        let errorsRead = DispatchSemaphore(value: 0)
        Thread {
            errorText = errors.fileHandleForReading.readDataToEndOfFile()
            errorsRead.signal()
        }.start()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorsRead.wait()
        if process.terminationStatus != 0 {
            let message = String(decoding: errorText, as: UTF8.self)
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "^" }.last ?? "unknown error"
            throw HorizonError("gnuplot failed: \(message)")
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A gnuplot string literal that gnuplot never evaluates, for every label, title, legend
    /// entry and path that comes from data, files or the user.
    ///
    /// Why single quotes: inside double quotes gnuplot runs backquoted text as a shell command
    /// and reads backslash escapes; inside single quotes nothing is substituted. The quote
    /// itself is not written doubled (gnuplot 5.4 misreads a literal that starts with a doubled
    /// quote, or holds two in a row): the pieces between quotes are joined by the string
    /// `"'"`, as in `'it'."'".'s'`, which every place that takes a string accepts. Control
    /// characters are made visible (`\n`, `\x1b`): a newline would end the command.
    ///
    /// The text is walked by Unicode scalar, as gnuplot reads bytes: a quote followed by a
    /// combining mark is one Swift `Character`, yet still a quote to gnuplot (the fuzz-chart
    /// target found a name that closed its literal that way).
    public static func literal(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        out.append("'")
        for scalar in Visible.name(s).unicodeScalars {
            if scalar == "'" { out.append(contentsOf: "'.\"'\".'".unicodeScalars) } else { out.append(scalar) }
        }
        out.append("'")
        return String(out)
    }
}
