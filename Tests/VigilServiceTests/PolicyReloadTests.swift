import Foundation
import Testing
import VigilNATS
import VigilPostgres

extension EndToEnd {
    @Suite("Policy hot reload")
    struct PolicyReloadTests {
        @Test("an SQL UPDATE of a policy judges the next decision by the new rule within 2 s, without restart")
        func hotReload() throws {
            let portfolio = "pf-\(TestStack.uniqueToken())"
            var policies = try TestPolicies()
            defer { policies.removeAll() }
            let policy = try policies.insertPositionLimit(#"{"max_order_value": 100000}"#, portfolios: [portfolio])
            let vigil = try VigilProcess(portfolios: [portfolio])
            defer { vigil.tearDown() }
            try vigil.start()
            let nats = try TestStack.nats()
            defer { nats.close() }

            // 200 × 200 = 40,000: compliant under 100,000, violating under 10,000.
            func isCompliant() throws -> Bool? {
                let request = Payloads.decision(id: "h-\(TestStack.uniqueToken())", portfolio: portfolio, quantity: 200)
                let reply = try nats.request(subject: vigil.validationSubject, payload: Array(request.utf8), timeout: .seconds(5))
                return (try JSONSerialization.jsonObject(with: Data(reply.payload)) as? [String: Any])?["is_compliant"] as? Bool
            }
            #expect(try isCompliant() == true)

            try policies.connection.execute("UPDATE portfolio_policies SET policy_rules = $1::jsonb, updated_at = now() WHERE policy_name = $2",
                                            [.text(#"{"max_order_value": 10000}"#), .text(policy)])
            let reloaded = try eventually(timeout: .seconds(2), interval: .milliseconds(50)) { try isCompliant() == false }
            #expect(reloaded, "the tightened policy was not in force within 2 s\n\(vigil.logTail())")

            // The stream path uses the same policies.
            let completed = try StreamTap(stream: "VIGIL_EVENTS", filter: "vigil.events.policy_validation_completed.\(portfolio)")
            defer { completed.close() }
            let id = "h-\(TestStack.uniqueToken())"
            _ = try nats.jetStream().publish(subject: "trading.decisions.\(portfolio)",
                                             payload: Array(Payloads.decision(id: id, portfolio: portfolio, quantity: 200).utf8))
            let event = try completed.collect(timeout: .seconds(10)) { !$0.isEmpty }.events().first
            #expect(event?.data["decision_id"] as? String == id)
            #expect(event?.data["is_compliant"] as? Bool == false)

            // Disabling it takes it out of force the same way.
            try policies.connection.execute("UPDATE portfolio_policies SET enabled = false WHERE policy_name = $1", [.text(policy)])
            #expect(try eventually(timeout: .seconds(2), interval: .milliseconds(50)) { try isCompliant() == true })
        }
    }
}
