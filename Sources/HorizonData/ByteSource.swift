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
/// mislabelled file still loads. The bytes sniffed are kept and served first, never re-read,
/// so a pipe or standard input (`load /dev/stdin`) loses nothing.
public func openByteSource(path: String) throws -> ByteSource {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw HorizonError("no such file '\(path)'")
    }
    if isDirectory.boolValue { throw HorizonError("'\(path)' is a directory, not a data file") }
    let file = try RawFileSource(path: path)
    let magic = try file.peek(6)
    if magic.count >= 2, magic[0] == 0x1F, magic[1] == 0x8B { return try GzipSource(file: file, path: path) }
    if magic == [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] { return try XZSource(file: file, path: path) }
    return file
}

/// An uncompressed file, a pipe or a device, read in order exactly once.
final class RawFileSource: ByteSource {
    private let handle: UnsafeMutablePointer<FILE>
    /// Bytes read ahead by `peek`, served before the rest of the file.
    private var pending: [UInt8] = []
    private(set) var bytesConsumed = 0
    /// The size of a regular file; nil for a pipe or device, whose size is not known ahead.
    let fileSize: Int?

    init(path: String) throws {
        if let problem = RegularFile.nameProblem(path) { throw HorizonError("cannot open '\(Visible.name(path))': \(problem)") }
        guard let h = fopen(path, "rb") else {
            throw HorizonError("cannot open '\(Visible.name(path))': \(String(cString: strerror(errno)))")
        }
        handle = h
        var info = stat()
        fileSize = fstat(fileno(h), &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : nil
    }

    deinit { fclose(handle) }

    /// Up to `count` bytes from the start, which `read` will still return.
    func peek(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { fread($0.baseAddress! + filled, 1, count - filled, handle) }
            if n == 0 {
                if ferror(handle) != 0 { throw HorizonError("read error: \(String(cString: strerror(errno)))") }
                break
            }
            filled += n
        }
        pending = Array(bytes.prefix(filled))
        return pending
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !pending.isEmpty {
            let n = min(buffer.count, pending.count)
            pending.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
            pending.removeFirst(n)
            bytesConsumed += n
            return n
        }
        let n = fread(buffer.baseAddress, 1, buffer.count, handle)
        if n == 0, ferror(handle) != 0 { throw HorizonError("read error: \(String(cString: strerror(errno)))") }
        bytesConsumed += n
        return n
    }
}

/// A gzip stream, through zlib's streaming inflate over the file's bytes (so it works on a
/// pipe too), member after member: `cat a.gz b.gz` is one stream, as gzip reads it.
final class GzipSource: ByteSource {
    private let file: RawFileSource
    private let path: String
    private var stream = z_stream()
    /// Compressed input; manually allocated so zlib can keep a stable pointer into it.
    private let input: UnsafeMutableRawBufferPointer
    private var finished = false
    private var sawEndOfFile = false

    init(file: RawFileSource, path: String) throws {
        self.file = file
        self.path = path
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        // 15 + 16: a gzip wrapper, the largest window.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            input.deallocate()
            throw HorizonError("cannot start the gzip decoder for '\(path)'")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    var bytesConsumed: Int { file.bytesConsumed - Int(stream.avail_in) }
    var fileSize: Int? { file.fileSize }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if finished { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = UInt32(buffer.count)
        while stream.avail_out > 0 {
            if stream.avail_in == 0 {
                if sawEndOfFile { throw HorizonError("'\(path)' is not valid gzip data: the stream ends early (truncated file?)") }
                let n = try file.read(into: input)
                sawEndOfFile = n == 0
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.avail_in = UInt32(n)
                if n == 0 { continue }
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                // Another member may follow; only the end of the file ends the stream. Bytes
                // that do not start a member (zero padding) end it too, as gzip -d ignores them.
                if stream.avail_in == 0 {
                    let n = try file.read(into: input)
                    stream.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    stream.avail_in = UInt32(n)
                    if n == 0 { finished = true; break }
                }
                if stream.next_in[0] != 0x1F || (stream.avail_in > 1 && stream.next_in[1] != 0x8B) {
                    try requireZeroPadding()
                    finished = true
                    break
                }
                guard inflateReset(&stream) == Z_OK else { throw HorizonError("'\(path)' is not valid gzip data") }
                continue
            }
            if status != Z_OK && !(status == Z_BUF_ERROR && stream.avail_in == 0) {
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw HorizonError("'\(path)' is not valid gzip data: \(message)")
            }
        }
        return buffer.count - Int(stream.avail_out)
    }

    /// What follows the last member must be zeros (padding, which `gzip -d` ignores): other
    /// bytes are another file's, appended, and reading on as if the data ended would hide it.
    private func requireZeroPadding() throws {
        var offset = bytesConsumed
        while true {
            let pending = UnsafeRawBufferPointer(start: stream.next_in, count: Int(stream.avail_in))
            if let k = pending.firstIndex(where: { $0 != 0 }) {
                throw HorizonError("'\(path)' has bytes that are not gzip data after its end (from byte \(offset + k + 1)): trailing garbage")
            }
            offset += pending.count
            let n = try file.read(into: input)
            if n == 0 { return }
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.avail_in = UInt32(n)
        }
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
                throw HorizonError("'\(path)' is not valid xz data: \(Self.reason(status))")
            }
        }
        return buffer.count - stream.avail_out
    }

    /// liblzma's status in words (its numbers mean nothing to a user).
    static func reason(_ status: lzma_ret) -> String {
        switch status {
        case LZMA_BUF_ERROR: return "the stream ends early (truncated file?)"
        case LZMA_DATA_ERROR: return "the compressed data is corrupt"
        case LZMA_FORMAT_ERROR: return "it does not start as an xz stream"
        case LZMA_OPTIONS_ERROR: return "it uses compression options this decoder does not support"
        case LZMA_UNSUPPORTED_CHECK: return "its integrity check is of a kind this decoder does not support"
        case LZMA_MEM_ERROR, LZMA_MEMLIMIT_ERROR: return "there is not enough memory to decode it"
        default: return "liblzma error \(status.rawValue)"
        }
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
