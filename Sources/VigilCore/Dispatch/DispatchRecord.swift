public import Foundation

/// Where a dispatch is in its lifecycle.
public enum DispatchStatus: String, Sendable, Codable, CaseIterable {
    /// Created, no unit yet (counted as pending).
    case created
    /// A unit is assigned, not yet acknowledged (active).
    case assigned
    /// The unit acknowledged (active).
    case acknowledged
    /// Done.
    case resolved
    /// Withdrawn.
    case cancelled

    /// True once nothing more can happen to the dispatch's clocks.
    public var isTerminal: Bool { self == .resolved || self == .cancelled }
}

/// The current state of one dispatch: the furthest status reached and the first time each kind
/// of event was seen. Stored per dispatch (Redis in service, a dictionary in tests).
public struct DispatchRecord: Sendable, Codable, Equatable {
    /// The dispatch.
    public var dispatchID: String
    /// Severity of the latest accepted event (an escalation re-times the clocks).
    public var severity: Severity
    /// Region.
    public var region: String
    /// The furthest status reached.
    public var status: DispatchStatus
    /// When the SLA clocks started: the `created` timestamp, or the earliest event seen before it.
    public var startedAt: Date
    /// When each kind of event happened (earliest copy wins).
    public var times: [DispatchEventKind: Date]
    /// The unit last named.
    public var unitID: String?

    /// Creates a record.
    public init(dispatchID: String, severity: Severity, region: String, status: DispatchStatus, startedAt: Date,
                times: [DispatchEventKind: Date] = [:], unitID: String? = nil) {
        self.dispatchID = dispatchID
        self.severity = severity
        self.region = region
        self.status = status
        self.startedAt = startedAt
        self.times = times
        self.unitID = unitID
    }

    /// Seconds from start to acknowledgement, when both are known.
    public var timeToAcknowledge: TimeInterval? { times[.acknowledged].map { $0.timeIntervalSince(startedAt) } }
    /// Seconds from start to resolution, when known.
    public var timeToResolve: TimeInterval? { times[.resolved].map { $0.timeIntervalSince(startedAt) } }

    /// The clocks still running: acknowledge until acknowledged, resolve until resolved; none once terminal.
    public var runningTargets: [SLATarget] {
        if status.isTerminal { return [] }
        return times[.acknowledged] == nil && status != .acknowledged ? [.acknowledge, .resolve] : [.resolve]
    }

    enum CodingKeys: String, CodingKey {
        case severity, region, status, times
        case dispatchID = "dispatch_id"
        case startedAt = "started_at"
        case unitID = "unit_id"
    }
}
