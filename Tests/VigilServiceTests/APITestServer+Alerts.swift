import Foundation
import Synchronization
import VigilCore
import VigilPostgres
@testable import VigilService

extension APITestServer {
    /// Alert routes for the test servers: timers in memory (the REST tests need no Redis), events dropped.
    static func alertRoutes() -> AlertRoutes {
        AlertRoutes(responder: AlertResponder(lifecycle: AlertLifecycle(), timers: InMemoryEscalationTimers(),
                                              notifier: SilentNotifier(), clock: SystemClock()),
                    publish: { _ in })
    }

    /// Opens an alert with `key` directly in the database, as a detector would; returns its id.
    func openAlert(_ key: String, labels: [String: String] = [:]) throws -> String {
        let at = Date()
        let signal = AlertSignal(dedupKey: key, severity: .medium, source: "pit", title: "PIT \(key)", description: "test",
                                 labels: labels, at: at)
        let responder = Self.alertRoutes().responder
        _ = try database.withConnection { connection in try connection.transaction { try responder.raise([signal], on: $0) } }
        return AlertStateMachine.alertID(dedupKey: key, openedAt: at)
    }
}

/// A value one scenario sets and a later one reads (scenarios run in order).
final class ScenarioValue: Sendable {
    private let value = Mutex("")
    var get: String { value.withLock { $0 } }
    func set(_ text: String) { value.withLock { $0 = text } }
}

