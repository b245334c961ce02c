import VigilDigest
/// A Lua script run with `EVALSHA`; its SHA-1 is computed locally, as Redis computes it.
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// The SHA-1 of `source` in lowercase hex, the name Redis caches the script under.
    public let sha1: String

    /// Wraps `source` and computes its SHA-1.
    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hex(Array(source.utf8))
    }
}
