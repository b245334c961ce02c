import Foundation
import Testing
import VigilCore
import VigilPostgres
@testable import VigilService

/// POST /api/v1/validate and GET /api/v1/violations against real PostgreSQL.
@Suite("REST validate and violations")
struct APIValidateAndViolationTests {
    @Test("a decision over a limit is non-compliant; bad input is a 400 naming the field")
    func validate() async throws {
        let policies = PolicySet(definitions: [APIFixtures.positionLimit("api_weight_10pct")])
        try await APITestServer.with(policies: policies) { server in
            // 1,600 × 100 = 160,000 = 16% of a 1,000,000 NAV: over the 10% limit.
            let over = try await server.send("POST", "/api/v1/validate", json: APIFixtures.request(decisionID: "v1", quantity: 1600))
            #expect(over.status == 200)
            #expect(over.object["is_compliant"] as? Bool == false)
            let violations = over.object["violations"] as? [[String: Any]] ?? []
            #expect(violations.first?["policy_name"] as? String == "api_weight_10pct")
            let under = try await server.send("POST", "/api/v1/validate", json: APIFixtures.request(decisionID: "v2", quantity: 500))
            #expect(under.object["is_compliant"] as? Bool == true)

            let wrapped: [String: Any] = ["specversion": "1.0", "id": "e1", "source": "/t", "type": "t",
                                          "data": APIFixtures.request(decisionID: "v3", quantity: 1600)]
            #expect(try await server.send("POST", "/api/v1/validate", json: wrapped).object["is_compliant"] as? Bool == false)

            var negative = APIFixtures.request(decisionID: "v4", quantity: -1)
            let bad = try await server.send("POST", "/api/v1/validate", json: negative)
            #expect(bad.status == 400)
            #expect((bad.error["field"] as? String)?.contains("quantity") == true)
            negative = APIFixtures.request(decisionID: "v5", withState: false)
            let stateless = try await server.send("POST", "/api/v1/validate", json: negative)
            #expect(stateless.status == 400 && stateless.error["field"] as? String == "portfolio_state")
            let garbage = try await server.send("POST", "/api/v1/validate", body: Data("not json".utf8))
            #expect(garbage.status == 400 && garbage.error["code"] as? String == "malformed_json")
        }
    }

    @Test("a portfolio store that is down is a 503, not a crash or a 500")
    func storeDown() async throws {
        try await APITestServer.with(broken: true) { server in
            let reply = try await server.send("POST", "/api/v1/validate", json: APIFixtures.request(decisionID: "x", withState: false))
            #expect(reply.status == 503 && reply.error["code"] as? String == "unavailable")
        }
    }

