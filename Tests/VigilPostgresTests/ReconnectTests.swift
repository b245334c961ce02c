import Foundation
import Testing
import VigilPostgres

@Suite("Connection loss and connect errors")
struct ReconnectTests {
    @Test func terminatedSessionFailsOnceThenRecoversWithListenRestored() throws {
        let victim = try TestDatabase.connect()
        let admin = try TestDatabase.connect()
        let channel = TestDatabase.uniqueName("restored")
        try victim.listen(channel)
        let pid = try victim.query("SELECT pg_backend_pid() AS pid").rows[0].int("pid")
        // The timeout form waits until the backend has really exited.
        let terminated = try admin.query("SELECT pg_terminate_backend($1::int, 5000) AS ok", [.int(Int64(pid))])
        #expect(try terminated.rows[0].bool("ok"))

        do {
            _ = try victim.query("SELECT 1")
            Issue.record("a query on a terminated session succeeded")
        } catch let error as PostgresError {
            #expect(error.code == .connection)
            #expect(!error.message.isEmpty)
        }
        #expect(!victim.isHealthy)

        let newPID = try victim.query("SELECT pg_backend_pid() AS pid").rows[0].int("pid")
        #expect(newPID != pid)
        #expect(victim.isHealthy)

        try admin.notify(channel: channel, payload: "after reset")
        let received = try victim.waitForNotifications(timeout: .seconds(5))
        #expect(received.map(\.payload) == ["after reset"])
    }

    @Test func unknownUserWithPasswordFailsWithoutLeakingIt() throws {
        let base = try TestDatabase.configuration()
        let host = try #require(base.host)
        let port = try #require(base.port)
        let secret = "Sup3r-Secret-\(UUID().uuidString.prefix(6))"
        let configuration = try PostgresConfiguration(
            url: "postgresql://\(TestDatabase.uniqueName("nobody")):\(secret)@\(host):\(port)/vigil")
        do {
            _ = try PostgresConnection(configuration: configuration)
            Issue.record("connecting as an unknown role succeeded")
        } catch let error as PostgresError {
            #expect(error.code == .connection)
            #expect(error.message.contains("does not exist") || error.message.contains("authentication"))
            #expect(!"\(error)".contains(secret))
            #expect(!configuration.redactedDescription.contains(secret))
        }
    }

    @Test func closedPortFailsQuicklyWithoutLeakingThePassword() throws {
        let secret = "ClosedPortSecret\(Int.random(in: 1000...9999))"
        let configuration = try PostgresConfiguration(url: "postgresql://vigil:\(secret)@127.0.0.1:1/vigil")
        let started = ContinuousClock.now
        do {
            _ = try PostgresConnection(configuration: configuration)
            Issue.record("connecting to a closed port succeeded")
        } catch let error as PostgresError {
            #expect(error.code == .connection)
            #expect(error.message.contains("refused"))
            #expect(!"\(error)".contains(secret))
        }
        #expect(ContinuousClock.now - started < .seconds(3))
    }
}
