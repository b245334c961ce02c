import Foundation
import Testing
@testable import VigilCore

@Suite("Decision processing")
struct DecisionProcessorTests {
    let clock = ManualClock()
    let portfolios = InMemoryPortfolioStateStore()
    let registry = PolicyRegistry(PolicySet(definitions: [
        Fixtures.positionLimit(["max_position_weight": .number(0.1)]),
    ]))

    var processor: DecisionProcessor {
        DecisionProcessor(policies: registry, portfolios: portfolios, windows: InMemoryDecisionWindowStore(),
                          enforcement: InMemoryEnforcementState(), clock: clock)
    }

    private func message(_ text: String, sequence: UInt64 = 1) -> InboundMessage {
        InboundMessage(subject: "trading.decisions.pf-1", payload: Fixtures.json(text), streamSequence: sequence)
    }

    private func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func compliantDecisionPublishesOneCompletedEvent() throws {
        let outcomes = try processor.process([message(Fixtures.requestJSON)])
        guard case .validated(let result) = try #require(outcomes.first) else { Issue.record("not validated"); return }
        #expect(result.events.count == 1)
        #expect(result.violations.isEmpty)
        let event = result.events[0]
        #expect(event.subject == "vigil.events.policy_validation_completed.pf-1")
        let json = try object(event.payload)
        #expect(json["specversion"] as? String == "1.0")
        #expect(json["id"] as? String == event.id)
        #expect(json["type"] as? String == "io.vigil.policy_validation_completed")
        let data = try #require(json["data"] as? [String: Any])
        #expect(data["decision_id"] as? String == "d-1")
        #expect(data["is_compliant"] as? Bool == true)
        #expect(data["policies_checked"] as? [String] == ["circuit_breaker", "feature_quarantine", "position_limits"])
    }

    @Test func eventIDIsTheVersion5UUIDOfTheDecision() throws {
        guard case .validated(let result) = try processor.process([message(Fixtures.requestJSON)])[0] else { return }
        // uuid.uuid5(UUID('6f2d1f0c-…'), 'policy_validation_completed\x1fpf-1\x1fd-1') in Python.
        #expect(result.events[0].id == "540e9dba-bd93-5c34-977a-fc3d73126198")
    }

