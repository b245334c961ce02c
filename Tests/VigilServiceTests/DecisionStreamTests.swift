import Foundation
import Testing
import VigilNATS
import VigilPostgres

extension EndToEnd {
    @Suite("Decisions on the stream")
    struct DecisionStreamTests {
        @Test("a decision yields a CloudEvents completion event; a violation yields a row and a violation event")
        func completionAndViolation() throws {
            let portfolio = "pf-\(TestStack.uniqueToken())"
            var policies = try TestPolicies()
            defer { policies.removeAll() }
            let policy = try policies.insertPositionLimit(#"{"max_order_value": 100000, "severity": "HIGH"}"#, portfolios: [portfolio])
            let vigil = try VigilProcess(portfolios: [portfolio])
            defer { vigil.tearDown() }
            try vigil.start()

            let completed = try StreamTap(stream: "VIGIL_EVENTS", filter: "vigil.events.policy_validation_completed.\(portfolio)")
            defer { completed.close() }
            let violations = try StreamTap(stream: "VIGIL_EVENTS", filter: "vigil.events.violation.policy.high", deliver: .new)
            defer { violations.close() }

            let nats = try TestStack.nats()
            defer { nats.close() }
            let jetStream = try nats.jetStream()
            let compliantID = "d-\(TestStack.uniqueToken())", violatingID = "d-\(TestStack.uniqueToken())"
            let wrappedID = "d-\(TestStack.uniqueToken())"
            let subject = "trading.decisions.\(portfolio)"
            // 100 × 200 = 20,000 is under the 100,000 order limit; 1,000 × 200 = 200,000 is over it.
            _ = try jetStream.publish(subject: subject, payload: Array(Payloads.decision(id: compliantID, portfolio: portfolio).utf8))
            _ = try jetStream.publish(subject: subject, payload: Array(Payloads.decision(id: violatingID, portfolio: portfolio, quantity: 1000).utf8))
            let wrapped = Payloads.cloudEvent(wrapping: Payloads.decision(id: wrappedID, portfolio: portfolio), id: "ce-\(wrappedID)")
            _ = try jetStream.publish(subject: subject, payload: Array(wrapped.utf8))

            let events = try completed.collect(timeout: .seconds(10)) { $0.count >= 3 }.events()
            try #require(events.count == 3, "expected 3 completion events, got \(events.count)\n\(vigil.logTail())")
            let byDecision = Dictionary(uniqueKeysWithValues: events.map { ($0.data["decision_id"] as? String ?? "?", $0) })

            for event in events {
                #expect(event.json["specversion"] as? String == "1.0")
                #expect(event.json["type"] as? String == "io.vigil.policy_validation_completed")
                #expect(event.json["source"] as? String == "/vigil")
                #expect(event.json["datacontenttype"] as? String == "application/json")
                #expect(event.json["time"] is String)
                #expect(event.id != nil && event.messageID == event.id, "Nats-Msg-Id must equal the CloudEvent id")
                #expect(event.subject == "vigil.events.policy_validation_completed.\(portfolio)")
                #expect(event.data["compliance_score"] is NSNumber)
                // The breaker and quarantine gates are checked for every decision, then the policies.
                // Other tests may add policies to the shared database meanwhile; this one must be checked.
                let checked = event.data["policies_checked"] as? [String] ?? []
                #expect(Array(checked.prefix(2)) == ["circuit_breaker", "feature_quarantine"] && checked.contains(policy))
            }
            let compliant = try #require(byDecision[compliantID])
            #expect(compliant.data["is_compliant"] as? Bool == true)
            #expect((compliant.data["violations"] as? [String]) == [])
            #expect((compliant.data["compliance_score"] as? Double) == 1.0)
            let violating = try #require(byDecision[violatingID])
            #expect(violating.data["is_compliant"] as? Bool == false)
            #expect((violating.data["violations"] as? [String]) == [policy])
            #expect(((violating.data["compliance_score"] as? Double) ?? 1) < 1)
            let fromCloudEvent = try #require(byDecision[wrappedID], "a CloudEvents-wrapped decision was not validated")
            #expect(fromCloudEvent.data["is_compliant"] as? Bool == true)

            // The violation event, on the severity subject.
            let violationMessages = try violations.collect(timeout: .seconds(5)) { messages in
                messages.contains { String(decoding: $0.payload, as: UTF8.self).contains(violatingID) }
            }
            let violationEvent = try #require(try violationMessages.events().first { ($0.data["decision_id"] as? String) == violatingID })
            #expect(violationEvent.json["type"] as? String == "io.vigil.violation")
            #expect(violationEvent.messageID == violationEvent.id)
            let detail = violationEvent.data["violation"] as? [String: Any] ?? [:]
            #expect(detail["policy_name"] as? String == policy)
            #expect(detail["violation_type"] as? String == "MAX_ORDER_VALUE")
            #expect(detail["severity"] as? String == "HIGH")

            // The row, with seed 001's columns. Vigil publishes the events before it writes the rows
            // (and acks only after both), so the row may land a moment after the event.
            var rows: [PostgresRow] = []
            _ = try eventually(timeout: .seconds(5)) {
                rows = try policies.connection.query("""
                    SELECT decision_id, policy_name, violation_type, severity, description, resolved, created_at, portfolio_id, event_id
                    FROM policy_violations WHERE portfolio_id = $1
                    """, [.text(portfolio)]).rows
                return !rows.isEmpty
            }
            try #require(rows.count == 1, "expected one policy_violations row, got \(rows.count)")
            let row = rows[0]
            #expect(try row.string("decision_id") == violatingID)
            #expect(try row.string("policy_name") == policy)
            #expect(try row.string("violation_type") == "MAX_ORDER_VALUE")
            #expect(try row.string("severity") == "HIGH")
            #expect(try !row.string("description").isEmpty)
            #expect(try row.bool("resolved") == false)
            #expect(try abs(row.date("created_at").timeIntervalSinceNow) < 120)
            #expect(try row.string("event_id") == violationEvent.id)
        }
    }
}
