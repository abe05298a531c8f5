import CZlib
import Foundation
import HorizonCore

/// Why a parameter file could not be used.
public enum ParameterFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case corrupt(String)
    case mismatch(String)

    public var description: String {
        switch self {
        case .unreadable(let m): return m
        case .corrupt(let m): return "corrupt model file: \(m)"
        case .mismatch(let m): return "model file does not fit this model: \(m)"
        }
    }
}

/// The binary format models are saved in: named tensors plus text metadata (the model's
/// configuration), versioned and checksummed so a truncated or altered file is refused rather
/// than silently loaded.
///
/// Layout, all integers little-endian:
/// ```
/// "HZPARAMS"                      8 bytes magic
/// version   u32                   (1)
/// metadata  u32 count, then per entry: u32 length + UTF-8 key, u32 length + UTF-8 value
/// tensors   u32 count, then per tensor: u32 length + UTF-8 name, u32 rank, rank × u32 dims,
///           Float32 values (row-major)
/// crc32     u32 of every byte before it (zlib's CRC-32)
/// ```
public enum ParameterFile {
    public static let version: UInt32 = 1
    /// The largest file read: far above any network `train` makes (a million parameters is
    /// 4 MB), far below what would hurt; every tensor is allocated from the file's own bytes.
    public static let maxBytes = 1 << 30
    static let magic = Array("HZPARAMS".utf8)

    /// Writes atomically (temporary file + rename): a crash mid-write leaves any earlier file intact.
    public static func save(_ store: ParameterStore, metadata: [String: String], to path: String) throws {
        try AtomicFile.write(encode(store, metadata: metadata), to: path)
    }

    public static func encode(_ store: ParameterStore, metadata: [String: String]) -> Data {
        encode(store.names.map { ($0, store[$0]!) }, metadata: metadata)
    }

    /// The file's bytes for named tensors in order (what `decode` returns, written back).
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) -> Data {
        var bytes = magic
        append(version, to: &bytes)
        append(UInt32(metadata.count), to: &bytes)
        for key in metadata.keys.sorted() {
            append(key, to: &bytes)
            append(metadata[key]!, to: &bytes)
        }
        append(UInt32(tensors.count), to: &bytes)
        for (name, t) in tensors {
            append(name, to: &bytes)
            append(UInt32(t.rank), to: &bytes)
            for d in t.shape { append(UInt32(d), to: &bytes) }
            for v in t.buffer { append(v.bitPattern, to: &bytes) }
        }
        append(checksum(bytes[...]), to: &bytes)
        return Data(bytes)
    }

    /// Reads a file: its metadata and its tensors by name, after checking magic, version and checksum.
    public static func load(_ path: String) throws -> (metadata: [String: String], tensors: [String: Tensor], order: [String]) {
        if let problem = RegularFile.problem(path, maxBytes: maxBytes) {
            throw ParameterFileError.unreadable("cannot read model file '\(path)': \(problem)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParameterFileError.unreadable("cannot read model file '\(path)'")
        }
        return try decode([UInt8](data))
    }

    public static func decode(_ bytes: [UInt8]) throws -> (metadata: [String: String], tensors: [String: Tensor], order: [String]) {
        guard bytes.count >= magic.count + 8, Array(bytes.prefix(magic.count)) == magic else {
            throw ParameterFileError.corrupt("not a Horizon model file (bad magic)")
        }
        let stored = UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8
            | UInt32(bytes[bytes.count - 2]) << 16 | UInt32(bytes[bytes.count - 1]) << 24
        guard checksum(bytes[..<(bytes.count - 4)]) == stored else {
            throw ParameterFileError.corrupt("checksum mismatch (the file was truncated or altered)")
        }
        var reader = Reader(bytes: bytes, offset: magic.count, end: bytes.count - 4)
        let version = try reader.u32()
        guard version == Self.version else {
            throw ParameterFileError.corrupt("format version \(version); this Horizon reads version \(Self.version)")
        }
        var metadata: [String: String] = [:]
        for _ in 0..<(try reader.u32()) {
            let key = try reader.string()
            metadata[key] = try reader.string()
        }
        var tensors: [String: Tensor] = [:], order: [String] = []
        for _ in 0..<(try reader.u32()) {
            let name = try reader.string()
            let rank = Int(try reader.u32())
            guard rank <= 8 else { throw ParameterFileError.corrupt("tensor '\(name)' has rank \(rank)") }
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(Int(try reader.u32())) }
            // The product is checked step by step: dimensions read from a damaged file can overflow.
            var n = 1
            for d in shape {
                let (product, overflow) = n.multipliedReportingOverflow(by: d)
                guard !overflow, product <= (reader.end - reader.offset) / 4 else {
                    throw ParameterFileError.corrupt("tensor '\(name)' runs past the end")
                }
                n = product
            }
            var values = [Float](repeating: 0, count: n)
            for i in 0..<n { values[i] = Float(bitPattern: try reader.u32()) }
            tensors[name] = Tensor(shape: shape, data: values)
            order.append(name)
        }
        guard reader.offset == reader.end else { throw ParameterFileError.corrupt("\(reader.end - reader.offset) unexpected trailing bytes") }
        return (metadata, tensors, order)
    }

    /// Loads a file into `store`: every parameter of the store must be in the file with its
    /// shape, and the file may hold nothing else.
    public static func load(_ path: String, into store: ParameterStore) throws -> [String: String] {
        let (metadata, tensors, order) = try load(path)
        if let name = order.first(where: { store[$0] == nil }) {
            throw ParameterFileError.mismatch("the file has a parameter '\(name)' this model does not")
        }
        try store.assign(tensors)
        return metadata
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    private static func append(_ v: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
    }

    private static func append(_ s: String, to bytes: inout [UInt8]) {
        let utf8 = Array(s.utf8)
        append(UInt32(utf8.count), to: &bytes)
        bytes += utf8
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset: Int
        let end: Int

        mutating func u32() throws -> UInt32 {
            guard offset + 4 <= end else { throw ParameterFileError.corrupt("unexpected end of file") }
            defer { offset += 4 }
            return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        }

        mutating func string() throws -> String {
            let n = Int(try u32())
            guard n <= end - offset else { throw ParameterFileError.corrupt("a name runs past the end") }
            defer { offset += n }
            guard let s = String(bytes: bytes[offset..<(offset + n)], encoding: .utf8) else {
                throw ParameterFileError.corrupt("a name is not UTF-8")
            }
            return s
        }
    }
}
