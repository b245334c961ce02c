import Foundation
import Logging
import Testing
import VigilCore
import VigilNATS
import VigilPostgres
@testable import VigilService

/// `vigil.admin.alerts.>` request-reply through the stack's NATS and PostgreSQL.
@Suite("NATS alert administration", .serialized)
struct AlertAdminNATSTests {
    @Test func requestReplyListsAcknowledgesAndRefuses() throws {
        try APITestServer.migrate()
        let prefix = "vigil-test-\(TestStack.uniqueToken()).admin.alerts"
        let database = PostgresClient(configuration: try APITestServer.databaseConfiguration(), logger: TestStack.quietLogger)
        defer { database.close() }
        var responder = AlertAdminResponder(database: database, routes: APITestServer.alertRoutes(), logger: TestStack.quietLogger)
        responder.subjectPrefix = prefix
        let server = try TestStack.nats(name: "alert-admin-server")
        defer { server.close() }
        let subscription = try responder.subscribe(on: server, queue: "vigil")
        defer { try? subscription.drain(timeout: .seconds(1)) }
        let client = try TestStack.nats(name: "alert-admin-client")
        defer { client.close() }
        func ask(_ operation: String, _ body: [String: Any]) throws -> (object: [String: Any], error: String?) {
            let reply = try client.request(subject: "\(prefix).\(operation)", payload: Array(try JSONSerialization.data(withJSONObject: body)),
                                           timeout: .seconds(5))
            return ((try? JSONSerialization.jsonObject(with: Data(reply.payload))) as? [String: Any] ?? [:], reply.headers["Vigil-Error"])
        }
        let key = "nats-admin-\(TestStack.uniqueToken())"
        let at = Date()
        _ = try database.withConnection { connection in
            try connection.transaction {
                try APITestServer.alertRoutes().responder.raise([AlertSignal(dedupKey: key, severity: .high, source: "sla", title: "breach",
                                                                             description: "late", at: at)], on: $0)
            }
        }
        let id = AlertStateMachine.alertID(dedupKey: key, openedAt: at)
        let listed = try ask("list", ["status": "open", "limit": 1000])
        #expect((listed.object["alerts"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == id })
        let acked = try ask("ack", ["id": id, "user": "quinn", "note": "nats"])
        #expect(acked.error == nil)
        #expect(acked.object["status"] as? String == "acknowledged")
        let again = try ask("ack", ["id": id, "user": "quinn"])
        #expect(again.error == "invalid_transition")
        let detail = try ask("get", ["id": id])
        #expect((detail.object["transitions"] as? [[String: Any]])?.last?["actor"] as? String == "quinn")
        let bad = try ask("suppressions.add", ["matchers": [["name": "f", "op": "=~", "value": "("]], "ends_at": "2099-01-01T00:00:00Z",
                                               "created_by": "quinn"])
        #expect(bad.error == "invalid_request")
        #expect((bad.object["error"] as? [String: Any])?["field"] as? String == "matchers[0].value")
        #expect(try ask("get", ["id": UUID().uuidString.lowercased()]).error == "not_found")
        #expect(try ask("bogus", [:]).error == "invalid_request")
    }
}
