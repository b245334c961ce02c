public import Foundation

/// A timestamp of a feature write, kept with the text it arrived as. Unlike the rest of Vigil's
/// inputs, a timestamp without a zone is accepted here (read as UTC) because it is exactly what
/// TIMESTAMP_DRIFT reports; text that is not a timestamp at all is still an input error.
public struct PITTimestamp: Sendable, Equatable, Decodable {
    /// How the text stated its zone.
    public enum Zone: Sendable, Equatable {
        /// `Z` or a zero offset.
        case utc
        /// A non-zero offset from UTC, in seconds.
        case offset(Int)
        /// No zone at all; the instant was read as UTC.
        case none
    }

    /// The text as received.
    public var raw: String
    /// The instant (for `.none`, the text read as UTC).
    public var date: Date
    /// The zone the text stated.
    public var zone: Zone

    /// Whether the text is normalized: UTC, stated explicitly.
    public var isNormalized: Bool { zone == .utc }

    /// Creates a timestamp from parts (tests, receive times).
    public init(raw: String, date: Date, zone: Zone) {
        self.raw = raw
        self.date = date
        self.zone = zone
    }

    /// A UTC timestamp for `date`, formatted by Vigil (used for receive times).
    public init(_ date: Date) {
        self.init(raw: RFC3339.format(date), date: date, zone: .utc)
    }

    /// Parses RFC 3339 text, also without a zone; nil when the text is no timestamp.
    public init?(text: String) {
        var text = text
        guard let (date, zone) = text.withUTF8(Self.parse(utf8:)) else { return nil }
        self.init(raw: text, date: date, zone: zone)
    }

    /// The instant and stated zone of RFC 3339 text, also without a zone; nil when it is no timestamp.
    /// The one parser of both decoding paths (Foundation's and the fast reader's).
    static func parse(utf8: UnsafeBufferPointer<UInt8>) -> (Date, Zone)? {
        if let date = RFC3339.parse(utf8: utf8) { return (date, zone(of: utf8)) }
        let zoned = Array(utf8) + [UInt8(ascii: "Z")]
        guard let date = zoned.withUnsafeBufferPointer(RFC3339.parse(utf8:)) else { return nil }
        return (date, .none)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = PITTimestamp(text: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an RFC 3339 timestamp between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (e.g. 2025-06-21T10:00:00Z), got '\(text.prefix(40))'")
        }
        self = value
    }

    /// Milliseconds since the epoch, rounded to the nearest millisecond.
    public var milliseconds: Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    // RFC3339.parse accepted the text, so it ends with `Z`/`z` or `±HH:MM`.
    private static func zone(of text: UnsafeBufferPointer<UInt8>) -> Zone {
        guard text.count >= 6 else { return .utc }
        let utf8 = UnsafeBufferPointer(rebasing: text[(text.count - 6)...])
        guard utf8[0] == 43 || utf8[0] == 45 else { return .utc }
        func digit(_ index: Int) -> Int { Int(utf8[index]) - 48 }
        let seconds = (digit(1) * 10 + digit(2)) * 3600 + (digit(4) * 10 + digit(5)) * 60
        return seconds == 0 ? .utc : .offset(utf8[0] == 45 ? -seconds : seconds)
    }
}
