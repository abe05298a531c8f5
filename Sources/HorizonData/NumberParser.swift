import Foundation

/// Fast decimal parsing straight from CSV bytes.
///
/// The common case (up to 19 significant digits, exponent within ±22) is computed exactly
/// as `mantissa × 10^e` in one correctly rounded operation (the Clinger fast path); anything
/// else falls back to `strtod`, so results always equal `strtod`'s.
enum NumberParser {
    private static let powersOf10: [Double] = (0...22).map { Double("1e\($0)")! }

    /// NaN for a missing-value token, nil when the bytes are not a number. `decimalMark` is a
    /// second character read as the decimal point — `,` in semicolon-separated files, written
    /// where the comma is the decimal mark; a field holds one point at most, so 1.234,5 (a
    /// thousands separator) is refused, not misread.
    static func parse(_ b: UnsafeBufferPointer<UInt8>, decimalMark: UInt8 = UInt8(ascii: ".")) -> Double? {
        var lo = 0, hi = b.count
        while lo < hi, b[lo] == 0x20 { lo += 1 }
        while hi > lo, b[hi - 1] == 0x20 { hi -= 1 }
        if lo == hi { return .nan }
        var i = lo
        var negative = false
        if b[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if b[i] == UInt8(ascii: "+") { i += 1 }
        let integerStart = i
        var mantissa: UInt64 = 0
        var digits = 0, fractionDigits = 0
        var sawDigit = false
        while i < hi, b[i] >= 0x30, b[i] <= 0x39 {
            if digits < 19 { mantissa = mantissa * 10 + UInt64(b[i] - 0x30); if mantissa > 0 { digits += 1 } }
            else { return slow(b, lo, hi, decimalMark) }
            sawDigit = true; i += 1
        }
        if i < hi, b[i] == UInt8(ascii: ".") || b[i] == decimalMark {
            // Where the comma is the decimal mark, `1.234` is as likely 1234 (a thousands
            // separator) as 1.234: refused, not guessed.
            if decimalMark != UInt8(ascii: "."), b[i] == UInt8(ascii: "."), (1...3).contains(i - integerStart), hi - i == 4,
               b[(i + 1)..<hi].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                return nil
            }
            i += 1
            while i < hi, b[i] >= 0x30, b[i] <= 0x39 {
                if digits < 19 { mantissa = mantissa * 10 + UInt64(b[i] - 0x30); if mantissa > 0 { digits += 1 }; fractionDigits += 1 }
                else { return slow(b, lo, hi, decimalMark) }
                sawDigit = true; i += 1
            }
        }
        guard sawDigit else { return isMissingToken(b) ? .nan : slowSpecial(b, lo, hi) }
        var exponent = 0
        if i < hi, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < hi, b[i] == UInt8(ascii: "-") { expNegative = true; i += 1 } else if i < hi, b[i] == UInt8(ascii: "+") { i += 1 }
            var sawExp = false
            while i < hi, b[i] >= 0x30, b[i] <= 0x39 {
                exponent = min(exponent * 10 + Int(b[i] - 0x30), 10_000); sawExp = true; i += 1
            }
            if !sawExp { return nil }
            if expNegative { exponent = -exponent }
        }
        if i != hi { return nil }
        let e = exponent - fractionDigits
        guard mantissa < (1 << 53), abs(e) <= 22 else { return slow(b, lo, hi, decimalMark) }
        var value = Double(mantissa)
        value = e >= 0 ? value * powersOf10[e] : value / powersOf10[-e]
        return negative ? -value : value
    }

    private static func slow(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int, _ decimalMark: UInt8) -> Double? {
        // strtod reads the C locale's point: the other mark becomes one, but never both in a field.
        if decimalMark != UInt8(ascii: "."), b[lo..<hi].contains(UInt8(ascii: ".")), b[lo..<hi].contains(decimalMark) { return nil }
        var text = [CChar](repeating: 0, count: hi - lo + 1)
        for k in lo..<hi { text[k - lo] = CChar(bitPattern: b[k] == decimalMark ? UInt8(ascii: ".") : b[k]) }
        return text.withUnsafeBufferPointer { p -> Double? in
            var end: UnsafeMutablePointer<CChar>?
            let v = strtod(p.baseAddress!, &end)
            guard let end, end - UnsafeMutablePointer(mutating: p.baseAddress!) == hi - lo else { return nil }
            return v
        }
    }

    /// `inf`, `-inf`, `Infinity` are numbers (the hostile-data rules reject them later with a location).
    private static func slowSpecial(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Double? {
        let word = String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self).lowercased()
        switch word {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }

    /// Empty, or one of NA, N/A, NaN, null, None, "." (case-insensitive).
    static func isMissingToken(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var lo = 0, hi = b.count
        while lo < hi, b[lo] == 0x20 { lo += 1 }
        while hi > lo, b[hi - 1] == 0x20 { hi -= 1 }
        let n = hi - lo
        if n == 0 { return true }
        if n > 4 { return false }
        var word = ""
        for k in lo..<hi { word.append(Character(Unicode.Scalar(b[k] | (b[k] >= 0x41 && b[k] <= 0x5A ? 0x20 : 0)))) }
        return ["na", "n/a", "n.a.", "#n/a", "nan", "null", "none", "."].contains(word)
    }
}
