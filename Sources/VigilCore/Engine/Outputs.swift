public import Foundation

/// An event to publish: subject, the id used as `Nats-Msg-Id`, and the encoded CloudEvent.
public struct OutboundEvent: Sendable, Equatable {
    /// NATS subject.
    public var subject: String
    /// CloudEvent id; JetStream deduplicates on it.
    public var id: String
    /// Encoded CloudEvent JSON.
    public var payload: Data

    /// Creates an event.
    public init(subject: String, id: String, payload: Data) {
        self.subject = subject
        self.id = id
        self.payload = payload
    }
}

/// A row of `policy_violations`. The id is derived from the decision, policy, violation type and
/// symbol, so processing a decision twice inserts nothing the second time.
public struct ViolationRecord: Sendable, Equatable {
    /// Deterministic row id.
    public var id: UUID
    /// The decision.
    public var decisionID: String
    /// The decision's portfolio.
    public var portfolioID: String
    /// The policy, its violation and the details, as in the response.
    public var violation: PolicyViolation
    /// Id of the violation event published for it.
    public var eventID: String
    /// When Vigil detected it.
    public var createdAt: Date
}

/// The `data` of a DLQ event: why the input was refused and the input itself.
public struct DeadLetterData: Sendable, Codable, Equatable {
    /// Reason code, field and message.
    public struct Reason: Sendable, Codable, Equatable {
        /// Machine-readable reason.
        public var code: String
        /// Offending field, if one.
        public var field: String?
        /// What is wrong.
        public var message: String
    }

    /// The subject the input arrived on.
    public var subject: String
    /// Why it was refused.
    public var error: Reason
    /// When Vigil refused it.
    public var receivedAt: Date
    /// JetStream sequence of the input in its stream, when it came from one.
    public var streamSequence: UInt64?
    /// Size of the input in bytes.
    public var originalSize: Int
    /// True when only the first ``DecisionProcessor/Configuration/deadLetterOriginalLimit`` bytes are carried.
    public var originalTruncated: Bool
    /// The input bytes (or their beginning), base64.
    public var originalBase64: String

    enum CodingKeys: String, CodingKey {
        case subject, error
        case receivedAt = "received_at"
        case streamSequence = "stream_sequence"
        case originalSize = "original_size"
        case originalTruncated = "original_truncated"
        case originalBase64 = "original_base64"
    }
}

/// The `data` of a `vigil.events.violation.policy.<severity>` event.
public struct PolicyViolationEventData: Sendable, Codable, Equatable {
    /// The decision.
    public var decisionID: String
    /// The decision's portfolio.
    public var portfolioID: String
    /// The violation.
    public var violation: PolicyViolation

    enum CodingKeys: String, CodingKey {
        case violation
        case decisionID = "decision_id"
        case portfolioID = "portfolio_id"
    }
}
