import Foundation
import Testing
import VigilCore
import VigilPostgres
@testable import VigilService

/// Policy administration over REST: admin auth, compile-before-store, rejected rows listed.
@Suite("REST policies")
struct APIPolicyTests {
    let token = APITestServer.adminToken

    @Test("PUT creates then replaces; GET returns what was stored; DELETE removes it")
    func roundTrip() async throws {
        try await APITestServer.with { server in
            let name = APITestServer.unique("rt")
            let path = "/api/v1/policies/\(name)"
            let body: [String: Any] = ["policy_type": "POSITION_LIMIT", "rules": ["max_position_weight": 0.1],
                                       "enforcement_level": "advisory", "portfolio_ids": ["p1", "p,2"], "description": "d"]
            #expect(try await server.send("PUT", path, json: body, token: token).status == 201)
            var changed = body
            changed["rules"] = ["max_position_weight": 0.2]
            let replaced = try await server.send("PUT", path, json: changed, token: token)
            #expect(replaced.status == 200)
            let got = try await server.send("GET", path)
            #expect(got.status == 200)
            #expect((got.object["rules"] as? [String: Any])?["max_position_weight"] as? Double == 0.2)
            #expect(got.object["enforcement_level"] as? String == "advisory")
            #expect(got.object["portfolio_ids"] as? [String] == ["p1", "p,2"])
            #expect(got.object["error"] is NSNull)
            let listed = try await server.send("GET", "/api/v1/policies").json as? [[String: Any]] ?? []
            #expect(listed.contains { $0["policy_name"] as? String == name })
            #expect(try await server.send("DELETE", path, token: token).status == 204)
            #expect(try await server.send("GET", path).status == 404)
        }
    }

