import CLZMA
import CZlib
import Foundation
import HorizonCore

/// A stream of bytes read in chunks, so files of any size (and compressed ones) are parsed
/// without holding the whole file in memory.
public protocol ByteSource: AnyObject {
    /// Fills `buffer` with up to `buffer.count` bytes; returns how many, 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes consumed from the underlying file so far (for progress bars).
    var bytesConsumed: Int { get }
    /// The size of the underlying file, when known.
    var fileSize: Int? { get }
}

/// Opens `path` for reading, decompressing gzip or xz transparently.
///
/// The compression is recognised by its magic bytes (not only the extension), so a
/// mislabelled file still loads.
public func openByteSource(path: String) throws -> ByteSource {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw HorizonError("no such file '\(path)'")
    }
    if isDirectory.boolValue { throw HorizonError("'\(path)' is a directory, not a data file") }
    let file = try RawFileSource(path: path)
    var magic = [UInt8](repeating: 0, count: 6)
    let n = try magic.withUnsafeMutableBytes { try file.read(into: $0) }
    try file.rewind()
    if n >= 2, magic[0] == 0x1F, magic[1] == 0x8B { return try GzipSource(path: path) }
    if n >= 6, magic == [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] { return try XZSource(file: file, path: path) }
    return file
}

/// An uncompressed file.
final class RawFileSource: ByteSource {
    private let handle: UnsafeMutablePointer<FILE>
    private(set) var bytesConsumed = 0
    let fileSize: Int?

    init(path: String) throws {
        guard let h = fopen(path, "rb") else {
            throw HorizonError("cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        handle = h
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        fileSize = (attributes?[.size] as? NSNumber)?.intValue
    }

    deinit { fclose(handle) }

    func rewind() throws {
        fseek(handle, 0, SEEK_SET)
        bytesConsumed = 0
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = fread(buffer.baseAddress, 1, buffer.count, handle)
        if n == 0, ferror(handle) != 0 { throw HorizonError("read error: \(String(cString: strerror(errno)))") }
        bytesConsumed += n
        return n
    }
}

/// A gzip file, through zlib's gzread (which also handles concatenated members).
final class GzipSource: ByteSource {
    private let handle: gzFile
    private let path: String
    let fileSize: Int?

    init(path: String) throws {
        guard let h = gzopen(path, "rb") else { throw HorizonError("cannot open '\(path)' as gzip") }
        handle = h
        self.path = path
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        fileSize = (attributes?[.size] as? NSNumber)?.intValue
        gzbuffer(handle, 1 << 17)
    }

    deinit { gzclose(handle) }

    var bytesConsumed: Int { Int(gzoffset(handle)) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = gzread(handle, buffer.baseAddress, UInt32(buffer.count))
        if n < 0 {
            var code: Int32 = 0
            let message = gzerror(handle, &code).map { String(cString: $0) } ?? "unknown error"
            throw HorizonError("'\(path)' is not valid gzip data: \(message)")
        }
        return Int(n)
    }
}

/// An xz file, through liblzma's streaming decoder.
final class XZSource: ByteSource {
    private let file: RawFileSource
    private let path: String
    private var stream = lzma_stream()
    /// Compressed input; manually allocated so liblzma can keep a stable pointer into it.
    private let input: UnsafeMutableRawBufferPointer
    private var finished = false
    private var sawEndOfFile = false

    init(file: RawFileSource, path: String) throws {
        self.file = file
        self.path = path
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        let status = lzma_stream_decoder(&stream, UInt64.max, horizon_lzma_concatenated)
        guard status == LZMA_OK else {
            input.deallocate()
            throw HorizonError("cannot start the xz decoder for '\(path)'")
        }
    }

    deinit {
        lzma_end(&stream)
        input.deallocate()
    }

    var bytesConsumed: Int { file.bytesConsumed - stream.avail_in }
    var fileSize: Int? { file.fileSize }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if finished { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = buffer.count
        while stream.avail_out > 0 {
            if stream.avail_in == 0, !sawEndOfFile {
                let n = try file.read(into: input)
                sawEndOfFile = n == 0
                stream.next_in = UnsafePointer(input.baseAddress!.assumingMemoryBound(to: UInt8.self))
                stream.avail_in = n
            }
            let status = lzma_code(&stream, sawEndOfFile ? LZMA_FINISH : LZMA_RUN)
            if status == LZMA_STREAM_END { finished = true; break }
            if status != LZMA_OK {
                throw HorizonError("'\(path)' is not valid xz data (liblzma error \(status.rawValue))")
            }
        }
        return buffer.count - stream.avail_out
    }
}

/// Bytes already in memory, read through the same reader and loaders as a file: the fuzz
/// targets and tests feed arbitrary input down the exact path a CSV on disk takes.
public final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    public private(set) var bytesConsumed = 0
    public var fileSize: Int? { bytes.count }

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - bytesConsumed)
        if n > 0 {
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + bytesConsumed, byteCount: n)
            }
        }
        bytesConsumed += n
        return n
    }
}
