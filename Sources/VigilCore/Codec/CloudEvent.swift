public import Foundation

/// A CloudEvents 1.0 event in structured JSON mode, as Vigil publishes it.
public struct CloudEvent<Payload: Encodable & Sendable>: Encodable, Sendable {
    /// Always `1.0`.
    public let specversion = "1.0"
    /// Unique and deterministic for the fact it reports, so a re-publish is a duplicate.
    public var id: String
    /// Identifies the Vigil deployment (`/vigil` unless configured).
    public var source: String
    /// Reverse-DNS style event type, e.g. `io.vigil.policy_validation_completed`.
    public var type: String
    /// What the event is about, e.g. the decision id.
    public var subject: String?
    /// When Vigil produced the event.
    public var time: Date
    /// Always `application/json`.
    public let datacontenttype = "application/json"
    /// The payload.
    public var data: Payload

    /// Creates an event.
    public init(id: String, source: String, type: String, subject: String?, time: Date, data: Payload) {
        self.id = id
        self.source = source
        self.type = type
        self.subject = subject
        self.time = time
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case specversion, id, source, type, subject, time, datacontenttype, data
    }
}

/// Encodes outputs as JSON with RFC 3339 UTC timestamps.
public struct OutputEncoder: Sendable {
    private let encoder: JSONEncoder

    /// Creates an encoder.
    public init() {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        self.encoder = encoder
    }

    /// Encodes a value. Vigil's own output types always encode; a failure is a programming error
    /// reported as a thrown error rather than a crash.
    public func encode(_ value: some Encodable) throws -> Data {
        try encode(value, fastPath: true)
    }

    /// Encodes with the hand-written writers first when `fastPath` (JSONEncoder alone otherwise).
    func encode(_ value: some Encodable, fastPath: Bool) throws -> Data {
        if fastPath, let fast = fastEncode(value) { return fast }
        return try encoder.encode(value)
    }
}
