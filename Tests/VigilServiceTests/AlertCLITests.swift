import Foundation
import Testing
import VigilCore
import VigilPostgres
@testable import VigilService

/// The functions behind `vigil alerts …` and `vigil suppressions …`, against the stack's database.
@Suite("CLI alert and suppression tasks", .serialized)
struct AlertCLITests {
    static func configuration() throws -> VigilConfiguration {
        var configuration = VigilConfiguration()
        configuration.database.url = try TestStack.value("VIGIL_DATABASE_URL")
        configuration.redis.url = try TestStack.value("VIGIL_REDIS_URL")
        configuration.redis.keyPrefix = "vigil-test:\(TestStack.uniqueToken()):"
        return configuration
    }

    @Test func suppressionsAddListExpire() throws {
        try APITestServer.migrate()
        let configuration = try Self.configuration()
        #expect(throws: AlertingError(field: "matcher 2 'feature=~(price'", "invalid regular expression '(price' for feature=~")) {
            try VigilTasks.addSuppression(configuration, matchers: ["source=pit", "feature=~(price"], seconds: 60, createdBy: "cli", comment: "")
        }
        #expect(throws: AlertingError.self) {
            try VigilTasks.addSuppression(configuration, matchers: ["no-operator"], seconds: 60, createdBy: "cli", comment: "")
        }
        let window = try VigilTasks.addSuppression(configuration, matchers: ["source=pit", "feature=~price.*"], seconds: 600,
                                                   createdBy: "cli", comment: "maintenance")
        #expect(try VigilTasks.listSuppressions(configuration).first { $0.id == window.id }?.state(at: Date()) == "active")
        let expired = try #require(try VigilTasks.expireSuppression(configuration, id: window.id))
        #expect(expired.state(at: Date().addingTimeInterval(0.01)) == "expired")
        #expect(try VigilTasks.expireSuppression(configuration, id: "nope") == nil)
    }

    @Test func alertsListFilters() throws {
        try APITestServer.migrate()
        let configuration = try Self.configuration()
        let key = "cli-\(TestStack.uniqueToken())"
        let responder = APITestServer.alertRoutes().responder
        let connection = try TestStack.postgres()
        defer { connection.close() }
        _ = try connection.transaction {
            try responder.raise([AlertSignal(dedupKey: key, severity: .critical, source: "breaker", title: "breaker tripped",
                                             description: "global", at: Date())], on: $0)
        }
        let listed = try VigilTasks.listAlerts(configuration, filter: .init(status: .open, severity: .critical, source: "breaker", limit: 1000))
        #expect(listed.contains { $0.dedupKey == key })
        #expect(try VigilTasks.listAlerts(configuration, filter: .init(status: .resolved, limit: 1000)).allSatisfy { $0.status == .resolved })
    }
}
