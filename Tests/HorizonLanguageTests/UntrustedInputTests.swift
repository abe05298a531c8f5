import Foundation
import HorizonCore
import Testing
@testable import HorizonLanguage

/// A weekly panel whose item ids, target column and category are hostile: shell payloads for
/// gnuplot, markup for notebooks, terminal escapes. `canary` is the file every payload tries
/// to create.
func hostileFile(canary: String) throws -> (path: String, ids: [String]) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-hostile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let ids = ["A`touch \(canary)`", "B\"; system('touch \(canary)'); \"", "<script>alert(1)</script>", "D\u{1B}]52;c;aGk=\u{7}\u{1B}[2J",
               "E\r0;system('touch \(canary)');set title '", "F'.system('touch \(canary)').'"]
    var csv = "item,week,\"sales`touch \(canary)`\",category\n"
    for id in ids {
        for w in 0..<60 {
            let date = Date(timeIntervalSince1970: 1_546_819_200 + Double(w) * 604_800)
            let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            csv += "\(CSVField.quoted(id)),\(day),\(10 + (w * 7 + id.count) % 9),\"<img src=x onerror=alert(1)>\"\n"
        }
    }
    let path = dir.appendingPathComponent("hostile.csv").path
    try csv.write(toFile: path, atomically: false, encoding: .utf8)
    return (path, ids)
}

@Suite(.serialized) struct UntrustedInputTests {
    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("horizon-untrusted-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Item ids, the target column's name, model names given with `as`, and chart paths with
    /// quotes in them: every chart draws and no payload runs.
    @Test(.enabled(if: gnuplotAvailable, "needs gnuplot"))
    func aHostileCSVRunsNothingThroughCharts() throws {
        let dir = try Self.scratch()
        let canary = dir + "/canary"
        let (path, ids) = try hostileFile(canary: canary)
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(path)\nset horizon 4\ntrain snaive\ntrain naive as \"n`touch \(canary)`\"", source: "s")
        for (k, id) in ids.enumerated() {
            // The ids reach the interpreter as written in the data (no script could type a newline in one).
            let item = Located(id, at: SourceLocation(source: "s", line: 1, column: 1))
            try interpreter.plot(PlotCommand.ItemChart(item: item), to: nil)
            try interpreter.plot(PlotCommand.ItemChart(item: item, model: Located("n`touch \(canary)`", at: item.location)), to: nil)
            try interpreter.plot(PlotCommand.ItemChart(item: item), to: Located(dir + "/chart '\(k)`id`$(id).svg", at: item.location))
        }
        try interpreter.execute("plot compare\nplot calibration\nplot errors", source: "s", firstLine: 5)
        #expect(!FileManager.default.fileExists(atPath: canary))
        #expect(FileManager.default.fileExists(atPath: dir + "/chart '0`id`$(id).svg"))
    }

