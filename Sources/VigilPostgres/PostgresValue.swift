import Foundation

/// A query parameter. Sent in libpq's text format with an explicit type OID, so the server
/// never has to guess and values are never spliced into SQL text.
public enum PostgresValue: Sendable, Hashable {
    /// SQL NULL (sent untyped, so it fits any column).
    case null
    /// `text`.
    case text(String)
    /// `int8` (fits `int2`/`int4` columns by assignment cast).
    case int(Int64)
    /// `float8`.
    case double(Double)
    /// `bool`.
    case bool(Bool)
    /// `timestamptz`, sent as RFC 3339 in UTC with microsecond precision.
    case timestamp(Date)
    /// `uuid`.
    case uuid(UUID)
    /// `jsonb`, given as JSON text.
    case json(String)
    /// `bytea`.
    case bytea([UInt8])
    /// `text[]`; every element quoted, so commas, quotes, braces and `NULL` stay literal text.
    case textArray([String])

    /// The PostgreSQL type OID the parameter is declared with (0 lets the server infer it).
    var typeOID: UInt32 {
        switch self {
        case .null: 0
        case .text: 25
        case .int: 20
        case .double: 701
        case .bool: 16
        case .timestamp: 1184
        case .uuid: 2950
        case .json: 3802
        case .bytea: 17
        case .textArray: 1009
        }
    }

    /// The text-format encoding, nil for NULL.
    var textEncoding: String? {
        switch self {
        case .null: nil
        case .text(let value), .json(let value): value
        case .int(let value): String(value)
        case .double(let value): Self.encode(value)
        case .bool(let value): value ? "true" : "false"
        case .timestamp(let date): PostgresTimestamp.format(date)
        case .uuid(let value): value.uuidString
        case .bytea(let bytes): Self.hex(bytes)
        case .textArray(let items): Self.arrayLiteral(items)
        }
    }

    private static func encode(_ value: Double) -> String {
        // Swift prints "inf"/"nan"; spell them the way float8in documents.
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }

    /// `{"a","b\\"c"}`: every element quoted, `\` and `"` escaped with a backslash. Built from
    /// the UTF-8 bytes: Foundation's `replacingOccurrences` cost a third of the decision log's time.
    static func arrayLiteral(_ items: [String]) -> String {
        arrayLiteral(items.map(Optional.some))
    }

    /// As ``arrayLiteral(_:)``, with nil elements written as an unquoted `NULL`.
    static func arrayLiteral(_ items: [String?]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(2 + items.reduce(0) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            guard let item else {
                out.append(contentsOf: "NULL".utf8)
                continue
            }
            out.append(UInt8(ascii: "\""))
            for byte in item.utf8 {
                if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(2 + bytes.count * 2)
        out.append(contentsOf: Array("\\x".utf8))
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
