#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A number as written in a CSV cell: ±mantissa × 10^exponent, exact.
///
/// `samen analyze` keeps the decimal digits until it subtracts a column's
/// reference value (its first number): 1000000000000.4 − 1000000000000.3 is
/// exactly 0.1 in decimal, while the nearest binary doubles differ by
/// 0.0999755859375. Statistics that do not depend on location (variances,
/// F, t, p, ranks) are then computed on exact differences, so large values
/// with a tiny spread keep their digits.
public struct DecimalNumber: Sendable, Equatable {
    public var negative: Bool
    public var mantissa: UInt64
    public var exponent: Int
    /// False when the cell had more than 19 significant digits; `fallback`
    /// then holds the correctly rounded double.
    public var exact: Bool
    public var fallback: Double

    /// 10^k for 0 ≤ k ≤ 22: every one exact in binary64.
    @inline(__always) static func power(_ k: Int) -> Double {
        switch k {
        case 0: 1e0; case 1: 1e1; case 2: 1e2; case 3: 1e3; case 4: 1e4; case 5: 1e5; case 6: 1e6; case 7: 1e7
        case 8: 1e8; case 9: 1e9; case 10: 1e10; case 11: 1e11; case 12: 1e12; case 13: 1e13; case 14: 1e14
        case 15: 1e15; case 16: 1e16; case 17: 1e17; case 18: 1e18; case 19: 1e19; case 20: 1e20; case 21: 1e21
        default: 1e22
        }
    }

    /// The nearest double (correctly rounded).
    public var double: Double {
        if !exact { return fallback }
        var value: Double
        if mantissa < (1 << 53) && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            value = exponent < 0 ? m / Self.power(-exponent) : m * Self.power(exponent)
        } else {
            value = strtod("\(mantissa)e\(exponent)", nil)
        }
        return negative ? -value : value
    }

    /// self − reference, computed in exact decimal arithmetic and rounded
    /// once; falls back to double subtraction when the scaled mantissas
    /// would not fit in 64 bits.
    public func minus(_ reference: DecimalNumber) -> Double {
        guard exact, reference.exact else { return double - reference.double }
        let e = Swift.min(exponent, reference.exponent)
        guard let a = Self.scaled(mantissa, by: exponent - e), let b = Self.scaled(reference.mantissa, by: reference.exponent - e),
              a <= UInt64(Int64.max), b <= UInt64(Int64.max) else {
            return double - reference.double
        }
        let x = negative ? -Int64(a) : Int64(a)
        let y = reference.negative ? -Int64(b) : Int64(b)
        let (difference, overflow) = x.subtractingReportingOverflow(y)
        if overflow { return double - reference.double }
        let magnitude = difference.magnitude
        let d = DecimalNumber(negative: difference < 0, mantissa: magnitude, exponent: e, exact: true, fallback: 0)
        return d.double
    }

    private static func scaled(_ m: UInt64, by k: Int) -> UInt64? {
        var value = m
        for _ in 0..<k {
            let (r, o) = value.multipliedReportingOverflow(by: 10)
            if o { return nil }
            value = r
        }
        return value
    }

    /// Parses trimmed bytes: optional sign, digits with one decimal mark
    /// (`.` or, when `comma` is true, `,`), optional exponent. Nil when the
    /// text is not a number.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, comma: Bool) -> DecimalNumber? {
        var i = 0
        let n = bytes.count
        if n == 0 { return nil }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0, significant = 0, exponent = 0
        var seenMark = false, dropped = false
        while i < n {
            let b = bytes[i]
            if b >= 48 && b <= 57 {
                digits += 1
                if significant < 19 {
                    if mantissa != 0 || b != 48 {
                        mantissa = mantissa * 10 + UInt64(b - 48)
                        significant += mantissa == 0 ? 0 : 1
                    }
                    if seenMark { exponent -= 1 }
                } else {
                    if b != 48 { dropped = true }
                    if !seenMark { exponent += 1 }
                }
            } else if (b == UInt8(ascii: ".") || (comma && b == UInt8(ascii: ","))) && !seenMark {
                seenMark = true
            } else {
                break
            }
            i += 1
        }
        if digits == 0 { return nil }
        if i < n {
            guard bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") else { return nil }
            i += 1
            var expNegative = false
            if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var value = 0, expDigits = 0
            while i < n, bytes[i] >= 48, bytes[i] <= 57 {
                if value < 100_000 { value = value * 10 + Int(bytes[i] - 48) }
                expDigits += 1
                i += 1
            }
            if expDigits == 0 || i < n { return nil }
            exponent += expNegative ? -value : value
        }
        var number = DecimalNumber(negative: negative, mantissa: mantissa, exponent: exponent, exact: !dropped, fallback: 0)
        if dropped {
            var text = [UInt8](bytes)
            if comma { for j in text.indices where text[j] == UInt8(ascii: ",") { text[j] = UInt8(ascii: ".") } }
            text.append(0)
            number.fallback = text.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { strtod($0.baseAddress!, nil) }
            }
        }
        if mantissa == 0 { number.exponent = 0 }
        return number
    }
}
