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

/// A named array of a model that is not a network's weights (a forest's nodes, leaf targets):
/// kept in its own type, so thresholds and leaf values come back bit for bit.
public enum StoredArray: Sendable, Equatable {
    case float64([Double])
    case float32([Float])
    case int32([Int32])
    case uint8([UInt8])
    case uint64([UInt64])

    var code: UInt8 {
        switch self {
        case .float64: return 1
        case .float32: return 2
        case .int32: return 3
        case .uint8: return 4
        case .uint64: return 5
        }
    }

    var count: Int {
        switch self {
        case .float64(let a): return a.count
        case .float32(let a): return a.count
        case .int32(let a): return a.count
        case .uint8(let a): return a.count
        case .uint64(let a): return a.count
        }
    }
}

/// The binary format models are saved in: named tensors and named typed arrays plus text
/// metadata (the model's configuration), versioned and checksummed so a truncated or altered
/// file is refused rather than silently loaded.
///
/// Layout, all integers little-endian:
/// ```
/// "HZPARAMS"                      8 bytes magic
/// version   u32                   (1: no arrays section; 2: with it)
/// metadata  u32 count, then per entry: u32 length + UTF-8 key, u32 length + UTF-8 value
/// tensors   u32 count, then per tensor: u32 length + UTF-8 name, u32 rank, rank × u32 dims,
///           Float32 values (row-major)
/// arrays    (version 2) u32 count, then per array: u32 length + UTF-8 name, u8 type
///           (1 f64, 2 f32, 3 i32, 4 u8, 5 u64), u32 count, the values
/// crc32     u32 of every byte before it (zlib's CRC-32)
/// ```
/// A file without arrays is written as version 1, which every earlier Horizon reads.
public enum ParameterFile {
    public static let version: UInt32 = 2
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

