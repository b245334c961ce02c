import Foundation
import Testing
@testable import VigilCore

@Suite("Violation windows and automated response")
struct EnforcementEngineTests {
    @Test("conformance", arguments: ViolationWindowConformance.all)
    func conformance(_ scenario: ViolationWindowConformance) throws {
        let problems = try scenario.run(windows: InMemoryViolationWindowStore(), breakers: InMemoryBreakerStore(), scope: "s")
        #expect(problems.isEmpty, "\(scenario.name): \(problems.joined(separator: "; "))")
    }

    let clock = ManualClock()
    let windows = InMemoryViolationWindowStore()
    let breakers = InMemoryBreakerStore()
    var engine: EnforcementEngine { EnforcementEngine(policy: EnforcementPolicy(), windows: windows, breakers: breakers) }

    func violation(_ id: String, _ severity: Severity = .medium, feature: String? = nil, service: String? = "svc") -> DetectedViolation {
        DetectedViolation(id: id, domain: .reported, violationType: "TIMESTAMP_DRIFT", severity: severity, description: "d",
                          serviceName: service, featureName: feature, detectedAt: clock.now())
    }

    func respond(_ violations: [DetectedViolation]) throws -> EnforcementOutcome { try engine.respond(violations, at: clock.now()) }

    @Test func tenMediumWithinFifteenMinutesTripGlobalAndService() throws {
        for index in 0..<9 {
            #expect(try respond([violation("v\(index)")]).transitions.isEmpty)
            clock.advance(by: 99)
        }
        let outcome = try respond([violation("v9")])
        #expect(outcome.transitions.map(\.scope).sorted() == ["global", "service:svc"])
        #expect(outcome.signals.filter { $0.source == "breaker" }.count == 2)
        #expect(try breakers.status("global").phase == .open)
    }

    @Test func nineNeverTripAndTheTenthJustAfterTheFirstExpiredDoesNot() throws {
        for index in 0..<9 {
            _ = try respond([violation("v\(index)")])
            clock.advance(by: index == 0 ? 1 : 100)
        }
        // v0 at t, v1..v8 at t+1…t+701; now t+801 → move to exactly t+900: v0 has expired.
        clock.advance(by: 900 - 801)
        let outcome = try respond([violation("v9")])
        #expect(outcome.transitions.isEmpty)
        #expect(try breakers.all().isEmpty)
    }

    @Test func redeliveryChangesNothingButReEmitsItsTrip() throws {
        let batch = (0..<10).map { violation("v\($0)") }
        let first = try respond(batch)
        #expect(first.transitions.count == 2 && first.actions.count == 10)
        clock.advance(by: 5)
        let again = try respond(batch)
        #expect(again.actions.isEmpty, "no violation is counted or acted on twice")
        #expect(again.transitions == first.transitions, "the trip caused by v9 is re-emitted with the same sequence")
        #expect(try breakers.status("global").sequence == 1)
    }

    @Test func criticalTripsAtOnceHighQuarantinesMediumMonitorsLowIsLogged() throws {
        let outcome = try respond([violation("c", .critical, service: nil), violation("h", .high, feature: "momentum_5d"),
                                   violation("m", .medium), violation("l", .low)])
        #expect(outcome.transitions.map(\.scope) == ["global"])
        #expect(outcome.quarantines.map(\.feature) == ["momentum_5d"])
        #expect(try breakers.quarantined()["momentum_5d"] != nil)
        #expect(outcome.actions.map(\.action) == ["circuit_breaker", "feature_quarantine", "enhanced_monitoring", "review"])
        #expect(breakers.monitored().keys.sorted() == ["global", "service:svc"])
        #expect(outcome.signals.map(\.source).sorted() == ["breaker", "reported"])
    }

    @Test func trendAlertsOnceWhenTheHourReaches150Percent() throws {
        _ = try respond((0..<4).map { violation("a\($0)", .low) })
        clock.advance(by: 3600)
        var trend: [AlertSignal] = []
        for index in 0..<8 {
            trend += try respond([violation("b\(index)", .low)]).signals.filter { $0.source == "trend" }
        }
        #expect(trend.count == 1, "6 of 4 is the crossing; 7 and 8 stay above without a new alert")
    }
}