    @Test("violations page newest first by (created_at, id), ties included, filters apply")
    func paging() async throws {
        try await APITestServer.with { server in
            let policy = APITestServer.unique("page")
            let tie = "2025-06-21T10:00:00.123456Z"
            let rows: [(String, String, String)] = [("d1", "HIGH", tie), ("d2", "HIGH", tie), ("d3", "LOW", tie),
                                                     ("d4", "MEDIUM", "2025-06-21T09:00:00Z"), ("d5", "HIGH", "2025-06-21T11:00:00Z")]
            for (decision, severity, time) in rows {
                try server.sql("""
                    INSERT INTO policy_violations (decision_id, policy_name, violation_type, severity, description, created_at, suggested_adjustment)
                    VALUES ($1, $2, 'max_position_weight', $3, 'over', $4::timestamptz, '{"max_quantity": 5}'::jsonb)
                    """, [.text("\(policy)-\(decision)"), .text(policy), .text(severity), .text(time)])
            }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "/api/v1/violations?policy_name=\(policy)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let reply = try await server.send("GET", query)
                #expect(reply.status == 200)
                let items = reply.object["violations"] as? [[String: Any]] ?? []
                seen += items.compactMap { $0["decision_id"] as? String }
                cursor = reply.object["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen.count == 5 && Set(seen).count == 5)
            #expect(seen.first == "\(policy)-d5" && seen.last == "\(policy)-d4")

            let high = try await server.send("GET", "/api/v1/violations?policy_name=\(policy)&severity=high")
            #expect((high.object["violations"] as? [[String: Any]])?.count == 3)
            let window = try await server.send("GET", "/api/v1/violations?policy_name=\(policy)&since=2025-06-21T10:00:00Z&until=2025-06-21T11:00:00%2B00:00")
            #expect((window.object["violations"] as? [[String: Any]])?.count == 3)
            let one = try await server.send("GET", "/api/v1/violations?decision_id=\(policy)-d4")
            let item = (one.object["violations"] as? [[String: Any]])?.first
            #expect(item?["severity"] as? String == "MEDIUM")
            #expect((item?["suggested_adjustment"] as? [String: Any])?["max_quantity"] as? Double == 5)
        }
    }

    @Test("bad filters are a 400 naming the parameter")
    func badFilters() async throws {
        try await APITestServer.with { server in
            let cases = ["since=2025-06-21T10:00:00": "since", "until=yesterday": "until", "limit=1001": "limit", "limit=x": "limit",
                         "severity=SEVERE": "severity", "cursor=bm9wZQ": "cursor", "colour=red": "colour",
                         "limit=1&limit=2": "limit", "since=0000-01-01T00:00:00Z": "since",
                         "since=2025-06-21T10:00:00Z&until=2025-06-21T09:00:00Z": "until"]
            for (query, field) in cases {
                let reply = try await server.send("GET", "/api/v1/violations?\(query)")
                #expect(reply.status == 400, "\(query)")
                #expect(reply.error["field"] as? String == field, "\(query): \(reply.text)")
            }
        }
    }

    @Test("every API route refuses query parameters it does not read, naming them")
    func unknownParametersAreRefusedEverywhere() async throws {
        try await APITestServer.with { server in
            let cases = [("/api/v1/policies?limit=5", "limit"), ("/api/v1/incidents?since=2025-06-21T10:00:00Z", "since"),
                         ("/api/v1/alerts?since=bad", "since"), ("/api/v1/breakers?limit=-1", "limit"),
                         ("/api/v1/pit/violations?decision_id=d", "decision_id")]
            for (path, field) in cases {
                let reply = try await server.send("GET", path, token: APITestServer.adminToken)
                #expect(reply.status == 400, "\(path): \(reply.text)")
                #expect(reply.error["field"] as? String == field, "\(path): \(reply.text)")
            }
            #expect(try await server.send("GET", "/api/v1/policies").status == 200)
            #expect(try await server.send("GET", "/metrics?name[]=x").status == 200)
            #expect(try await server.send("GET", "/api/v1/nope?x=1").status == 404)
            // A NUL in a path or query value is named, not passed to PostgreSQL.
            for (path, field) in [("/api/v1/violations?decision_id=%00", "decision_id"), ("/api/v1/policies/a%00b", "name"),
                                  ("/api/v1/contracts/%00", "feature"), ("/api/v1/incidents/%00", "id")] {
                let reply = try await server.send("GET", path, token: APITestServer.adminToken)
                #expect(reply.status == 400 && reply.error["field"] as? String == field, "\(path): \(reply.text)")
            }
            // An escape that is not UTF-8 is refused, not kept as the literal text "%FF".
            let notUTF8 = try await server.send("PUT", "/api/v1/policies/a%FF", json: ["policy_type": "POSITION_LIMIT", "rules": ["max_position_weight": 0.1]],
                                                token: APITestServer.adminToken)
            #expect(notUTF8.status == 400 && notUTF8.error["field"] as? String == "name" && notUTF8.text.contains("UTF-8"), "\(notUTF8.text)")
            #expect(try await server.send("GET", "/api/v1/policies/a%2Fb%25").status == 404)
        }
    }
}
