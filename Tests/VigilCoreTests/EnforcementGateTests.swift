import Foundation
import Synchronization
import Testing
@testable import VigilCore

@Suite("Circuit breakers and quarantine in validation")
struct EnforcementGateTests {
    let enforcement = InMemoryEnforcementState()
    let registry = PolicyRegistry(PolicySet(definitions: [Fixtures.positionLimit(["max_position_weight": .number(0.1)])]))

    var processor: DecisionProcessor {
        DecisionProcessor(policies: registry, portfolios: InMemoryPortfolioStateStore(), windows: InMemoryDecisionWindowStore(),
                          enforcement: enforcement, clock: ManualClock())
    }

    private func request(_ id: String = "d-1", strategy: String? = nil, features: [String]? = nil) -> PolicyValidationRequest {
        var decision = Fixtures.decision([Fixtures.buy("AAPL", 100, at: 200)], id: id)
        decision.strategy = strategy
        decision.featuresUsed = features
        return PolicyValidationRequest(decision: decision, portfolioState: Fixtures.state())
    }

    private func verdict(_ request: PolicyValidationRequest) throws -> PolicyValidationResponse {
        try processor.validate(request).verdict.response
    }

    @Test func closedBreakersPassAndAreListedAsChecked() throws {
        enforcement.setBreaker("global", .closed)
        let result = try processor.validate(request())
        #expect(result.verdict.response.isCompliant)
        #expect(result.verdict.response.complianceScore == 1)
        #expect(result.verdict.policiesChecked == ["circuit_breaker", "feature_quarantine", "position_limits"])
    }

    @Test(arguments: ["global", "portfolio:pf-1", "strategy:momentum"])
    func anOpenBreakerInAnyScopeRejects(_ scope: String) throws {
        enforcement.setBreaker(scope, .open(reason: "3 HIGH in 5 min"))
        let result = try processor.validate(request(strategy: "momentum"))
        let response = result.verdict.response
        #expect(!response.isCompliant)
        let violation = try #require(response.violations.first)
        #expect(violation.policyName == "circuit_breaker:\(scope)")
        #expect(violation.violationType == "BREAKER_OPEN")
        #expect(violation.severity == .critical)
        #expect(violation.description.contains("3 HIGH in 5 min"))
        // One violated check of three, weight 1 (CRITICAL).
        #expect(response.complianceScore == 0.6667)
        #expect(result.events.map(\.subject).contains("vigil.events.violation.policy.critical"))
    }

    @Test func aStrategyBreakerDoesNotTouchOtherStrategies() throws {
        enforcement.setBreaker("strategy:momentum", .open(reason: "tripped"))
        #expect(try verdict(request(strategy: "carry")).isCompliant)
        #expect(try verdict(request()).isCompliant)
    }

    @Test func halfOpenLetsThroughExactlyTheDecisionsBelowThePercentage() throws {
        enforcement.setBreaker("portfolio:pf-1", .halfOpen(percent: 30))
        let ids = (0..<200).map { "decision-\($0)" }
        for id in ids {
            let response = try verdict(request(id))
            let passes = EnforcementGate.bucket(of: id) < 30
            #expect(response.isCompliant == passes, "\(id) bucket \(EnforcementGate.bucket(of: id))")
            if !passes { #expect(response.violations.first?.violationType == "BREAKER_HALF_OPEN_THROTTLED") }
        }
        let passed = ids.filter { EnforcementGate.bucket(of: $0) < 30 }.count
        #expect((40...80).contains(passed), "about 30% of 200 pass, got \(passed)")
    }

    @Test func halfOpenAtZeroAndHundredPercent() throws {
        enforcement.setBreaker("global", .halfOpen(percent: 0))
        #expect(try !verdict(request()).isCompliant)
        enforcement.setBreaker("global", .halfOpen(percent: 100))
        #expect(try verdict(request()).isCompliant)
    }

    @Test func bucketsAreStableSHA1Values() {
        // int.from_bytes(hashlib.sha1(b'd-1').digest()[:8], 'big') % 100 in Python.
        #expect(EnforcementGate.bucket(of: "d-1") == 38)
        #expect(EnforcementGate.bucket(of: "d-1") == EnforcementGate.bucket(of: "d-1"))
    }

    @Test func aQuarantinedFeatureRejectsDecisionsThatUseIt() throws {
        enforcement.setQuarantine("momentum_5d", reason: "PIT violation HIGH")
        let result = try processor.validate(request(features: ["volume", "momentum_5d"]))
        let response = result.verdict.response
        #expect(!response.isCompliant)
        #expect(response.violations.map(\.policyName) == ["feature_quarantine"])
        #expect(response.violations[0].violationType == "FEATURE_QUARANTINED")
        #expect(response.violations[0].severity == .critical)
        #expect(response.violations[0].description.contains("momentum_5d"))
        #expect(try verdict(request("d-2", features: ["volume"])).isCompliant)
        enforcement.setQuarantine("momentum_5d", reason: nil)
        #expect(try verdict(request("d-3", features: ["momentum_5d"])).isCompliant)
    }

    @Test func twoQuarantinedFeaturesGetDistinctViolationRows() throws {
        enforcement.setQuarantine("f1", reason: "a")
        enforcement.setQuarantine("f2", reason: "b")
        let result = try processor.validate(request(features: ["f1", "f2"]))
        #expect(result.violations.count == 2)
        #expect(Set(result.violations.map(\.id)).count == 2)
    }

    @Test func batchesReadEnforcementStateOnceAndJudgeEachDecision() throws {
        let counting = CountingEnforcementState(enforcement)
        enforcement.setBreaker("strategy:bad", .open(reason: "x"))
        let processor = DecisionProcessor(policies: registry, portfolios: InMemoryPortfolioStateStore(),
                                          windows: InMemoryDecisionWindowStore(), enforcement: counting, clock: ManualClock())
        let text = { (id: String, strategy: String) in
            Fixtures.requestJSON.replacingOccurrences(of: "\"d-1\"", with: "\"\(id)\"")
                .replacingOccurrences(of: "\"orders\"", with: "\"strategy\":\"\(strategy)\",\"orders\"")
        }
        let outcomes = try processor.process([
            InboundMessage(subject: "trading.decisions.pf-1", payload: Fixtures.json(text("a", "good"))),
            InboundMessage(subject: "trading.decisions.pf-1", payload: Fixtures.json(text("b", "bad"))),
        ])
        #expect(counting.calls.withLock { $0 } == 1)
        let compliant = outcomes.map { outcome -> Bool? in
            if case .validated(let result) = outcome { return result.verdict.response.isCompliant }
            return nil
        }
        #expect(compliant == [true, false])
    }
}


/// Counts snapshot reads, to prove a batch costs one round trip.
final class CountingEnforcementState: EnforcementStateReader {
    let inner: InMemoryEnforcementState
    let calls = Mutex(0)

    init(_ inner: InMemoryEnforcementState) { self.inner = inner }

    func breakers(for scopes: Set<String>) throws -> [String: BreakerState] { try inner.breakers(for: scopes) }
    func quarantined(features: Set<String>) throws -> [String: String] { try inner.quarantined(features: features) }
    func snapshot(scopes: Set<String>, features: Set<String>) throws -> EnforcementSnapshot {
        calls.withLock { $0 += 1 }
        return try inner.snapshot(scopes: scopes, features: features)
    }
}
