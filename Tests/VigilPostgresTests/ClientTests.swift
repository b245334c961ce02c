import Foundation
import Synchronization
import Testing
import VigilPostgres

@Suite("Connection pool")
struct ClientTests {
    @Test func asyncBorrowsShareAtMostPoolSizeConnections() async throws {
        var configuration = try TestDatabase.configuration()
        configuration.poolSize = 2
        let client = PostgresClient(configuration: configuration)
        defer { client.close() }
        let pids = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await client.withConnection { connection in
                        try connection.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.02)").rows[0].int("pid")
                    }
                }
            }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect((1...2).contains(pids.count))
    }

    @Test func syncBorrowTimesOutWhenThePoolIsExhausted() throws {
        var configuration = try TestDatabase.configuration()
        configuration.poolSize = 1
        configuration.poolAcquireTimeout = .milliseconds(100)
        let client = PostgresClient(configuration: configuration)
        let value = try client.withConnection { outer in
            #expect { try client.withConnection { _ in } } throws: { error in
                (error as? PostgresError)?.code == .timeout
            }
            return try outer.query("SELECT 5 AS five").rows[0].int("five")
        }
        #expect(value == 5)
        client.close()
        #expect { try client.withConnection { _ in } } throws: { error in (error as? PostgresError)?.code == .connection }
    }

    @Test func errorsInsideTheBodyReachTheCallerAndTheConnectionIsReused() async throws {
        let client = PostgresClient(configuration: try TestDatabase.configuration())
        defer { client.close() }
        await #expect(throws: PostgresError.self) {
            try await client.withConnection { connection in try connection.query("SELECT * FROM no_such_table_xyz") }
        }
        let ok = try await client.withConnection { connection in try connection.query("SELECT true AS ok").rows[0].bool("ok") }
        #expect(ok)
    }
}
