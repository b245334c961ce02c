public import Foundation

/// Strict RFC 3339 timestamps: a zone (`Z` or `±HH:MM`) is required, because a timestamp without
/// one is ambiguous and would silently shift point-in-time checks by hours.
public enum RFC3339 {
    /// The earliest instant accepted, 0001-01-01T00:00:00Z: PostgreSQL has no year 0, so an
    /// earlier one (year 0000, or 0001-01-01 with a positive offset) could be decoded but never
    /// stored, and would fail a whole batch at its commit.
    public static let earliest = Date(timeIntervalSince1970: -62_135_596_800)
    /// The first instant after the last one accepted, 10000-01-01T00:00:00Z (a `-HH:MM` offset
    /// could otherwise carry 9999-12-31 past the four-digit years every output uses).
    public static let end = Date(timeIntervalSince1970: 253_402_300_800)

    /// What every parse failure says: the expected form and the accepted range.
    public static let expectation = "an RFC 3339 timestamp with a zone between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (e.g. 2025-06-21T10:00:00Z)"

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` for an instant from ``earliest`` up to
    /// ``end``; returns nil for anything else.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// Parses UTF-8 bytes; see ``parse(_:)``.
    public static func parse(utf8 b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard b.count >= 20 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for i in start..<(start + count) {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45, let day = digits(8, 2),
              b[10] == 84 || b[10] == 116 || b[10] == 32,
              let hour = digits(11, 2), b[13] == 58, let minute = digits(14, 2), b[16] == 58, let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second <= 60 else { return nil }
        var i = 19
        var fraction = 0.0
        if b[i] == 46 { // '.'
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start, i < b.count else { return nil }
        }
        var offsetSeconds = 0
        switch b[i] {
        case 90, 122: // 'Z', 'z'
            guard i + 1 == b.count else { return nil }
        case 43, 45: // '+', '-'
            guard i + 6 == b.count, let oh = digits(i + 1, 2), b[i + 3] == 58, let om = digits(i + 4, 2),
                  oh < 24, om < 60 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
        default:
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        let date = Date(timeIntervalSince1970: Double(seconds) + fraction)
        return date >= earliest && date < end ? date : nil
    }

    /// Formats in UTC with millisecond precision, e.g. `2025-06-21T10:00:00.000Z`.
    public static func format(_ date: Date) -> String {
        let totalMillis = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard totalMillis.isFinite, abs(totalMillis) < 253_402_300_800_000 else { return "invalid-date" }
        let millis = Int(totalMillis)
        var days = millis / 86_400_000
        var rest = millis % 86_400_000
        if rest < 0 { rest += 86_400_000; days -= 1 }
        let (year, month, day) = civilFromDays(days)
        let h = rest / 3_600_000, m = (rest / 60_000) % 60, s = (rest / 1000) % 60, ms = rest % 1000
        if (0...9999).contains(year) {
            // Written as bytes: interpolation and padding were most of the cost of every event's `time`.
            var text: [UInt8] = Array("0000-00-00T00:00:00.000Z".utf8)
            func put(_ value: Int, endingAt end: Int) {
                var rest = value, index = end
                while rest > 0 { index -= 1; text[index] = UInt8(48 + rest % 10); rest /= 10 }
            }
            put(year, endingAt: 4); put(month, endingAt: 7); put(day, endingAt: 10)
            put(h, endingAt: 13); put(m, endingAt: 16); put(s, endingAt: 19); put(ms, endingAt: 23)
            return String(decoding: text, as: UTF8.self)
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(ms, 3))Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's civil-calendar algorithms: exact for the proleptic Gregorian calendar.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
