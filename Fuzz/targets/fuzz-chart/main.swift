import FuzzDriver
import HorizonFuzzing

// libFuzzer entry: any bytes as the names a chart shows (NUL separates them), written into
// every kind of gnuplot script, which must keep them inside single-quoted literals.
// SwiftPM links an executable's `main` to this file's top-level code, so that code starts
// libFuzzer through LLVMFuzzerRunDriver; the runtime's own `main` is linked too and needs
// LLVMFuzzerTestOneInput to exist (see Fuzz/README.md). A foreign error type or a broken
// invariant traps, so libFuzzer saves the input as a crash.

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    do { _ = try ChartEntry.run(bytes) } catch { fatalError("\(error)") }
    return 0
}

runFuzzer(testOneInput)
