import Foundation
import Testing
@testable import VigilCore

/// The hand-written event writers against JSONEncoder: parsed, both give the same JSON values.
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

    @Test func nonFiniteScoreFallsBackToJSONEncoder() {
        let data = PolicyValidationData(decisionID: "d", portfolioID: "p", isCompliant: true, complianceScore: .nan,
                                        violations: [], policiesChecked: [])
        let event = CloudEvent(id: "e", source: "/vigil", type: "t", subject: nil, time: Self.time, data: data)
        #expect(OutputEncoder().fastEncode(event) == nil)
        #expect(throws: (any Error).self) { try OutputEncoder().encode(event) }
    }
}
