import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Timestamp text conversions, done with `gmtime_r`/`timegm` so they are exact to the
/// microsecond and independent of the process's locale and time zone.
enum PostgresTimestamp {
    /// `2024-05-01T12:34:56.123456Z`.
    static func format(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        var seconds = Int((micros / 1_000_000).rounded(.down))
        let fraction = Int(micros - Double(seconds) * 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(27)
        /// `value` in decimal, zero-padded to `width` digits, then `separator`.
        func put(_ value: Int, _ width: Int, then separator: UInt8) {
            let value = max(value, 0)
            var divisor = 1, count = 1
            while divisor <= value / 10 { divisor *= 10; count += 1 }
            for _ in count..<max(width, count) { out.append(UInt8(ascii: "0")) }
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
            out.append(separator)
        }
        put(Int(parts.tm_year) + 1900, 4, then: UInt8(ascii: "-"))
        put(Int(parts.tm_mon) + 1, 2, then: UInt8(ascii: "-"))
        put(Int(parts.tm_mday), 2, then: UInt8(ascii: "T"))
        put(Int(parts.tm_hour), 2, then: UInt8(ascii: ":"))
        put(Int(parts.tm_min), 2, then: UInt8(ascii: ":"))
        put(Int(parts.tm_sec), 2, then: UInt8(ascii: "."))
        put(fraction, 6, then: UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses the server's ISO output: `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]]`
    /// (a missing offset, as for `timestamp` columns, means UTC). Nil if it is anything else
    /// (e.g. `infinity` or a BC date).
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == 45, bytes[7] == 45, bytes[10] == 32 || bytes[10] == 84,
            bytes[13] == 58, bytes[16] == 58,
            let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
            let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2)
        else { return nil }
        var index = 19
        var micros = 0
        if index < bytes.count, bytes[index] == 46 {  // "."
            index += 1
            var digits = 0
            while index < bytes.count, let digit = digit(bytes[index]) {
                if digits < 6 { micros = micros * 10 + digit }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if digits < 6 { for _ in digits..<6 { micros *= 10 } }
        }
        guard let offset = offsetSeconds(bytes, from: index) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts) - offset
        return Date(timeIntervalSince1970: Double(epoch) + Double(micros) / 1_000_000)
    }

    /// Reads `""`, `Z`, or `+HH[:MM[:SS]]` / `-HH...` ending the text.
    private static func offsetSeconds(_ bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count else { return 0 }
        if bytes[start] == 90 { return start == bytes.count - 1 ? 0 : nil }  // "Z"
        guard bytes[start] == 43 || bytes[start] == 45, let hours = number(bytes, start + 1, 2) else { return nil }
        var offset = hours * 3600
        var index = start + 3
        for unit in [60, 1] where index < bytes.count {
            guard bytes[index] == 58, let value = number(bytes, index + 1, 2) else { return nil }
            offset += value * unit
            index += 3
        }
        guard index == bytes.count else { return nil }
        return bytes[start] == 45 ? -offset : offset
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (48...57).contains(byte) ? Int(byte - 48) : nil
    }

    private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<(start + count)] {
            guard let digit = digit(byte) else { return nil }
            value = value * 10 + digit
        }
        return value
    }
}
