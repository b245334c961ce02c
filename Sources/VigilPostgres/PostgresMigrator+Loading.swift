import Foundation

extension PostgresMigrator {
    /// Reads `NNNN_name.sql` files (four-digit version, name of letters, digits and `_`) from
    /// `directory`, ignoring other extensions. Throws a `migration` error naming the file for
    /// a bad name, a duplicate version, or a gap (versions must run 1, 2, 3, ...).
    public static func load(directory: URL) throws -> [PostgresMigration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw PostgresError(code: .migration, message: "cannot list migrations in \(directory.path)", underlying: error)
        }
        var byVersion: [Int: PostgresMigration] = [:]
        var fileByVersion: [Int: String] = [:]
        for file in names.sorted() where file.hasSuffix(".sql") {
            guard let (version, name) = parse(fileName: file) else {
                throw PostgresError(
                    code: .migration, message: "migration file \(file) is not named NNNN_name.sql (e.g. 0001_create_alerts.sql)")
            }
            if let other = fileByVersion[version] {
                throw PostgresError(code: .migration, message: "migration files \(other) and \(file) share version \(version)")
            }
            let sql: String
            do {
                sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            } catch {
                throw PostgresError(code: .migration, message: "cannot read migration \(file) as UTF-8", underlying: error)
            }
            byVersion[version] = PostgresMigration(version: version, name: name, sql: sql)
            fileByVersion[version] = file
        }
        let migrations = byVersion.values.sorted { $0.version < $1.version }
        for (expected, migration) in zip(1..., migrations) where migration.version != expected {
            throw PostgresError(
                code: .migration,
                message: "migration version \(expected) is missing (found \(fileByVersion[migration.version] ?? "?") next)")
        }
        return migrations
    }

    private static func parse(fileName: String) -> (Int, String)? {
        let stem = fileName.dropLast(4)
        let digits = stem.prefix(4)
        guard digits.count == 4, digits.allSatisfy({ ("0"..."9").contains($0) }), let version = Int(digits), version > 0 else { return nil }
        let rest = stem.dropFirst(4)
        guard rest.first == "_", rest.count > 1 else { return nil }
        let name = rest.dropFirst()
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
        return allowed ? (version, String(name)) : nil
    }
}
