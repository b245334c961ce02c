import Foundation
import Testing
import VigilNATS
import VigilPostgres

extension EndToEnd {
    @Suite("Restart and re-delivery")
    struct RestartTests {
        static let decisions = 10_000

        @Test("SIGKILL mid-stream, restart: every decision has exactly one completion event, and violations are recorded once")
        func killAndRestart() throws {
            let portfolio = "pf-\(TestStack.uniqueToken())"
            var policies = try TestPolicies()
            defer { policies.removeAll() }
            // LOW severity: no other test publishes on vigil.events.violation.policy.low.
            _ = try policies.insertPositionLimit(#"{"max_order_value": 100000, "severity": "LOW"}"#, portfolios: [portfolio])
            // A short ack wait, so what the killed instance had fetched is redelivered promptly.
            let vigil = try VigilProcess(portfolios: [portfolio], overrides: ["decisions.ack_wait": "2s"])
            defer { vigil.tearDown() }
            try vigil.start()

            let completed = try StreamTap(stream: "VIGIL_EVENTS", filter: "vigil.events.policy_validation_completed.\(portfolio)")
            defer { completed.close() }
            let violations = try StreamTap(stream: "VIGIL_EVENTS", filter: "vigil.events.violation.policy.low", deliver: .new)
            defer { violations.close() }

            // Half the decisions violate the order limit (1,000 × 200 = 200,000 > 100,000).
            let run = TestStack.uniqueToken()
            let ids = (0..<Self.decisions).map { "k-\(run)-\($0)" }
            let messages = ids.enumerated().map { index, id in
                OutboundMessage(subject: "trading.decisions.\(portfolio)",
                                payload: Array(Payloads.decision(id: id, portfolio: portfolio, quantity: index.isMultiple(of: 2) ? 1000 : 100).utf8),
                                messageID: id)
            }
            var options = NATSConfiguration(url: try TestStack.value("VIGIL_NATS_URL"))
            options.name = "vigil-e2e-bulk"
            let bulk = try NATSConnection(configuration: options, logger: TestStack.quietLogger)
            defer { bulk.close() }
            try bulk.jetStream().publishBatch(messages, timeout: .seconds(30))

            // Kill once some, but not all, decisions have their event.
            let started = try eventually(timeout: .seconds(30), interval: .milliseconds(5)) { try completed.pending() >= 500 }
            #expect(vigil.stop(signal: SIGKILL) != nil)
            let atKill = try completed.pending()
            print("restart test: \(atKill) of \(Self.decisions) completion events stored when vigil was killed")
            try #require(started, "vigil produced no events\n\(vigil.logTail())")
            try #require(atKill < UInt64(Self.decisions), "vigil finished all \(Self.decisions) before the kill; the test proves nothing")

            try vigil.start()
            let jetStream = completed.jetStream
            let drained = try eventually(timeout: .seconds(45), interval: .milliseconds(100)) {
                guard vigil.isRunning else { return true }
                let consumer = try jetStream.consumerInfo(stream: vigil.decisionStream, durable: vigil.durable)
                let stored = try completed.pending()
                return consumer.pending == 0 && consumer.ackPending == 0 && stored >= UInt64(Self.decisions)
            }
            try #require(vigil.isRunning, "vigil stopped after the restart\n\(vigil.logTail())")
            let storedAfter = try completed.pending()
            try #require(drained, "not every decision was processed after the restart (events: \(storedAfter))\n\(vigil.logTail())")

            // Exactly one completion event per decision in the stream.
            let events = try completed.collect(timeout: .seconds(20)) { $0.count >= Self.decisions }
            let decisionIDs = try events.events().map { $0.data["decision_id"] as? String ?? "" }
            #expect(events.count == Self.decisions, "killed at \(atKill) events")
            #expect(Set(decisionIDs) == Set(ids))
            #expect(try completed.pending() == 0, "more completion events than decisions")

            // One violation row and one violation event per violating decision.
            let row = try #require(try policies.connection.query(
                "SELECT count(*) AS total, count(DISTINCT decision_id) AS decisions FROM policy_violations WHERE portfolio_id = $1",
                [.text(portfolio)]).rows.first)
            #expect(try row.int("total") == Self.decisions / 2)
            #expect(try row.int("decisions") == Self.decisions / 2)
            let mine = { (messages: [JetStreamMessage]) in
                messages.filter { String(decoding: $0.payload, as: UTF8.self).contains("\"portfolio_id\":\"\(portfolio)\"") }
            }
            let violationEvents = mine(try violations.collect(timeout: .seconds(20)) { mine($0).count >= Self.decisions / 2 })
            #expect(violationEvents.count == Self.decisions / 2)
            #expect(Set(try violationEvents.events().compactMap(\.id)).count == Self.decisions / 2)
        }
    }
}