    @Test("an invalid policy is refused naming the key, and nothing is stored")
    func invalidPolicyRefused() async throws {
        try await APITestServer.with { server in
            let name = APITestServer.unique("bad")
            let path = "/api/v1/policies/\(name)"
            let typo = try await server.send("PUT", path, json: ["policy_type": "POSITION_LIMIT", "rules": ["max_wieght": 0.1]], token: token)
            #expect(typo.status == 400)
            #expect(typo.error["field"] as? String == "max_wieght")
            let range = try await server.send("PUT", path, json: ["policy_type": "POSITION_LIMIT", "rules": ["max_position_weight": 1.5]], token: token)
            #expect(range.error["field"] as? String == "max_position_weight")
            let type = try await server.send("PUT", path, json: ["policy_type": "NOPE", "rules": [:] as [String: Any]], token: token)
            #expect(type.error["field"] as? String == "policy_type")
            let mismatch = try await server.send("PUT", path, json: ["policy_name": "other", "policy_type": "POSITION_LIMIT",
                                                                      "rules": ["max_position_weight": 0.1]], token: token)
            #expect(mismatch.error["field"] as? String == "policy_name")
            let unknown = try await server.send("PUT", path, json: ["policy_type": "POSITION_LIMIT", "rules": ["max_position_weight": 0.1],
                                                                     "enabeld": false], token: token)
            #expect(unknown.error["field"] as? String == "enabeld")
            let notJSON = try await server.send("PUT", path, body: Data("{".utf8), token: token)
            #expect(notJSON.status == 400 && notJSON.error["code"] as? String == "malformed_json")
            // A value the database cannot store is the client's error, not an unavailable database.
            let nul = try await server.send("PUT", path, json: ["policy_type": "POSITION_LIMIT", "rules": ["max_position_weight": 0.1],
                                                                 "description": "a\u{0}b"], token: token)
            #expect(nul.status == 400 && nul.error["code"] as? String == "invalid_value", "\(nul.error)")
            // A key given twice is refused naming it, not resolved silently to one of the values.
            let twice = try await server.send("PUT", path, body: Data(#"{"policy_type":"POSITION_LIMIT","enforcement_level":"strict","rules":{"max_position_weight":0.1},"enforcement_level":"advisory"}"#.utf8), token: token)
            #expect(twice.status == 400 && twice.error["field"] as? String == "enforcement_level", "\(twice.error)")
            let badEscape = try await server.send("PUT", path, body: Data(#"{"policy_type":"POSITION_LIMIT","rules":{"max_position_weight":0.1},"x_note":"a\qb"}"#.utf8), token: token)
            #expect(badEscape.status == 400 && badEscape.error["code"] as? String == "malformed_json"
                && badEscape.error["field"] as? String == "x_note", "\(badEscape.error)")
            let emptyScope = try await server.send("PUT", path, json: ["policy_type": "POSITION_LIMIT", "rules": ["max_position_weight": 0.1],
                                                                        "portfolio_ids": ["p1", ""]], token: token)
            #expect(emptyScope.status == 400 && emptyScope.error["field"] as? String == "portfolio_ids[1]", "\(emptyScope.error)")
            #expect(throws: PolicyError.self) { try PolicyFile.documents(fromYAML: "policy_name: \"bell\\ab\"\npolicy_type: POSITION_LIMIT\nrules: {max_position_weight: 0.1}\n") }
            #expect(try await server.send("GET", path).status == 404)
        }
    }

    @Test("admin endpoints: 401 without or with a wrong token, 403 when no token is configured")
    func adminAuthorization() async throws {
        try await APITestServer.with { server in
            let path = "/api/v1/policies/\(APITestServer.unique("auth"))"
            // Scoped to a portfolio no other test uses: end-to-end tests evaluating meanwhile must not see it.
            let body: [String: Any] = ["policy_type": "POSITION_LIMIT", "rules": ["max_position_weight": 0.1], "portfolio_ids": ["api-auth-only"]]
            let missing = try await server.send("PUT", path, json: body)
            #expect(missing.status == 401 && missing.error["field"] as? String == "Authorization")
            #expect(try await server.send("PUT", path, json: body, token: token + "x").status == 401)
            #expect(try await server.send("PUT", path, json: body, token: String(token.dropLast())).status == 401)
            let basic = try await server.send("DELETE", path, authorization: "Basic \(token)")
            #expect(basic.status == 401)
            let lower = try await server.send("PUT", path, body: try JSONSerialization.data(withJSONObject: body), authorization: "bearer \(token)")
            #expect(lower.status == 201)
            #expect(try await server.send("DELETE", path, token: token).status == 204)
        }
        try await APITestServer.with(adminToken: nil) { server in
            let reply = try await server.send("DELETE", "/api/v1/policies/x", token: token)
            #expect(reply.status == 403)
            #expect((reply.error["message"] as? String)?.contains("disabled") == true)
        }
    }

    @Test("a row written by SQL that does not compile is listed with its error")
    func rejectedRowListed() async throws {
        try await APITestServer.with { server in
            let name = APITestServer.unique("sql")
            try server.sql("INSERT INTO portfolio_policies (policy_name, policy_type, policy_rules) VALUES ($1, 'POSITION_LIMIT', $2::jsonb)",
                           [.text(name), .text(#"{"max_wieght": 0.1}"#)])
            let reply = try await server.send("GET", "/api/v1/policies/\(name)")
            #expect(reply.status == 200)
            let error = reply.object["error"] as? [String: Any]
            #expect(error?["field"] as? String == "max_wieght")
            try server.sql("DELETE FROM portfolio_policies WHERE policy_name = $1", [.text(name)])
        }
    }

    @Test("unknown routes answer 404 with the JSON error body")
    func unknownRoute() async throws {
        try await APITestServer.with { server in
            let reply = try await server.send("GET", "/api/v1/nope")
            #expect(reply.status == 404)
            #expect(reply.error["code"] as? String == "not_found")
        }
    }

    @Test("token comparison: equal only for the same bytes, any length")
    func constantTimeCompare() {
        #expect(AdminToken.equalInConstantTime(Array("abc".utf8), Array("abc".utf8)))
        #expect(!AdminToken.equalInConstantTime(Array("abd".utf8), Array("abc".utf8)))
        #expect(!AdminToken.equalInConstantTime(Array("abcd".utf8), Array("abc".utf8)))
        #expect(!AdminToken.equalInConstantTime([], Array("abc".utf8)))
    }
}
