import Foundation
import HorizonCore

/// One CSV record: its fields as byte ranges into a reused buffer, so reading millions of
/// rows creates no per-field strings unless asked.
public struct CSVRecord {
    /// The physical line (1-based, the header is line 1) where this record starts.
    public internal(set) var line = 0
    var bytes: [UInt8] = []
    var ends: [Int] = []
    /// Whether a comma in a number is its decimal mark: in semicolon-separated files, as
    /// spreadsheets write them where the comma is the decimal mark (`1,5`).
    var decimalComma = false

    public var count: Int { ends.count }

    @inline(__always) func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    /// Field `i` as a string, with surrounding spaces trimmed unless `trimmed` is false (an id
    /// another program must find again as it wrote it).
    public func string(_ i: Int, trimmed: Bool = true) -> String {
        let r = range(i)
        return bytes.withUnsafeBufferPointer { buffer in
            var lo = r.lowerBound, hi = r.upperBound
            while trimmed, lo < hi, buffer[lo] == 0x20 { lo += 1 }
            while trimmed, hi > lo, buffer[hi - 1] == 0x20 { hi -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[lo..<hi]), as: UTF8.self)
        }
    }

    /// Whether field `i` starts or ends with a space (which `string` trims by default).
    public func isPadded(_ i: Int) -> Bool {
        let r = range(i)
        return !r.isEmpty && (bytes[r.lowerBound] == 0x20 || bytes[r.upperBound - 1] == 0x20)
    }

    /// Whether field `i` is empty or a conventional missing-value token (NA, NaN, null, …).
    public func isMissing(_ i: Int) -> Bool {
        bytes.withUnsafeBufferPointer { NumberParser.isMissingToken(UnsafeBufferPointer(rebasing: $0[range(i)])) }
    }

    /// Field `i` as a number: NaN for a missing-value token, nil when it is not a number.
    public func double(_ i: Int) -> Double? {
        let r = range(i)
        let mark = decimalComma ? UInt8(ascii: ",") : UInt8(ascii: ".")
        return bytes.withUnsafeBufferPointer { NumberParser.parse(UnsafeBufferPointer(rebasing: $0[r]), decimalMark: mark) }
    }

    /// Field `i` as a timestamp (see `Timestamp.parse`).
    public func timestamp(_ i: Int) -> Timestamp.Parsed? {
        bytes.withUnsafeBufferPointer { Timestamp.parse(UnsafeBufferPointer(rebasing: $0[range(i)])) }
    }

    /// The first field holding bytes that are not UTF-8, and the offset of the first such byte.
    func firstInvalidUTF8() -> (field: Int, offset: Int)? {
        for i in 0..<count {
            let r = range(i)
            var decoder = UTF8(), bytes = self.bytes[r].makeIterator(), consumed = r.lowerBound
            decoding: while true {
                switch decoder.decode(&bytes) {
                case .scalarValue(let scalar): consumed += UTF8.width(scalar)
                case .emptyInput: break decoding
                case .error: return (i, consumed)
                }
            }
        }
        return nil
    }

    /// All fields as strings.
    public var strings: [String] { (0..<count).map { string($0) } }
}

/// A streaming RFC 4180 reader: quoted fields with delimiters, quotes and newlines inside,
/// CRLF, LF or CR line ends, a UTF-8 byte-order mark, and comma, semicolon or tab delimiters
/// (sniffed from the header line); numbers in semicolon-separated files may use a decimal comma.
///
/// Written by hand rather than taken from a CSV package because the loaders need byte-level
/// access (numbers parsed without making strings), exact line numbers for error messages,
/// and input pulled in chunks from gzip/xz decoders.
public final class CSVReader {
    public let path: String
    private let source: ByteSource
    private var chunk: UnsafeMutableRawBufferPointer
    private var chunkCount = 0
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var started = false
    public private(set) var delimiter: UInt8 = UInt8(ascii: ",")
    /// LF, or CR for a file whose lines end in CR alone (classic Mac OS, some spreadsheet exports).
    private var lineEnd: UInt8 = 0x0A

