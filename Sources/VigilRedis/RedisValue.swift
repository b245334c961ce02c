/// One reply from Redis (RESP2).
public enum RedisValue: Sendable, Equatable, Hashable {
    /// A bulk string, byte for byte (may hold NUL bytes or non-UTF-8 data).
    case bulk([UInt8])
    /// A status reply such as `OK` or `PONG`.
    case simple(String)
    /// An integer reply.
    case integer(Int64)
    /// A multi-bulk reply.
    case array([RedisValue])
    /// A nil bulk string or nil array (missing key, timeout of a blocking pop, Lua `false`).
    case null
    /// An error reply, e.g. `WRONGTYPE Operation against a key holding the wrong kind of value`.
    case error(String)

    /// The text of a bulk (decoded as UTF-8, invalid bytes replaced) or status reply; else `nil`.
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .simple(let text): text
        default: nil
        }
    }

    /// The bytes of a bulk or status reply; else `nil`.
    public var bytes: [UInt8]? {
        switch self {
        case .bulk(let bytes): bytes
        case .simple(let text): Array(text.utf8)
        default: nil
        }
    }

    /// An integer reply, or a bulk/status reply that holds a decimal integer (as `GET` of a
    /// counter returns); else `nil`.
    public var int: Int64? {
        switch self {
        case .integer(let value): value
        case .bulk, .simple: string.flatMap { Int64($0) }
        default: nil
        }
    }

    /// The elements of an array reply; else `nil`.
    public var array: [RedisValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// Whether this is the nil reply.
    public var isNull: Bool { self == .null }

    /// The text of an error reply; else `nil`.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}
