public import Foundation

/// The phase of a scope's circuit breaker, as written to `<prefix>breaker:<scope>` `state`.
public enum BreakerPhase: String, Sendable, Codable, CaseIterable {
    /// Trading allowed.
    case closed
    /// Trading stopped in the scope.
    case open
    /// A percentage of decisions allowed, stepping up.
    case halfOpen = "half_open"
}

/// A breaker's full state. `sequence` counts transitions and is the compare-and-set version, so
/// concurrent instances cannot both apply a transition.
public struct BreakerStatus: Sendable, Codable, Equatable {
    /// The scope.
    public var scope: String
    /// Current phase.
    public var phase: BreakerPhase
    /// Why it tripped (kept while half-open), or the last note.
    public var reason: String
    /// Admitted percentage: 0 open, the step while half-open, 100 closed.
    public var percent: Int
    /// Number of transitions so far (0 = never tripped).
    public var sequence: Int
    /// When the current phase (or half-open step) began.
    public var since: Date?
    /// The transition of the last trip, so a redelivery of the violation that caused it can
    /// re-emit its effects (same ids, so nothing is duplicated).
    public var lastTrip: BreakerTransition?

    /// Creates a status.
    public init(scope: String, phase: BreakerPhase = .closed, reason: String = "", percent: Int = 100, sequence: Int = 0,
                since: Date? = nil, lastTrip: BreakerTransition? = nil) {
        self.scope = scope
        self.phase = phase
        self.reason = reason
        self.percent = percent
        self.sequence = sequence
        self.since = since
        self.lastTrip = lastTrip
    }

    enum CodingKeys: String, CodingKey {
        case scope, phase = "state", reason, percent, sequence, since
        case lastTrip = "last_trip"
    }

    /// A breaker never tripped.
    public static func closed(_ scope: String) -> BreakerStatus { BreakerStatus(scope: scope) }
}

/// What moved a breaker.
public struct BreakerTransition: Sendable, Codable, Equatable {
    /// The scope.
    public var scope: String
    /// Phase before.
    public var from: BreakerPhase
    /// Phase after.
    public var to: BreakerPhase
    /// The breaker's sequence after the transition (unique per scope; event ids derive from it).
    public var sequence: Int
    /// Why.
    public var reason: String
    /// Admitted percentage after.
    public var percent: Int
    /// When.
    public var at: Date
    /// True for operator actions (reset, half-open).
    public var manual: Bool
    /// Trip details: severity, count and window that tripped it.
    public var severity: Severity?
    /// Violations counted when it tripped.
    public var count: Int?
    /// Window of the trip, seconds.
    public var window: Double?
    /// The violation that tripped it.
    public var cause: String?

    /// Creates a transition.
    public init(scope: String, from: BreakerPhase, to: BreakerPhase, sequence: Int, reason: String, percent: Int, at: Date,
                manual: Bool, severity: Severity? = nil, count: Int? = nil, window: Double? = nil, cause: String? = nil) {
        self.scope = scope
        self.from = from
        self.to = to
        self.sequence = sequence
        self.reason = reason
        self.percent = percent
        self.at = at
        self.manual = manual
        self.severity = severity
        self.count = count
        self.window = window
        self.cause = cause
    }

    enum CodingKeys: String, CodingKey {
        case scope, from, to, sequence, reason, percent, at, manual, severity, count, cause
        case window = "window_seconds"
    }
}