    /// The file's bytes for named tensors and arrays in order (what `decode` returns, written back).
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], arrays: [(name: String, array: StoredArray)] = [],
                              metadata: [String: String]) -> Data {
        var bytes = magic
        append(arrays.isEmpty ? 1 : version, to: &bytes)
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
        if !arrays.isEmpty {
            append(UInt32(arrays.count), to: &bytes)
            for (name, array) in arrays {
                append(name, to: &bytes)
                bytes.append(array.code)
                append(UInt32(array.count), to: &bytes)
                switch array {
                case .float64(let a): for v in a { append(v.bitPattern, to: &bytes) }
                case .float32(let a): for v in a { append(v.bitPattern, to: &bytes) }
                case .int32(let a): for v in a { append(UInt32(bitPattern: v), to: &bytes) }
                case .uint8(let a): bytes += a
                case .uint64(let a): for v in a { append(v, to: &bytes) }
                }
            }
        }
        append(checksum(bytes[...]), to: &bytes)
        return Data(bytes)
    }

    /// Writes named tensors and arrays atomically.
    public static func save(_ tensors: [(name: String, tensor: Tensor)], arrays: [(name: String, array: StoredArray)],
                            metadata: [String: String], to path: String) throws {
        try AtomicFile.write(encode(tensors, arrays: arrays, metadata: metadata), to: path)
    }

    /// Everything a file holds.
    public struct Contents {
        public var metadata: [String: String]
        public var tensors: [String: Tensor]
        /// The tensors' names in file order.
        public var order: [String]
        public var arrays: [String: StoredArray]
    }

    /// Reads a file: its metadata and its tensors by name, after checking magic, version and checksum.
    public static func load(_ path: String) throws -> (metadata: [String: String], tensors: [String: Tensor], order: [String]) {
        let contents = try read(path)
        return (contents.metadata, contents.tensors, contents.order)
    }

    /// Reads a file with its arrays, after checking magic, version and checksum.
    public static func read(_ path: String) throws -> Contents {
        if let problem = RegularFile.problem(path, maxBytes: maxBytes) {
            throw ParameterFileError.unreadable("cannot read model file '\(Visible.name(path))': \(problem)")
        }
        // The magic first: a gigabyte that is not a model file is refused without being read.
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ParameterFileError.unreadable("cannot read model file '\(Visible.name(path))'")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: magic.count)) ?? Data()
        guard [UInt8](head) == magic else { throw ParameterFileError.corrupt("not a Horizon model file (bad magic)") }
        // Appended in place: the file is held once beside its bytes, not three times over.
        var bytes = [UInt8](head)
        do { bytes.append(contentsOf: try handle.readToEnd() ?? Data()) } catch {  // nil: nothing after the magic
            throw ParameterFileError.unreadable("cannot read model file '\(Visible.name(path))'")
        }
        return try contents(bytes)
    }

    public static func decode(_ bytes: [UInt8]) throws -> (metadata: [String: String], tensors: [String: Tensor], order: [String]) {
        let contents = try contents(bytes)
        return (contents.metadata, contents.tensors, contents.order)
    }

    public static func contents(_ bytes: [UInt8]) throws -> Contents {
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
        guard version == 1 || version == Self.version else {
            throw ParameterFileError.corrupt("format version \(version); this Horizon reads versions 1 and \(Self.version)")
        }
        var metadata: [String: String] = [:]
        for _ in 0..<(try reader.u32()) {
            let key = try reader.string()
            metadata[key] = try reader.string()
        }
        var tensors: [String: Tensor] = [:], order: [String] = []
        for _ in 0..<(try reader.u32()) {
            let name = try reader.string()
            guard tensors[name] == nil else { throw ParameterFileError.corrupt("tensor '\(Visible.name(name))' appears twice") }
            let rank = Int(try reader.u32())
            guard rank <= 8 else { throw ParameterFileError.corrupt("tensor '\(Visible.name(name))' has rank \(rank)") }
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(Int(try reader.u32())) }
            // The product is checked step by step: dimensions read from a damaged file can overflow.
            var n = 1
            for d in shape {
                let (product, overflow) = n.multipliedReportingOverflow(by: d)
                guard !overflow, product <= (reader.end - reader.offset) / 4 else {
                    throw ParameterFileError.corrupt("tensor '\(Visible.name(name))' runs past the end")
                }
                n = product
            }
            var values = [Float](repeating: 0, count: n)
            for i in 0..<n { values[i] = Float(bitPattern: try reader.u32()) }
            tensors[name] = Tensor(shape: shape, data: values)
            order.append(name)
        }
        var arrays: [String: StoredArray] = [:]
        if version >= 2 {
            for _ in 0..<(try reader.u32()) {
                let name = try reader.string()
                let code = try reader.u8()
                let count = Int(try reader.u32())
                let size = [1: 8, 2: 4, 3: 4, 4: 1, 5: 8][Int(code)]
                guard let size else { throw ParameterFileError.corrupt("array '\(Visible.name(name))' has an unknown type \(code)") }
                // Checked before anything is allocated: a count read from a damaged file can be anything.
                guard count <= (reader.end - reader.offset) / size else { throw ParameterFileError.corrupt("array '\(Visible.name(name))' runs past the end") }
                guard arrays[name] == nil else { throw ParameterFileError.corrupt("array '\(Visible.name(name))' appears twice") }
                switch code {
                case 1: arrays[name] = .float64(try (0..<count).map { _ in Double(bitPattern: try reader.u64()) })
                case 2: arrays[name] = .float32(try (0..<count).map { _ in Float(bitPattern: try reader.u32()) })
                case 3: arrays[name] = .int32(try (0..<count).map { _ in Int32(bitPattern: try reader.u32()) })
                case 4: arrays[name] = .uint8(try (0..<count).map { _ in try reader.u8() })
                default: arrays[name] = .uint64(try (0..<count).map { _ in try reader.u64() })
                }
            }
        }
        guard reader.offset == reader.end else { throw ParameterFileError.corrupt("\(reader.end - reader.offset) unexpected trailing bytes") }
        return Contents(metadata: metadata, tensors: tensors, order: order, arrays: arrays)
    }

    /// Loads a file into `store`: every parameter of the store must be in the file with its
    /// shape, and the file may hold nothing else.
    public static func load(_ path: String, into store: ParameterStore) throws -> [String: String] {
        let (metadata, tensors, order) = try load(path)
        if let name = order.first(where: { store[$0] == nil }) {
            throw ParameterFileError.mismatch("the file has a parameter '\(Visible.name(name))' this model does not")
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

    private static func append(_ v: UInt64, to bytes: inout [UInt8]) {
        append(UInt32(truncatingIfNeeded: v), to: &bytes)
        append(UInt32(truncatingIfNeeded: v >> 32), to: &bytes)
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

        mutating func u8() throws -> UInt8 {
            guard offset < end else { throw ParameterFileError.corrupt("unexpected end of file") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func u64() throws -> UInt64 {
            let low = UInt64(try u32())
            return low | UInt64(try u32()) << 32
        }

        mutating func string() throws -> String {
            let n = Int(try u32())
            guard n <= end - offset else { throw ParameterFileError.corrupt("the text at byte \(offset - 4) says it is \(n) bytes long, past the end of the file") }
            defer { offset += n }
            guard let s = String(bytes: bytes[offset..<(offset + n)], encoding: .utf8) else {
                throw ParameterFileError.corrupt("the text at byte \(offset - 4) is not UTF-8")
            }
            return s
        }
    }
}
