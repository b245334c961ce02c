import Foundation
import Testing
@testable import VigilCore

/// The hand-written event writers against JSONEncoder: parsed, both give the same JSON values.
/// Covers the decision events, the detectors' violation events and violation details.
@Suite("Fast event writer matches JSONEncoder")
struct FastOutputWriterTests {
    private func sameJSON(_ value: some Encodable) throws {
        let encoder = OutputEncoder()
        #expect(encoder.fastEncode(value) != nil, "the fast writer should handle this event")
        let fast = try JSONSerialization.jsonObject(with: try encoder.encode(value, fastPath: true)) as? NSDictionary
        let reference = try JSONSerialization.jsonObject(with: try encoder.encode(value, fastPath: false)) as? NSDictionary
        #expect(fast != nil)
        #expect(fast == reference)
    }

    /// ``sameJSON(_:)`` plus a stricter reading: both decoded as ``JSONValue``, which tells a
    /// boolean from a number (NSNumber equality may not).
    private func sameValue(_ value: some Encodable) throws {
        try sameJSON(value)
        let encoder = OutputEncoder()
        let fast = try JSONDecoder().decode(JSONValue.self, from: try encoder.encode(value, fastPath: true))
        let reference = try JSONDecoder().decode(JSONValue.self, from: try encoder.encode(value, fastPath: false))
        #expect(fast == reference)
    }

    private static let time = Date(timeIntervalSince1970: 1_750_500_000.123)

    @Test(arguments: [0.0, 1, 0.9167, 1e-7, 0.3333333333333333])
    func completedEvent(score: Double) throws {
        let data = PolicyValidationData(decisionID: "d-\"1\"\\\n\t\u{01}é", portfolioID: "pf/1", isCompliant: score == 1,
                                        complianceScore: score, violations: ["a", "b"], policiesChecked: [])
        try sameJSON(CloudEvent(id: "e", source: "/vigil", type: "io.vigil.policy_validation_completed", subject: "d", time: Self.time, data: data))
        try sameJSON(CloudEvent(id: "e", source: "/vigil", type: "t", subject: nil, time: Self.time, data: data))
    }

    @Test func violationEvent() throws {
        let adjustment: JSONValue = .object(["order_index": .number(0), "symbol": .string("AAPL"), "max_compliant_quantity": .number(12.5),
                                             "nested": .array([.null, .bool(true), .string("x\u{7F}")]), "big": .number(1e300)])
        for suggested in [adjustment, nil] {
            let violation = PolicyViolation(policyName: "p", violationType: "MAX_ORDER_VALUE", severity: .medium,
                                            description: "BUY AAPL order value 5000000 exceeds max order value 1000000",
                                            suggestedAdjustment: suggested, advisory: true)
            let data = PolicyViolationEventData(decisionID: "d", portfolioID: "pf", violation: violation)
            try sameJSON(CloudEvent(id: "e", source: "/vigil", type: "io.vigil.violation", subject: "d", time: Self.time, data: data))
        }
    }

    static let details: [String: JSONValue] = [
        "write_id": .string("0f6c…-\u{2028}"), "event_timestamp": .string("2025-06-21T10:00:00+02:00"), "as_of_timestamp": .string("2025-06-21T10:00:00"),
        "late_sources": .array([.number(0), .number(2)]), "value": .object(["a": .array([.null, .bool(false), .number(-0.0), .number(1e-7)])]),
        "rate": .number(0.3333333333333333), "big": .number(1e300), "reasons": .array([.string("a \"quoted\"\\ line\n\t\u{01}\u{1F}\u{7F} é 日本 🚀")]),
        "is_revision": .bool(true), "": .string(""), "key \"with\" escapes/\u{0}": .number(-12.5),
    ]

    @Test(arguments: [false, true])
    func detectedViolationEvent(everyOptional: Bool) throws {
        let violation = DetectedViolation(
            id: "7c1f6a3e-0000-5000-8000-000000000000", domain: .pit, violationType: "FUTURE_LEAKAGE", severity: .critical,
            description: "event_timestamp 2025-06-21T10:01:00Z is after as_of_timestamp \"2025-06-21T10:00:00Z\"\n\u{01}é/",
            serviceName: everyOptional ? "feature-svc" : nil, featureName: everyOptional ? "momentum_5m" : nil,
            entityID: everyOptional ? "AAPL/\u{7F}" : nil, portfolioID: everyOptional ? "pf-1" : nil, strategy: everyOptional ? "s\t1" : nil,
            occurredAt: everyOptional ? Self.time.addingTimeInterval(-0.0005) : nil, detectedAt: Self.time,
            details: everyOptional ? Self.details : [:])
        try sameValue(CloudEvent(id: violation.id, source: "/vigil", type: "io.vigil.violation", subject: "momentum_5m", time: Self.time, data: violation))
        try sameValue(CloudEvent(id: violation.id, source: "/vigil", type: "io.vigil.violation", subject: nil, time: Self.time, data: violation))
        for (index, domain) in ViolationDomain.allCases.enumerated() {
            var other = violation
            other.domain = domain
            other.severity = Severity.allCases[index % Severity.allCases.count]
            try sameValue(CloudEvent(id: "e", source: "/v", type: "t", subject: "s", time: Self.time, data: other))
        }
    }

    @Test func violationDetails() throws {
        try sameValue(Self.details)
        try sameValue([String: JSONValue]())
        try sameValue(["nested": JSONValue.object(["deeper": .object(["deepest": .array([.array([])])])])])
    }

    @Test func nonFiniteDetailFallsBackToJSONEncoder() {
        let details: [String: JSONValue] = ["rate": .number(.infinity)]
        let violation = DetectedViolation(id: "v", domain: .pit, violationType: "QUALITY_DEGRADATION", severity: .medium,
                                          description: "d", detectedAt: Self.time, details: details)
        let event = CloudEvent(id: "e", source: "/vigil", type: "t", subject: nil, time: Self.time, data: violation)
        #expect(OutputEncoder().fastEncode(event) == nil)
        #expect(OutputEncoder().fastEncode(details) == nil)
        #expect(throws: (any Error).self) { try OutputEncoder().encode(event) }
        #expect(throws: (any Error).self) { try OutputEncoder().encode(details) }
    }

    @Test func nonFiniteScoreFallsBackToJSONEncoder() {
        let data = PolicyValidationData(decisionID: "d", portfolioID: "p", isCompliant: true, complianceScore: .nan,
                                        violations: [], policiesChecked: [])
        let event = CloudEvent(id: "e", source: "/vigil", type: "t", subject: nil, time: Self.time, data: data)
        #expect(OutputEncoder().fastEncode(event) == nil)
        #expect(throws: (any Error).self) { try OutputEncoder().encode(event) }
    }
}