extension APIOpenAPITests {
    static func alertScenarios(name: String) -> [Scenario] {
        let token = APITestServer.adminToken
        let alert = ScenarioValue(), window = ScenarioValue()
        let missing = UUID().uuidString.lowercased()
        func data(_ object: Any) -> Data { (try? JSONSerialization.data(withJSONObject: object)) ?? Data() }
        let action = data(["user": "olivia", "note": "openapi"])
        let empty = data([String: Any]())
        let policy = data(["levels": [["name": "L1 Operator", "recipients": ["ops"], "timeout_seconds": 60]], "repeats": 1])
        let badPolicy = data(["levels": [] as [Any]])
        let suppression = data(["matchers": [["name": "feature", "op": "=~", "value": "price.*"]], "ends_at": "2099-01-01T00:00:00Z",
                                "created_by": "olivia", "comment": "openapi"])
        let badSuppression = data(["matchers": [["name": "feature", "op": "=~", "value": "(price"]], "ends_at": "2099-01-01T00:00:00Z",
                                   "created_by": "olivia"])
        let policyPath = "/api/v1/escalation-policies/\(name)"
        return [
            ("GET /api/v1/alerts 200", { try await $0.ok.send("GET", "/api/v1/alerts?status=open&limit=5") }),
            ("GET /api/v1/alerts 400", { try await $0.ok.send("GET", "/api/v1/alerts?status=bogus") }),
            ("GET /api/v1/alerts 503", { try await $0.broken.send("GET", "/api/v1/alerts") }),
            ("GET /api/v1/alerts/{id} 200", {
                alert.set(try $0.ok.openAlert("openapi-\(name)"))
                return try await $0.ok.send("GET", "/api/v1/alerts/\(alert.get)")
            }),
            ("GET /api/v1/alerts/{id} 404", { try await $0.ok.send("GET", "/api/v1/alerts/\(missing)") }),
            ("GET /api/v1/alerts/{id} 503", { try await $0.broken.send("GET", "/api/v1/alerts/\(missing)") }),
            ("POST /api/v1/alerts/{id}/ack 401", { try await $0.ok.send("POST", "/api/v1/alerts/\(alert.get)/ack", body: action) }),
            ("POST /api/v1/alerts/{id}/ack 403", { try await $0.noAdmin.send("POST", "/api/v1/alerts/\(alert.get)/ack", body: action, token: token) }),
            ("POST /api/v1/alerts/{id}/ack 400", { try await $0.ok.send("POST", "/api/v1/alerts/\(alert.get)/ack", body: empty, token: token) }),
            ("POST /api/v1/alerts/{id}/ack 404", { try await $0.ok.send("POST", "/api/v1/alerts/\(missing)/ack", body: action, token: token) }),
            ("POST /api/v1/alerts/{id}/ack 503", { try await $0.broken.send("POST", "/api/v1/alerts/\(missing)/ack", body: action, token: token) }),
            ("POST /api/v1/alerts/{id}/ack 200", { try await $0.ok.send("POST", "/api/v1/alerts/\(alert.get)/ack", body: action, token: token) }),
            ("POST /api/v1/alerts/{id}/ack 409", { try await $0.ok.send("POST", "/api/v1/alerts/\(alert.get)/ack", body: action, token: token) }),
            ("POST /api/v1/alerts/{id}/resolve 401", { try await $0.ok.send("POST", "/api/v1/alerts/\(alert.get)/resolve", body: action, token: "wrong") }),
            ("POST /api/v1/alerts/{id}/resolve 404", { try await $0.ok.send("POST", "/api/v1/alerts/\(missing)/resolve", body: action, token: token) }),
            ("POST /api/v1/alerts/{id}/resolve 503", { try await $0.broken.send("POST", "/api/v1/alerts/\(missing)/resolve", body: action, token: token) }),
            ("POST /api/v1/alerts/{id}/resolve 200", { try await $0.ok.send("POST", "/api/v1/alerts/\(alert.get)/resolve", body: action, token: token) }),
            ("POST /api/v1/alerts/{id}/resolve 409", { try await $0.ok.send("POST", "/api/v1/alerts/\(alert.get)/resolve", body: action, token: token) }),
            ("PUT /api/v1/escalation-policies/{name} 200", { try await $0.ok.send("PUT", policyPath, body: policy, token: token) }),
            ("PUT /api/v1/escalation-policies/{name} 400", { try await $0.ok.send("PUT", policyPath, body: badPolicy, token: token) }),
            ("PUT /api/v1/escalation-policies/{name} 401", { try await $0.ok.send("PUT", policyPath, body: policy) }),
            ("PUT /api/v1/escalation-policies/{name} 403", { try await $0.noAdmin.send("PUT", policyPath, body: policy, token: token) }),
            ("PUT /api/v1/escalation-policies/{name} 503", { try await $0.broken.send("PUT", policyPath, body: policy, token: token) }),
            ("GET /api/v1/escalation-policies 200", { try await $0.ok.send("GET", "/api/v1/escalation-policies") }),
            ("GET /api/v1/escalation-policies 503", { try await $0.broken.send("GET", "/api/v1/escalation-policies") }),
            ("GET /api/v1/escalation-policies/{name} 200", { try await $0.ok.send("GET", policyPath) }),
            ("DELETE /api/v1/escalation-policies/{name} 401", { try await $0.ok.send("DELETE", policyPath) }),
            ("DELETE /api/v1/escalation-policies/{name} 204", { try await $0.ok.send("DELETE", policyPath, token: token) }),
            ("DELETE /api/v1/escalation-policies/{name} 404", { try await $0.ok.send("DELETE", policyPath, token: token) }),
            ("GET /api/v1/escalation-policies/{name} 404", { try await $0.ok.send("GET", policyPath) }),
            ("POST /api/v1/suppressions 201", {
                let reply = try await $0.ok.send("POST", "/api/v1/suppressions", body: suppression, token: token)
                window.set(reply.object["id"] as? String ?? "")
                return reply
            }),
            ("POST /api/v1/suppressions 400", { try await $0.ok.send("POST", "/api/v1/suppressions", body: badSuppression, token: token) }),
            ("POST /api/v1/suppressions 401", { try await $0.ok.send("POST", "/api/v1/suppressions", body: suppression) }),
            ("POST /api/v1/suppressions 403", { try await $0.noAdmin.send("POST", "/api/v1/suppressions", body: suppression, token: token) }),
            ("POST /api/v1/suppressions 503", { try await $0.broken.send("POST", "/api/v1/suppressions", body: suppression, token: token) }),
            ("GET /api/v1/suppressions 200", { try await $0.ok.send("GET", "/api/v1/suppressions") }),
            ("GET /api/v1/suppressions 503", { try await $0.broken.send("GET", "/api/v1/suppressions") }),
            ("GET /api/v1/suppressions/{id} 200", { try await $0.ok.send("GET", "/api/v1/suppressions/\(window.get)") }),
            ("GET /api/v1/suppressions/{id} 404", { try await $0.ok.send("GET", "/api/v1/suppressions/\(missing)") }),
            ("DELETE /api/v1/suppressions/{id} 401", { try await $0.ok.send("DELETE", "/api/v1/suppressions/\(window.get)") }),
            ("DELETE /api/v1/suppressions/{id} 200", { try await $0.ok.send("DELETE", "/api/v1/suppressions/\(window.get)", token: token) }),
            ("DELETE /api/v1/suppressions/{id} 404", { try await $0.ok.send("DELETE", "/api/v1/suppressions/\(missing)", token: token) }),
        ]
    }
}
