import Foundation
import Testing
@testable import VigilCore

@Suite("Reported violations")
struct ReportedViolationTests {
    let clock = ManualClock()
    var processor: ReportedViolationProcessor { ReportedViolationProcessor(clock: clock) }

    func input(_ json: String, sequence: UInt64 = 1) -> InboundMessage {
        InboundMessage(subject: "vigil.report.violations", payload: Data(json.utf8), streamSequence: sequence)
    }

    @Test func becomesADetectedViolationWithScopesAndAStableID() throws {
        let json = #"{"type":"FUTURE_LEAKAGE","severity":"p0","description":"d","timestamp":"2025-06-21T10:00:00Z","pair":"EURUSD","details":{"service":"feeds","feature":"mom_5d"}}"#
        let outcomes = try processor.process([input(json), input(json, sequence: 2)])
        guard case .detected(let first, let event)? = outcomes.first, case .detected(let second, _)? = outcomes.last else {
            Issue.record("not detected: \(outcomes)")
            return
        }
        #expect(first.id == second.id, "the same report counts once")
        #expect(first.domain == .reported && first.severity == .critical && first.violationType == "FUTURE_LEAKAGE")
        #expect(first.scopes == ["global", "service:feeds"] && first.featureName == "mom_5d" && first.entityID == "EURUSD")
        #expect(first.occurredAt == RFC3339.parse("2025-06-21T10:00:00Z") && first.detectedAt == clock.now())
        #expect(event.subject == "vigil.events.violation.reported.critical" && event.id == first.id)
    }

    @Test func badInputIsDeadLetteredNamingTheField() throws {
        let outcomes = try processor.process([
            input(#"{"type":"X","severity":"SEVERE","description":"d","timestamp":"2025-06-21T10:00:00Z"}"#),
            input(#"{"type":"X","severity":"LOW","description":"d","timestamp":"2025-06-21 10:00"}"#),
        ])
        let fields = outcomes.compactMap { outcome -> String? in
            if case .deadLettered(let event, let error) = outcome, event.subject == "vigil.dlq.vigil.report.violations" { return error.field }
            return nil
        }
        #expect(fields == ["severity", "timestamp"])
    }
}
