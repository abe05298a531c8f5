import Foundation
import Testing
@testable import HorizonTensor

/// A model file damaged in ways the checksum cannot see (written that way, or altered and
/// re-summed) is refused as corrupt, never trusted with a crash.
@Suite struct ParameterFileDamageTests {
    /// A file with one tensor of the given shape and no values, with a valid checksum.
    func file(shape: [UInt32]) -> [UInt8] {
        var bytes = Array("HZPARAMS".utf8)
        func u32(_ v: UInt32) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        u32(1)  // version
        u32(0)  // metadata entries
        u32(1)  // tensors
        u32(1); bytes.append(UInt8(ascii: "w"))
        u32(UInt32(shape.count))
        shape.forEach(u32)
        u32(ParameterFile.checksum(bytes[...]))
        return bytes
    }

    @Test func dimensionsWhoseProductOverflowsAreCorrupt() {
        #expect(throws: ParameterFileError.corrupt("tensor 'w' runs past the end")) {
            try ParameterFile.decode(file(shape: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF]))
        }
    }

    @Test func dimensionsLargerThanTheFileAreCorrupt() {
        #expect(throws: ParameterFileError.corrupt("tensor 'w' runs past the end")) { try ParameterFile.decode(file(shape: [1000, 1000])) }
    }

    @Test func anEmptyTensorIsFine() throws {
        let (_, tensors, order) = try ParameterFile.decode(file(shape: [0, 7]))
        #expect(order == ["w"] && tensors["w"]?.shape == [0, 7])
    }

    /// Typed arrays come back bit for bit (a NaN payload, -0, the extremes of each type).
    @Test func typedArraysRoundTripExactly() throws {
        let arrays: [(name: String, array: StoredArray)] = [
            ("d", .float64([0.1, -0.0, .greatestFiniteMagnitude, Double(bitPattern: 0x7FF8_0000_0000_0123)])),
            ("f", .float32([1.5, -3])), ("i", .int32([Int32.min, -1, Int32.max])), ("b", .uint8([0, 255])), ("u", .uint64([UInt64.max, 1])),
        ]
        let contents = try ParameterFile.contents([UInt8](ParameterFile.encode([], arrays: arrays, metadata: ["k": "v"])))
        #expect(contents.metadata == ["k": "v"])
        for (name, array) in arrays {
            if case .float64(let a) = array, case .float64(let b)? = contents.arrays[name] {
                #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
            } else {
                #expect(contents.arrays[name] == array)
            }
        }
        // Without arrays, a file is still version 1: what every earlier Horizon reads.
        #expect(Array(ParameterFile.encode([], metadata: [:]))[8] == 1)
    }

    /// An array whose count runs past the end is refused before anything is allocated.
    @Test func anArrayLongerThanTheFileIsCorrupt() {
        var bytes = Array("HZPARAMS".utf8)
        func u32(_ v: UInt32) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        u32(2); u32(0); u32(0)  // version 2, no metadata, no tensors
        u32(1); u32(1); bytes.append(UInt8(ascii: "a")); bytes.append(1); u32(0xFFFF_FFFF)
        u32(ParameterFile.checksum(bytes[...]))
        #expect(throws: ParameterFileError.corrupt("array 'a' runs past the end")) { try ParameterFile.contents(bytes) }
    }
}