    @Test func violationProducesARecordAndAViolationEvent() throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":600")
        guard case .validated(let result) = try processor.process([message(text)])[0] else { Issue.record("not validated"); return }
        #expect(result.violations.count == 1)
        #expect(result.violations[0].violation.policyName == "position_limits")
        #expect(result.events.map(\.subject) == ["vigil.events.policy_validation_completed.pf-1", "vigil.events.violation.policy.high"])
        #expect(result.violations[0].eventID == result.events[1].id)
        // Processing again yields the same ids: redelivery is idempotent downstream.
        guard case .validated(let again) = try processor.process([message(text)])[0] else { return }
        #expect(again.violations[0].id == result.violations[0].id)
        #expect(again.events.map(\.id) == result.events.map(\.id))
    }

    @Test func badInputIsDeadLetteredWithReasonAndOriginalBytes() throws {
        let outcomes = try processor.process([message("{oops", sequence: 42), message(Fixtures.requestJSON, sequence: 43)])
        guard case .deadLettered(let event, let error) = outcomes[0] else { Issue.record("not dead-lettered"); return }
        #expect(error.code == .malformedJSON)
        #expect(event.subject == "vigil.dlq.trading.decisions.pf-1")
        let data = try #require(try object(event.payload)["data"] as? [String: Any])
        #expect((data["error"] as? [String: Any])?["code"] as? String == "malformed_json")
        #expect(data["original_base64"] as? String == Data("{oops".utf8).base64EncodedString())
        #expect(data["stream_sequence"] as? Int == 42)
        // The next message in the batch is still processed.
        guard case .validated = outcomes[1] else { Issue.record("valid message after a bad one was not processed"); return }
    }

    @Test func missingStateUsesTheStoredSnapshotOrIsDeadLettered() throws {
        let noState = #"{"decision":{"decision_id":"d-9","portfolio_id":"pf-1","timestamp":"2025-06-21T10:00:00Z","orders":[{"symbol":"AAPL","side":"BUY","quantity":600,"price":200}]}}"#
        guard case .deadLettered(_, let error) = try processor.process([message(noState)])[0] else { Issue.record("expected DLQ"); return }
        #expect(error.code == .missingPortfolioState)
        try portfolios.save(Fixtures.state())
        guard case .validated(let result) = try processor.process([message(noState)])[0] else { Issue.record("expected validation"); return }
        #expect(!result.verdict.response.isCompliant)
    }

    @Test func policyReloadAppliesToTheNextDecision() throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "\"quantity\":100", with: "\"quantity\":600")
        registry.replace(with: PolicySet(definitions: [Fixtures.positionLimit(["max_position_weight": .number(0.5)])]))
        guard case .validated(let result) = try processor.process([message(text)])[0] else { return }
        #expect(result.verdict.response.isCompliant)
    }

    @Test func portfolioIDIsSanitizedInTheSubject() throws {
        let text = Fixtures.requestJSON.replacingOccurrences(of: "pf-1", with: "pf.a *>")
        guard case .validated(let result) = try processor.process([message(text)])[0] else { Issue.record("not validated"); return }
        #expect(result.events[0].subject == "vigil.events.policy_validation_completed.pf_a___")
    }

    @Test func storedStateIsReplacedOnlyByANewerSnapshot() throws {
        #expect(try portfolios.save(Fixtures.state(nav: 1)))
        #expect(try !portfolios.save(Fixtures.state(nav: 2)))
        let stored = try portfolios.latestStates(for: ["pf-1"])["pf-1"]
        #expect(stored?.nav == 1)
    }
}

@Suite("Support")
struct SupportTests {
    @Test func subjectTokensAreSanitized() {
        #expect(SubjectToken.sanitize("a.b*c>d e") == "a_b_c_d_e")
        #expect(SubjectToken.sanitize("") == "_")
        #expect(SubjectToken.sanitize(String(repeating: "x", count: 500)).utf8.count == 128)
        // The printable-ASCII shortcut and the scalar path agree at their edges.
        let edge = String(repeating: "y", count: 128)
        #expect(SubjectToken.sanitize(edge) == edge)
        #expect(SubjectToken.sanitize(edge + "z") == edge)
        #expect(SubjectToken.sanitize("a\tb\u{7F}c~!") == "a_b_c~!")
        #expect(SubjectToken.sanitize("pf-1_ÄÖ") == "pf-1_ÄÖ")
    }

    @Test func severitiesMapToPriorities() {
        #expect(Severity(text: "p0") == .critical)
        #expect(Severity.low.priority == "P3")
        #expect(Severity.critical > Severity.high)
    }
}

@Suite("Violation ids")
struct ViolationIDTests {
    @Test func twoOrdersOnOneSymbolBreakingOneLimitGetTwoIDs() throws {
        let registry = PolicyRegistry(PolicySet(definitions: [Fixtures.positionLimit(["max_order_value": .number(1_000)])]))
        let processor = DecisionProcessor(policies: registry, portfolios: InMemoryPortfolioStateStore(), windows: InMemoryDecisionWindowStore(),
                                          enforcement: InMemoryEnforcementState(), clock: ManualClock())
        let request = PolicyValidationRequest(decision: Fixtures.decision([Fixtures.buy("NVDA", 10, at: 500), Fixtures.buy("NVDA", 20, at: 500)]),
                                              portfolioState: Fixtures.state())
        let result = try processor.validate(request)
        #expect(result.violations.count == 2)
        #expect(Set(result.violations.map(\.id)).count == 2)
        #expect(Set(result.events.map(\.id)).count == 3)
    }
}
