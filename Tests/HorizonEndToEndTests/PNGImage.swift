import CZlib
import Foundation

/// The pixels of an 8-bit RGB or RGBA PNG (what headless Chromium writes), decoded with zlib,
/// enough to tell a rendered page from a blank one.
struct PNGImage {
    var width: Int
    var height: Int
    /// Row-major RGB triples.
    var pixels: [(r: UInt8, g: UInt8, b: UInt8)]

    enum Failure: Error { case notPNG, unsupported(String), corrupt }

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Failure.notPNG }
        func int(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 8, compressed: [UInt8] = []
        var width = 0, height = 0, channels = 0
        while offset + 8 <= bytes.count {
            let length = int(offset), type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = (offset + 8)..<(offset + 8 + length)
            guard body.upperBound <= bytes.count else { throw Failure.corrupt }
            switch type {
            case "IHDR":
                width = int(body.lowerBound)
                height = int(body.lowerBound + 4)
                let depth = bytes[body.lowerBound + 8], color = bytes[body.lowerBound + 9], interlace = bytes[body.lowerBound + 12]
                guard depth == 8, interlace == 0, color == 2 || color == 6 else {
                    throw Failure.unsupported("depth \(depth), colour type \(color), interlace \(interlace)")
                }
                channels = color == 6 ? 4 : 3
            case "IDAT":
                compressed += bytes[body]
            default:
                break
            }
            offset = body.upperBound + 4  // the chunk's CRC
        }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var rawLength = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &rawLength, input.baseAddress, uLong(input.count))
            }
        }
        guard status == Z_OK, Int(rawLength) == raw.count else { throw Failure.corrupt }
        // Undo each row's filter (PNG spec §9) against the row above.
        var previous = [UInt8](repeating: 0, count: stride), row = [UInt8](repeating: 0, count: stride)
        var pixels: [(r: UInt8, g: UInt8, b: UInt8)] = []
        pixels.reserveCapacity(width * height)
        for y in 0..<height {
            let start = y * (stride + 1), filter = raw[start]
            for x in 0..<stride {
                let value = raw[start + 1 + x]
                let a = x >= channels ? Int(row[x - channels]) : 0, b = Int(previous[x]), c = x >= channels ? Int(previous[x - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw Failure.corrupt
                }
                row[x] = value &+ UInt8(truncatingIfNeeded: predictor)
            }
            for x in 0..<width { pixels.append((row[x * channels], row[x * channels + 1], row[x * channels + 2])) }
            swap(&previous, &row)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