    /// The name a model file stores (a colleague's file, `load model` then `plot`) is a
    /// chart title like any other: drawn, not run.
    @Test(.enabled(if: gnuplotAvailable, "needs gnuplot"))
    func aModelNameStoredInAFileRunsNothing() throws {
        let dir = try Self.scratch()
        let canary = dir + "/canary"
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ntrain mlp epochs=1 batches=2 hidden=4\nsave model mlp to \(dir)/m.hzm",
                                source: "s")
        // The stored name, changed as anyone can (the checksum is recomputed).
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/m.hzm")))
        // (A line break in it is refused at load: `ReviewedCommandTests`; `;` separates gnuplot commands too.)
        let hostile = Array("m`touch \(canary)`;system('touch \(canary)')".utf8)
        // Found among the bytes (decoded as text, a length byte ≥ 0x80 would shift the offsets).
        let key = Array("session.name".utf8)
        let offset = try #require((0...(bytes.count - key.count)).first { Array(bytes[$0..<($0 + key.count)]) == key }) + key.count
        let oldLength = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        bytes.replaceSubrange(offset..<(offset + 4 + oldLength), with: [UInt8(hostile.count & 0xFF), UInt8(hostile.count >> 8), 0, 0] + hostile)
        bytes.removeLast(4)
        var crc = CRC32()
        crc.update(bytes)
        bytes += withUnsafeBytes(of: crc.value.littleEndian, Array.init)
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/named.hzm"))
        try interpreter.execute("load model \(dir)/named.hzm", source: "s")
        let name = try #require(interpreter.session.models.last?.name)
        #expect(name.hasPrefix("m`touch"))
        try interpreter.plot(PlotCommand.ItemChart(model: Located(name, at: SourceLocation(source: "s", line: 1, column: 1))), to: nil)
        try interpreter.execute("plot compare\nplot loss", source: "s")
        #expect(!FileManager.default.fileExists(atPath: canary))
    }

    /// A 20,000-character id is no typo: no suggestion search over it, and the error names
    /// its start rather than echoing it whole.
    @Test func aHugeIdIsNamedByItsStart() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())", source: "s")
        let id = String(repeating: "x", count: 20_000)
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("show \(id)", source: "s", firstLine: 2) }
        #expect(error?.message == "no series '\(String(repeating: "x", count: 60))… (20000 characters)' in the data")
        #expect(error?.suggestion == nil)
    }

    /// Writes that would destroy what the session reads are refused with a clear message:
    /// the loaded data (also through a link), its test file and a running script.
    @Test func writesOverTheSessionsOwnFilesAreRefused() throws {
        let dir = try Self.scratch()
        let data = try demoFile()
        let original = try String(contentsOfFile: data, encoding: .utf8)
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(data)\nset horizon 4\ntrain snaive", source: "s")
        let export = #expect(throws: HorizonError.self) { try interpreter.execute("export forecasts to \(data)", source: "s", firstLine: 4) }
        #expect(export?.description == "s:4:21: error: '\(data)' is the data this session loaded ('\(data)'): writing there would destroy it; choose another file")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: data)
        #expect(throws: HorizonError.self) { try interpreter.execute("decide cu=4 co=1 to \(dir)/link.csv", source: "s") }
        #expect(throws: HorizonError.self) { try interpreter.execute("save session \(data)", source: "s") }
        #expect(try String(contentsOfFile: data, encoding: .utf8) == original)
        // A script that saves the session over itself.
        let script = dir + "/work.hz"
        try "save session \(script)\n".write(toFile: script, atomically: false, encoding: .utf8)
        let run = #expect(throws: HorizonError.self) { try interpreter.execute("run \(script)", source: "s") }
        #expect(run?.message.contains("is a script that is running") == true)
        #expect(try String(contentsOfFile: script, encoding: .utf8) == "save session \(script)\n")
        // The front end's script (horizon SCRIPT) is protected the same way.
        interpreter.frontEndFiles = [(script, "the script being run")]
        let front = #expect(throws: HorizonError.self) { try interpreter.execute("export forecasts to \(script)", source: "s") }
        #expect(front?.message.contains("is the script being run") == true)
        // Anything else is written.
        try interpreter.execute("export forecasts to \(dir)/out.csv", source: "s")
        #expect(FileManager.default.fileExists(atPath: dir + "/out.csv"))
    }

    /// A CSV export quotes ids with commas, quotes, CR or LF: a hostile id never adds a row.
    @Test func exportsQuoteEveryHostileId() throws {
        let dir = try Self.scratch()
        let (path, ids) = try hostileFile(canary: dir + "/canary")
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(path)\nset horizon 4\ntrain snaive\nexport forecasts to \(dir)/f.csv", source: "s")
        let text = try String(contentsOfFile: dir + "/f.csv", encoding: .utf8)
        // Every id is one field: quoted fields are parsed back to the ids.
        #expect(text.hasPrefix("item,time,step,point,p10,p50,p90\n"))
        for id in ids { #expect(text.contains(CSVField.quoted(id) + ","), "\(id.debugDescription)") }
        #expect(CSVField.quoted("a\r\nb") == "\"a\r\nb\"" && CSVField.quoted("a\"b") == "\"a\"\"b\"" && CSVField.quoted("plain") == "plain")
    }

    /// Ids a spreadsheet would run as formulas (=, +, −, @, tab, CR first) are exported as text,
    /// behind an apostrophe, by `export forecasts` and `decide … to`; other ids are unchanged.
    @Test func exportsKeepFormulaLikeIdsText() throws {
        let dir = try Self.scratch()
        let ids = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "plain-id"]
        var csv = "item,week,sales\n"
        for id in ids {
            for w in 0..<30 { csv += "\(CSVField.quoted(id)),\(w + 1),\(10 + (w * 3 + id.count) % 7)\n" }
        }
        try csv.write(toFile: dir + "/ids.csv", atomically: false, encoding: .utf8)
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(dir)/ids.csv\nset horizon 4\ntrain snaive\nexport forecasts to \(dir)/f.csv\n"
                                + "decide cu=4 co=1 to \(dir)/orders.csv", source: "s")
        for file in ["f.csv", "orders.csv"] {
            let rows = try String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8).split(separator: "\n").dropFirst()
            #expect(!rows.isEmpty)
            for row in rows {
                #expect(!"=+-@\t\r".contains(row.first!), "\(file): \(row.debugDescription)")
            }
            let text = try String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8)
            #expect(text.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",") && text.contains("'+1+2,") && text.contains("'@SUM(A1),"))
            #expect(text.contains("\nplain-id,"))
        }
        #expect(CSVField.text("-2+3") == "'-2+3" && CSVField.text("a-b") == "a-b" && CSVField.text("=a,b") == "\"'=a,b\"")
    }

    /// Huge requests are refused before anything is allocated, and the session goes on.
    @Test func aNetworkThatCannotFitIsRefusedBeforeTraining() throws {
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ntrain snaive\nholdout 4\nset horizon 10000", source: "s")
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("train mqtransformer epochs=1", source: "s", firstLine: 5) }
        #expect(error?.message.contains("would need about") == true && error?.message.contains("set horizon") == true, "\(error?.message ?? "")")
        let wide = #expect(throws: HorizonError.self) { try interpreter.execute("set horizon 48\ntrain mqcnn context=10000 forks=10000 epochs=1", source: "s") }
        #expect(wide?.message.contains("lower context=, forks=") == true, "\(wide?.message ?? "")")
        #expect(interpreter.session.models.map(\.name) == ["snaive"])
    }

    /// A hostile model file through the language: a located error, and the session goes on.
    @Test func aHostileModelFileIsALocatedErrorAndTheSessionGoesOn() throws {
        let dir = try Self.scratch()
        let interpreter = Interpreter(output: OutputBuffer())
        try interpreter.execute("load \(try demoFile())\nset horizon 4\ntrain mlp epochs=1 batches=2 hidden=4\nsave model mlp to \(dir)/m.hzm",
                                source: "s")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/m.hzm")))
        // Damage the configuration's hidden size in place and recompute the checksum, as anyone can.
        let text = String(decoding: bytes, as: UTF8.self)
        let range = try #require(text.range(of: "\"hidden\":4"))
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: range.upperBound) - 1
        bytes[offset] = UInt8(ascii: "9")
        bytes.removeLast(4)
        var crc = CRC32()
        crc.update(bytes)
        bytes += withUnsafeBytes(of: crc.value.littleEndian, Array.init)
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/evil.hzm"))
        let error = #expect(throws: HorizonError.self) { try interpreter.execute("load model \(dir)/evil.hzm", source: "s", firstLine: 5) }
        #expect(error?.description.hasPrefix("s:5:12: error: '\(dir)/evil.hzm' is not a usable model file: it holds ") == true
                && error?.description.contains(" weights, but its description is of a network with ") == true, "\(error?.description ?? "")")
        #expect(interpreter.session.models.map(\.name) == ["mlp"])
        try interpreter.execute("load model \(dir)/m.hzm as again", source: "s")
    }
}

/// zlib's CRC-32, as the model file's checksum (written here to craft files as an attacker would).
struct CRC32 {
    var value: UInt32 = 0
    mutating func update(_ bytes: [UInt8]) {
        var c = ~value
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        value = ~c
    }
}
