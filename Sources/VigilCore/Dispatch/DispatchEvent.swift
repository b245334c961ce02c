public import Foundation

/// What happened to a dispatch.
public enum DispatchEventKind: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable {
    /// The dispatch was opened; its SLA clocks start here.
    case created
    /// A unit was assigned.
    case assigned
    /// The assigned unit acknowledged; stops the time-to-acknowledge clock.
    case acknowledged
    /// The dispatch was resolved; stops every clock.
    case resolved
    /// The dispatch was withdrawn; stops every clock without a resolution.
    case cancelled

    /// Position in the normal lifecycle (created 0 … resolved 3); cancelled is terminal apart.
    public var stage: Int {
        switch self {
        case .created: 0
        case .assigned: 1
        case .acknowledged: 2
        case .resolved: 3
        case .cancelled: 4
        }
    }
}

/// One input on `dispatch.events.<region>` (schemas/dispatch_event.schema.json).
public struct DispatchEvent: ValidatedInput, Sendable, Equatable, Codable {
    /// The dispatch this event belongs to.
    public var dispatchID: String
    /// What happened.
    public var kind: DispatchEventKind
    /// P0..P3 (or CRITICAL..LOW).
    public var severity: Severity
    /// Region of the dispatch; a subject token of the SLA events.
    public var region: String
    /// When it happened at the source.
    public var timestamp: Date
    /// The unit concerned, when one is.
    public var unitID: String?

    /// Creates an event.
    public init(dispatchID: String, kind: DispatchEventKind, severity: Severity, region: String, timestamp: Date, unitID: String? = nil) {
        self.dispatchID = dispatchID
        self.kind = kind
        self.severity = severity
        self.region = region
        self.timestamp = timestamp
        self.unitID = unitID
    }

    /// Deterministic id of this fact (dispatch, kind, millisecond timestamp): a redelivered or
    /// re-published copy has the same id, so `dispatch_events` stores it once.
    public var eventID: UUID {
        DeterministicID.uuid("dispatch-event", dispatchID, kind.rawValue, String(Int64((timestamp.timeIntervalSince1970 * 1000).rounded())))
    }

    public func validate(limits: InputLimits) throws(InputError) {
        if dispatchID.isEmpty { throw InputError(.invalidValue, field: "dispatch_id", "must not be empty") }
        if dispatchID.count > limits.maxIDLength {
            throw InputError(.invalidValue, field: "dispatch_id", "is longer than \(limits.maxIDLength) characters")
        }
        if region.isEmpty { throw InputError(.invalidValue, field: "region", "must not be empty") }
        if region.count > limits.maxIDLength {
            throw InputError(.invalidValue, field: "region", "is longer than \(limits.maxIDLength) characters")
        }
        if let unitID, unitID.count > limits.maxIDLength {
            throw InputError(.invalidValue, field: "unit_id", "is longer than \(limits.maxIDLength) characters")
        }
    }

    enum CodingKeys: String, CodingKey {
        case severity, region, timestamp
        case kind = "event"
        case dispatchID = "dispatch_id"
        case unitID = "unit_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dispatchID = try container.decode(String.self, forKey: .dispatchID)
        let text = try container.decode(String.self, forKey: .kind)
        guard let kind = DispatchEventKind(rawValue: text.lowercased()) else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "unknown event '\(text.prefix(40))' (expected created, assigned, acknowledged, resolved or cancelled)")
        }
        self.kind = kind
        severity = try container.decode(Severity.self, forKey: .severity)
        region = try container.decode(String.self, forKey: .region)
        timestamp = try container.decode(Date.self, forKey: .timestamp)
        unitID = try container.decodeIfPresent(String.self, forKey: .unitID)
    }
}
