import Foundation
import Testing
import VigilNATS

extension EndToEnd {
    @Suite("Request-reply validation")
    struct ValidationRequestTests {
        @Test("a request gets a PolicyValidationResponse; malformed input gets an error reply with Vigil-Error")
        func requestReply() throws {
            let portfolio = "pf-\(TestStack.uniqueToken())"
            var policies = try TestPolicies()
            defer { policies.removeAll() }
            let policy = try policies.insertPositionLimit(#"{"max_order_value": 100000}"#, portfolios: [portfolio])
            let vigil = try VigilProcess(portfolios: [portfolio])
            defer { vigil.tearDown() }
            try vigil.start()
            let nats = try TestStack.nats()
            defer { nats.close() }

            let id = "r-\(TestStack.uniqueToken())"
            let reply = try nats.request(subject: vigil.validationSubject,
                                         payload: Array(Payloads.decision(id: id, portfolio: portfolio, quantity: 1000).utf8),
                                         timeout: .seconds(5))
            #expect(reply.headers["Vigil-Error"] == nil)
            let response = try #require(try JSONSerialization.jsonObject(with: Data(reply.payload)) as? [String: Any])
            #expect(response["decision_id"] as? String == id)
            #expect(response["is_compliant"] as? Bool == false)
            #expect(((response["compliance_score"] as? Double) ?? 1) < 1)
            #expect(response["recommendations"] is [Any])
            let violations = try #require(response["violations"] as? [[String: Any]])
            #expect(violations.count == 1)
            #expect(violations.first?["policy_name"] as? String == policy)
            #expect(violations.first?["violation_type"] as? String == "MAX_ORDER_VALUE")

            let wrongType = Payloads.decision(id: "x", portfolio: portfolio).replacingOccurrences(of: #""decision_id":"x""#, with: #""decision_id":7"#)
            let badReply = try nats.request(subject: vigil.validationSubject, payload: Array(wrongType.utf8), timeout: .seconds(5))
            #expect(badReply.headers["Vigil-Error"] == "wrong_type")
            let body = try #require(try JSONSerialization.jsonObject(with: Data(badReply.payload)) as? [String: Any])
            let error = try #require(body["error"] as? [String: Any], "error reply: \(String(decoding: badReply.payload, as: UTF8.self))")
            #expect(error["code"] as? String == "wrong_type")
            #expect(error["field"] as? String == "decision.decision_id")
            #expect((error["message"] as? String)?.isEmpty == false)

            let garbage = try nats.request(subject: vigil.validationSubject, payload: Array("not json".utf8), timeout: .seconds(5))
            #expect(garbage.headers["Vigil-Error"] == "malformed_json")
        }
    }
}
