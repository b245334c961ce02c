/// One schema change, from a file named `NNNN_name.sql`.
public struct PostgresMigration: Sendable, Hashable {
    /// Position in the sequence, starting at 1 with no gaps.
    public let version: Int
    /// The descriptive part of the file name.
    public let name: String
    /// The SQL to run (may hold several statements; runs in one transaction, so statements
    /// that refuse transactions, like CREATE INDEX CONCURRENTLY, are not supported).
    public let sql: String

    /// Creates a migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Detects edits to an applied migration: FNV-1a 64 of the SQL's UTF-8 bytes. Not a
    /// security measure (the history table is trusted), so no crypto dependency is needed.
    public var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