    public init(path: String, source: ByteSource) {
        self.path = path
        self.source = source
        chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit { chunk.deallocate() }

    /// Opens a (possibly compressed) CSV file.
    public convenience init(path: String) throws {
        self.init(path: path, source: try openByteSource(path: path))
    }

    /// How far through the file we are, 0…1, when the size is known.
    public var fractionRead: Double? {
        guard let size = source.fileSize, size > 0 else { return nil }
        return min(1, Double(source.bytesConsumed) / Double(size))
    }

    private func refill() throws -> Bool {
        if atEnd { return false }
        chunkCount = try source.read(into: chunk)
        position = 0
        if chunkCount == 0 { atEnd = true; return false }
        return true
    }

    private func start() throws {
        started = true
        guard try refill() else { return }
        // A source may hand over its first bytes in a short read (the few it sniffed for
        // compression): read on until the header line is whole (or the chunk full), so the
        // delimiter and the line end are sniffed from all of it.
        while !UnsafeRawBufferPointer(rebasing: chunk[..<chunkCount]).contains(where: { $0 == 0x0A || $0 == 0x0D }), chunkCount < chunk.count {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[chunkCount...]))
            if n == 0 { break }
            chunkCount += n
        }
        // The first line end outside quotes says which: a CR not followed by LF ends lines alone.
        var inQuotes = false
        for i in position..<chunkCount {
            let b = chunk[i]
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            else if !inQuotes, b == 0x0A { break }
            else if !inQuotes, b == 0x0D {
                if i + 1 < chunkCount, chunk[i + 1] != 0x0A { lineEnd = 0x0D }
                break
            }
        }
        // Skip a UTF-8 byte-order mark.
        if chunkCount >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { position = 3 }
        // Sniff the delimiter from the first line: the most frequent of , ; TAB outside quotes.
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 0x09: 0]
        var quoted = false
        var i = position
        while i < chunkCount {
            let b = chunk[i]
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            else if !quoted, b == lineEnd { break }
            else if !quoted, counts[b] != nil { counts[b]! += 1 }
            i += 1
        }
        let best = counts.max { a, b in a.value == b.value ? a.key > b.key : a.value < b.value }!
        if best.value > 0 { delimiter = best.key }
    }

    /// Reads the next record into `record`; false at the end of the file. Blank lines are skipped.
    public func next(into record: inout CSVRecord) throws -> Bool {
        if !started { try start() }
        record.bytes.removeAll(keepingCapacity: true)
        record.ends.removeAll(keepingCapacity: true)
        while true {
            record.line = line
            record.decimalComma = delimiter == UInt8(ascii: ";")
            let result = try readRecord(&record)
            if !result { return false }
            // A blank line is a single empty field: skip it.
            if record.ends.count == 1 && record.bytes.isEmpty { record.ends.removeAll(keepingCapacity: true); continue }
            // Text must be UTF-8: decoded anyway, Latin-1's `Café` and `Cafè` would both become
            // `Caf\u{FFFD}` and merge into one series.
            if record.bytes.contains(where: { $0 >= 0x80 }), let (field, offset) = record.firstInvalidUTF8() {
                throw HorizonError("\(path): line \(record.line), field \(field + 1): not UTF-8 text (byte 0x\(String(record.bytes[offset], radix: 16, uppercase: true)) "
                                   + "is not a character on its own there): save the file as UTF-8")
            }
            return true
        }
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// No real record is this long; a file without line ends (or with a quote that never
    /// closes) would otherwise be read whole into one record.
    static let maxRecordBytes = 64 << 20

    /// Reads one physical record. Returns false only at the end of input with nothing read.
    private func readRecord(_ record: inout CSVRecord) throws -> Bool {
        var state = State.fieldStart
        var sawAnything = false
        let quote = UInt8(ascii: "\""), newline = lineEnd, cr: UInt8 = 0x0D
        let delimiter = self.delimiter
        let startLine = line
        while true {
            if position >= chunkCount {
                if record.bytes.count > Self.maxRecordBytes {
                    throw HorizonError("\(path): line \(startLine): a record longer than \(Self.maxRecordBytes >> 20) MiB"
                                       + (state == .quoted ? " (a quote that never closes?)" : " (is this a CSV file?)"))
                }
                guard try refill() else {
                    if state == .quoted {
                        throw HorizonError("\(path): line \(startLine): a quoted field is never closed")
                    }
                    if !sawAnything { return false }
                    endField(&record)
                    return true
                }
            }
            let b = chunk[position]
            position += 1
            sawAnything = true
            switch state {
            case .fieldStart:
                if b == quote { state = .quoted }
                else if b == delimiter { endField(&record) }
                else if b == newline { line += 1; endField(&record); trimCR(&record); return true }
                else { record.bytes.append(b); state = .unquoted }
            case .unquoted:
                if b == delimiter { endField(&record); state = .fieldStart }
                else if b == newline { line += 1; endField(&record); trimCR(&record); return true }
                else { record.bytes.append(b) }
            case .quoted:
                if b == quote { state = .quoteInQuoted }
                else {
                    if b == newline { line += 1 }
                    record.bytes.append(b)
                }
            case .quoteInQuoted:
                if b == quote { record.bytes.append(quote); state = .quoted }
                else if b == delimiter { endField(&record); state = .fieldStart }
                else if b == newline { line += 1; endField(&record); return true }
                else if b == cr { continue }
                else {
                    throw HorizonError(
                        "\(path): line \(line), column \(record.ends.count + 1): unexpected text after a closing quote")
                }
            }
        }
    }

    @inline(__always) private func endField(_ record: inout CSVRecord) { record.ends.append(record.bytes.count) }

    /// Drops the CR of a CRLF line end from the last field.
    @inline(__always) private func trimCR(_ record: inout CSVRecord) {
        if let last = record.bytes.last, last == 0x0D,
           let end = record.ends.last, end == record.bytes.count {
            let start = record.ends.count >= 2 ? record.ends[record.ends.count - 2] : 0
            if end > start {
                record.bytes.removeLast()
                record.ends[record.ends.count - 1] -= 1
            }
        }
    }
}
