import Foundation
import Testing
import VigilNATS
import VigilPostgres

extension EndToEnd {
    @Suite("Policy hot reload across instances")
    struct PolicyReloadTwoInstancesTests {
        @Test("one SQL change is in force on two running instances within one second")
        func bothInstancesReload() throws {
            let portfolio = "pf-\(TestStack.uniqueToken())"
            var policies = try TestPolicies()
            defer { policies.removeAll() }
            let policy = try policies.insertPositionLimit(#"{"max_order_value": 100000}"#, portfolios: [portfolio])
            let first = try VigilProcess(portfolios: [portfolio])
            defer { first.tearDown() }
            let second = try VigilProcess(portfolios: ["\(portfolio)-b"])
            defer { second.tearDown() }
            try first.start()
            try second.start()
            let nats = try TestStack.nats()
            defer { nats.close() }

            // 200 × 200 = 40,000: compliant under 100,000, violating under 10,000.
            func isCompliant(_ vigil: VigilProcess) throws -> Bool? {
                let request = Payloads.decision(id: "h2-\(TestStack.uniqueToken())", portfolio: portfolio, quantity: 200)
                let reply = try nats.request(subject: vigil.validationSubject, payload: Array(request.utf8), timeout: .seconds(5))
                return (try JSONSerialization.jsonObject(with: Data(reply.payload)) as? [String: Any])?["is_compliant"] as? Bool
            }
            #expect(try isCompliant(first) == true)
            #expect(try isCompliant(second) == true)

            try policies.connection.execute("UPDATE portfolio_policies SET policy_rules = $1::jsonb, updated_at = now() WHERE policy_name = $2",
                                            [.text(#"{"max_order_value": 10000}"#), .text(policy)])
            let both = try eventually(timeout: .seconds(1), interval: .milliseconds(20)) {
                try isCompliant(first) == false && isCompliant(second) == false
            }
            #expect(both, "the tightened policy was not in force on both instances within 1 s\n\(first.logTail())\n\(second.logTail())")
        }
    }
}
