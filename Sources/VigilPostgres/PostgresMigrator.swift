import Foundation
import Logging

/// Applies `PostgresMigration`s in order, once each, even when several Vigil instances start
/// at the same time.
public struct PostgresMigrator: Sendable {
    /// Session advisory-lock key serialising migrators across instances ("VIGILMIG").
    public static let advisoryLockKey: Int64 = 0x5649_4749_4C4D_4947

    /// The migrations this build knows, sorted by version.
    public let migrations: [PostgresMigration]
    private let logger: Logger

    /// Creates a migrator for `migrations` (sorted by version here).
    public init(migrations: [PostgresMigration], logger: Logger = Logger(label: "vigil.postgres.migrations")) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies every pending migration, each in its own transaction, under an advisory lock,
    /// and returns the versions applied (empty when up to date). Refuses (`migration` error)
    /// when an applied migration's SQL has changed since it ran.
    @discardableResult
    public func migrate(on connection: PostgresConnection) throws -> [Int] {
        try connection.execute("SELECT pg_advisory_lock($1)", [.int(Self.advisoryLockKey)])
        defer {
            do {
                try connection.execute("SELECT pg_advisory_unlock($1)", [.int(Self.advisoryLockKey)])
            } catch {
                // A lost session has released its advisory locks already.
                logger.warning("Could not release the migration lock", metadata: ["error": "\(error)"])
            }
        }
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """)
        var applied: [Int] = []
        for migration in try pending(on: connection, verifying: true) {
            try connection.transaction { connection in
                try connection.executeScript(migration.sql)
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    [.int(Int64(migration.version)), .text(migration.name), .text(migration.checksum)])
            }
            logger.info("Applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            applied.append(migration.version)
        }
        return applied
    }

    /// The migrations not yet recorded in `schema_migrations` (all of them if it is missing).
    public func pendingMigrations(on connection: PostgresConnection) throws -> [PostgresMigration] {
        try pending(on: connection, verifying: false)
    }

    private func pending(on connection: PostgresConnection, verifying: Bool) throws -> [PostgresMigration] {
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
        guard try exists.rows.first?.bool("present") == true else { return migrations }
        let recorded = try connection.query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        var checksums: [Int: String] = [:]
        for row in recorded.rows { checksums[try row.int("version")] = try row.string("checksum") }
        if verifying {
            for migration in migrations {
                guard let stored = checksums[migration.version], stored != migration.checksum else { continue }
                throw PostgresError(
                    code: .migration,
                    message: "migration \(migration.version) (\(migration.name)) was changed after it was applied; "
                        + "restore the original file and add a new migration instead")
            }
            let known = Set(migrations.map(\.version))
            for version in checksums.keys.sorted() where !known.contains(version) {
                logger.warning("Database has a migration this build does not know", metadata: ["version": "\(version)"])
            }
        }
        return migrations.filter { checksums[$0.version] == nil }
    }
}
