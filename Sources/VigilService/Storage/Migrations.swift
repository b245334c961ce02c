import Foundation
import Logging
public import VigilPostgres

/// Finds and applies the SQL migrations in `schemas/sql/`.
public enum Migrations {
    /// The migrations folder: the configured one, else the first of `./schemas/sql`,
    /// `<executable>/../share/vigil/sql` and `/usr/share/vigil/sql` that exists.
    public static func directory(configured: String?) throws -> URL {
        if let configured {
            guard FileManager.default.fileExists(atPath: configured) else {
                throw ConfigurationError(key: "database.migrations_dir", "folder '\(configured)' does not exist")
            }
            return URL(fileURLWithPath: configured)
        }
        // /proc/self/exe is absolute even when vigil was started through PATH.
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let candidates = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("schemas/sql"),
            executable.deletingLastPathComponent().appendingPathComponent("../share/vigil/sql").standardized,
            URL(fileURLWithPath: "/usr/share/vigil/sql"),
        ]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw ConfigurationError(key: "database.migrations_dir",
                                     "no migrations folder found (looked in \(candidates.map(\.path).joined(separator: ", "))); set VIGIL_DATABASE_MIGRATIONS_DIR")
        }
        return found
    }

    /// Applies pending migrations under PostgreSQL's advisory lock; returns the versions applied.
    @discardableResult
    public static func apply(configuration: PostgresConfiguration, directory: URL, logger: Logger) throws -> [Int] {
        let migrations = try PostgresMigrator.load(directory: directory)
        let connection = try PostgresConnection(configuration: configuration, logger: logger)
        defer { connection.close() }
        let applied = try PostgresMigrator(migrations: migrations, logger: logger).migrate(on: connection)
        logger.info("database schema up to date", metadata: ["applied": "\(applied)", "known": "\(migrations.count)"])
        return applied
    }
}
