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
}
