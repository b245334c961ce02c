/// One argument of a Redis command, kept as bytes so binary values pass through unchanged.
///
/// Build it from a `String` (UTF-8), `[UInt8]`, an integer or a `Double`, or write a string or
/// integer literal: `try connection.command(["SET", "key", RedisArgument(bytes)])`.
public struct RedisArgument: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// The bytes sent to the server; the length is sent with them, so NUL bytes are safe.
    public let bytes: [UInt8]

    /// The UTF-8 bytes of `string`.
    public init(_ string: String) { bytes = Array(string.utf8) }

    /// The bytes as given.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The decimal form of `value`.
    public init(_ value: Int) { bytes = Array(String(value).utf8) }

    /// The decimal form of `value`.
    public init(_ value: Int64) { bytes = Array(String(value).utf8) }

    /// The shortest decimal form that reads back as the same `Double` (`inf`/`-inf` for
    /// infinities, which Redis accepts as sorted-set scores).
    public init(_ value: Double) { bytes = Array(value.description.utf8) }

    /// A string literal, sent as UTF-8.
    public init(stringLiteral value: String) { self.init(value) }

    /// An integer literal, sent in decimal.
    public init(integerLiteral value: Int) { self.init(value) }
}
