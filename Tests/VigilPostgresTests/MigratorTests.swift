import Foundation
import Synchronization
import Testing
import VigilPostgres

@Suite("Migrations")
struct MigratorTests {
    static let migrations = [
        PostgresMigration(version: 1, name: "create_log", sql: "CREATE TABLE log (step int NOT NULL); INSERT INTO log VALUES (1);"),
        PostgresMigration(version: 2, name: "add_alerts", sql: """
            CREATE TABLE alerts (id serial PRIMARY KEY, title text);
            INSERT INTO log VALUES (2);
            """),
        PostgresMigration(version: 3, name: "slow_step", sql: "SELECT pg_sleep(0.05); INSERT INTO log VALUES (3);"),
    ]

    @Test func appliesInOrderOnceAndIsIdempotent() throws {
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        let migrator = PostgresMigrator(migrations: Self.migrations.reversed())
        #expect(try migrator.pendingMigrations(on: connection).map(\.version) == [1, 2, 3])
        #expect(try migrator.migrate(on: connection) == [1, 2, 3])
        #expect(try migrator.migrate(on: connection) == [])
        #expect(try migrator.pendingMigrations(on: connection).isEmpty)
        let steps = try connection.query("SELECT step FROM log ORDER BY step").rows.map { try $0.int("step") }
        #expect(steps == [1, 2, 3])
        let names = try connection.query("SELECT name FROM schema_migrations ORDER BY version").rows.map { try $0.string("name") }
        #expect(names == ["create_log", "add_alerts", "slow_step"])
    }

    @Test func aFailingMigrationLeavesEarlierOnesAndReleasesTheLock() throws {
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        let broken = Self.migrations.prefix(1) + [PostgresMigration(version: 2, name: "broken", sql: "CREATE TABLE log (x int)")]
        #expect(throws: PostgresError.self) { try PostgresMigrator(migrations: Array(broken)).migrate(on: connection) }
        #expect(try PostgresMigrator(migrations: Self.migrations).migrate(on: connection) == [2, 3])
    }

    @Test func twoInstancesStartingTogetherApplyEachMigrationOnce() throws {
        let (setup, schema) = try TestDatabase.connectInFreshSchema()
        let configuration = try TestDatabase.configuration()
        let migrator = PostgresMigrator(migrations: Self.migrations)
        let applied = Mutex<[[Int]]>([])
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        for _ in 0..<2 {
            done.enter()
            Thread {
                defer { done.leave() }
                do {
                    let connection = try PostgresConnection(configuration: configuration)
                    try connection.execute("SET search_path TO \(schema)")
                    let versions = try migrator.migrate(on: connection)
                    applied.withLock { $0.append(versions) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }.start()
        }
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(applied.withLock { $0.flatMap { $0 }.sorted() } == [1, 2, 3])
        let steps = try setup.query("SELECT step FROM log ORDER BY step").rows.map { try $0.int("step") }
        #expect(steps == [1, 2, 3])
    }

    @Test func aChangedAppliedMigrationIsRefused() throws {
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        try PostgresMigrator(migrations: Self.migrations).migrate(on: connection)
        var edited = Self.migrations
        edited[1] = PostgresMigration(version: 2, name: "add_alerts", sql: "CREATE TABLE alerts (id bigint);")
        edited.append(PostgresMigration(version: 4, name: "later", sql: "INSERT INTO log VALUES (4);"))
        do {
            try PostgresMigrator(migrations: edited).migrate(on: connection)
            Issue.record("an edited migration was accepted")
        } catch let error as PostgresError {
            #expect(error.code == .migration)
            #expect(error.message.contains("migration 2"))
        }
        // Nothing after the refusal ran.
        #expect(try connection.query("SELECT max(step) AS m FROM log").rows[0].int("m") == 3)
    }

    @Test func migrationsLoadedFromFilesApply() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("mig"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "CREATE TABLE a (id int);".write(to: directory.appendingPathComponent("0001_a.sql"), atomically: true, encoding: .utf8)
        try "ALTER TABLE a ADD COLUMN note text;".write(
            to: directory.appendingPathComponent("0002_note.sql"), atomically: true, encoding: .utf8)
        let (connection, _) = try TestDatabase.connectInFreshSchema()
        let migrator = PostgresMigrator(migrations: try PostgresMigrator.load(directory: directory))
        #expect(try migrator.migrate(on: connection) == [1, 2])
        #expect(try connection.execute("INSERT INTO a (id, note) VALUES (1, 'x')") == 1)
    }
}
