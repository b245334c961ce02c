import Foundation
import Testing
import VigilPostgres

@Suite("Configuration (no server)")
struct ConfigurationTests {
    @Test func urlIsParsedByLibPQ() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://trader:s3cr%40t@db.example:6543/vigil?sslmode=require")
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
        #expect(configuration.user == "trader")
        #expect(configuration.database == "vigil")
    }

    @Test func redactionHidesThePasswordFromURLAndConninfo() throws {
        let url = try PostgresConfiguration(url: "postgresql://trader:hunter2pw@db:5432/vigil?sslmode=require")
        #expect(!url.redactedDescription.contains("hunter2pw"))
        #expect(url.redactedDescription.contains("password=***"))
        #expect(url.redactedDescription.contains("sslmode=require"))
        #expect(!"\(url)".contains("hunter2pw"))

        let conninfo = PostgresConfiguration(conninfo: "host=db port=5432 user=trader password='hunter2pw' dbname=vigil")
        #expect(conninfo.redactedDescription.contains("host=db"))
        #expect(!conninfo.redactedDescription.contains("hunter2pw"))
        #expect(conninfo.port == 5432)
    }

    @Test func badURLsAreRejectedWithoutEchoingThem() {
        #expect { try PostgresConfiguration(url: "mysql://u:pw@h/db") } throws: { error in
            (error as? PostgresError)?.code == .configuration
        }
        #expect { try PostgresConfiguration(url: "postgresql://u:topsecret@h:notaport/db") } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.code == .configuration && !error.description.contains("topsecret")
        }
        #expect { try PostgresConfiguration(url: "postgresql://u:topsecret@h/db?nonsense=1") } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.code == .configuration && !error.description.contains("topsecret")
        }
    }

    @Test func defaultsAreDocumentedValues() {
        let configuration = PostgresConfiguration(conninfo: "host=localhost")
        #expect(configuration.applicationName == "vigil")
        #expect(configuration.connectTimeout == .seconds(5))
        #expect(configuration.statementTimeout == nil)
    }

    @Test func migrationFilesLoadInOrderAndBadSetsAreRejected() throws {
        let good = try Self.directory(["0002_b.sql": "SELECT 2", "0001_a.sql": "SELECT 1", "README.md": "x"])
        let migrations = try PostgresMigrator.load(directory: good)
        #expect(migrations.map(\.version) == [1, 2])
        #expect(migrations.map(\.name) == ["a", "b"])

        for (files, fragment) in [
            (["0001_a.sql": "", "1_b.sql": ""], "1_b.sql"),
            (["0001_a.sql": "", "0001_b.sql": ""], "share version 1"),
            (["0001_a.sql": "", "0003_c.sql": ""], "version 2 is missing"),
        ] {
            let directory = try Self.directory(files)
            #expect { try PostgresMigrator.load(directory: directory) } throws: { error in
                guard let error = error as? PostgresError else { return false }
                return error.code == .migration && error.message.contains(fragment)
            }
        }
    }

    @Test func checksumChangesWithTheSQL() {
        let one = PostgresMigration(version: 1, name: "a", sql: "CREATE TABLE a (id int)")
        let two = PostgresMigration(version: 1, name: "a", sql: "CREATE TABLE a (id bigint)")
        #expect(one.checksum != two.checksum)
        #expect(one.checksum == PostgresMigration(version: 1, name: "a", sql: "CREATE TABLE a (id int)").checksum)
    }

    private static func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("migrations"))
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }
}
