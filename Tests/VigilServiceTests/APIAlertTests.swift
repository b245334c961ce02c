import Foundation
import Testing
import VigilCore
@testable import VigilService

/// The alert routes as an operator uses them: auth, errors naming the field, the audit trail.
@Suite("REST alerts, escalation policies and suppressions", .serialized)
struct APIAlertTests {
    static let token = APITestServer.adminToken

    @Test func writesNeedTheAdminToken() async throws {
        try await APITestServer.with { server in
            let id = try server.openAlert(APITestServer.unique("auth"))
            let body = ["user": "olivia"]
            #expect(try await server.send("POST", "/api/v1/alerts/\(id)/ack", json: body).status == 401)
            #expect(try await server.send("POST", "/api/v1/alerts/\(id)/ack", json: body, token: "wrong").status == 401)
            #expect(try await server.send("POST", "/api/v1/suppressions", json: [:], token: "wrong").status == 401)
            #expect(try await server.send("PUT", "/api/v1/escalation-policies/x", json: [:]).status == 401)
            let read = try await server.send("GET", "/api/v1/alerts/\(id)")
            #expect(read.status == 200, "reads are open")
            #expect(try await server.send("POST", "/api/v1/alerts/\(id)/ack", json: body, token: Self.token).status == 200)
        }
        try await APITestServer.with(adminToken: nil) { server in
            let reply = try await server.send("DELETE", "/api/v1/suppressions/x", token: APIAlertTests.token)
            #expect(reply.status == 403)
        }
    }

    @Test func ackAndResolveAreInTheAuditTrail() async throws {
        try await APITestServer.with { server in
            let id = try server.openAlert(APITestServer.unique("trail"))
            _ = try await server.send("POST", "/api/v1/alerts/\(id)/ack", json: ["user": "olivia", "note": "mine"], token: Self.token)
            let resolved = try await server.send("POST", "/api/v1/alerts/\(id)/resolve", json: ["user": "paul", "note": "done"], token: Self.token)
            #expect(resolved.object["status"] as? String == "resolved")
            #expect(resolved.object["resolved_by"] as? String == "paul")
            let detail = try await server.send("GET", "/api/v1/alerts/\(id)")
            let trail = (detail.object["transitions"] as? [[String: Any]] ?? []).map {
                "\($0["from"] as? String ?? "-")>\($0["to"] as? String ?? "?") \($0["actor"] as? String ?? "?"): \($0["note"] as? String ?? "")"
            }
            #expect(trail == ["->open system: opened", "open>acknowledged olivia: mine", "acknowledged>resolved paul: done"])
            let listed = try await server.send("GET", "/api/v1/alerts?status=resolved&limit=1000")
            #expect((listed.object["alerts"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == id })
            let again = try await server.send("POST", "/api/v1/alerts/\(id)/ack", json: ["user": "olivia"], token: Self.token)
            #expect(again.status == 409)
            #expect(again.error["field"] as? String == "status")
        }
    }

    @Test func anInvalidRegexIsRefusedNamingTheMatcher() async throws {
        try await APITestServer.with { server in
            let reply = try await server.send("POST", "/api/v1/suppressions", json: [
                "matchers": [["name": "source", "op": "=", "value": "pit"], ["name": "feature", "op": "=~", "value": "price[0-"]],
                "ends_at": "2099-01-01T00:00:00Z", "created_by": "olivia",
            ], token: Self.token)
            #expect(reply.status == 400)
            #expect(reply.error["field"] as? String == "matchers[1].value")
            #expect((reply.error["message"] as? String ?? "").contains("invalid regular expression 'price[0-'"))
            let noEnd = try await server.send("POST", "/api/v1/suppressions", json: [
                "matchers": [["name": "source", "op": "=", "value": "pit"]], "created_by": "olivia",
            ], token: Self.token)
            #expect(noEnd.error["field"] as? String == "ends_at")
            let badPolicy = try await server.send("PUT", "/api/v1/escalation-policies/p", json: [
                "levels": [["name": "L1", "recipients": [] as [String], "timeout_seconds": -1]],
            ], token: Self.token)
            #expect(badPolicy.error["field"] as? String == "levels[0].timeout_seconds")
        }
    }

    @Test func aWindowMadeThroughTheAPISuppressesMatchingAlerts() async throws {
        try await APITestServer.with { server in
            let run = APITestServer.unique("run")
            let created = try await server.send("POST", "/api/v1/suppressions", json: [
                "matchers": [["name": "run", "op": "=", "value": run]], "ends_at": "2099-01-01T00:00:00Z",
                "created_by": "olivia", "comment": "deploy",
            ], token: Self.token)
            #expect(created.status == 201)
            let suppressed = try server.openAlert(APITestServer.unique("sup"), labels: ["run": run])
            let other = try server.openAlert(APITestServer.unique("sup"), labels: ["run": "other"])
            let first = try await server.send("GET", "/api/v1/alerts/\(suppressed)").object["alert"] as? [String: Any]
            let second = try await server.send("GET", "/api/v1/alerts/\(other)").object["alert"] as? [String: Any]
            #expect(first?["status"] as? String == "suppressed")
            #expect(second?["status"] as? String == "open")
            let expired = try await server.send("DELETE", "/api/v1/suppressions/\(created.object["id"] as? String ?? "")", token: Self.token)
            #expect(expired.status == 200)
            #expect((expired.object["ends_at"] as? String) != "2099-01-01T00:00:00Z")
        }
    }
}
