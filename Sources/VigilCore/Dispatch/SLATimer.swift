public import Foundation

/// One pending SLA warning or breach for one dispatch clock. Its ``key`` is unique per
/// (dispatch, target, stage), so scheduling it again moves it rather than adding a second one.
public struct SLATimer: Sendable, Codable, Equatable {
    /// The dispatch.
    public var dispatchID: String
    /// Which clock.
    public var target: SLATarget
    /// Warning or breach.
    public var stage: SLAStage
    /// Severity the clock was timed with.
    public var severity: Severity
    /// Region (subject token of the SLA event).
    public var region: String
    /// When the clock started.
    public var startedAt: Date
    /// When the clock breaches.
    public var deadline: Date
    /// When this timer fires.
    public var due: Date

    /// Creates a timer.
    public init(dispatchID: String, target: SLATarget, stage: SLAStage, severity: Severity, region: String,
                startedAt: Date, deadline: Date, due: Date) {
        self.dispatchID = dispatchID
        self.target = target
        self.stage = stage
        self.severity = severity
        self.region = region
        self.startedAt = startedAt
        self.deadline = deadline
        self.due = due
    }

    /// The store key: `<target>|<stage>|<dispatch>`.
    public var key: String { Self.key(dispatchID: dispatchID, target: target, stage: stage) }

    /// The store key of a dispatch's timer.
    public static func key(dispatchID: String, target: SLATarget, stage: SLAStage) -> String {
        "\(target.rawValue)|\(stage.rawValue)|\(dispatchID)"
    }

    enum CodingKeys: String, CodingKey {
        case target, stage, severity, region, deadline, due
        case dispatchID = "dispatch_id"
        case startedAt = "started_at"
    }
}

/// Deadline-ordered SLA timers shared by every instance. A timer is claimed by exactly one caller;
/// a claimed timer is leased, and returns to the queue if it is not completed before the lease
/// ends (the claimer crashed between claim and effects), so no timer is lost.
public protocol SLATimerStore: Sendable {
    /// Adds timers, or moves existing ones (same key) to their new due time.
    func schedule(_ timers: [SLATimer]) throws
    /// Removes timers, queued or in flight; unknown keys are ignored.
    func cancel(_ keys: [String]) throws
    /// Claims up to `limit` timers due at or before `now`, earliest first, leased until `now + lease`.
    /// Timers whose lease ended are claimable again.
    func claimDue(at now: Date, lease: TimeInterval, limit: Int) throws -> [SLATimer]
    /// Marks claimed timers done: their effects are durable.
    func complete(_ keys: [String]) throws
    /// Number of queued plus in-flight timers.
    func count() throws -> Int
}
