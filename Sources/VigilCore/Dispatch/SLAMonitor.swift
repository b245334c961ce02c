public import Foundation

/// What one dispatch event did: the lifecycle transition and any warning or breach it proves
/// late (an acknowledgement stamped after the deadline), so a replay reports the same breaches
/// as the live timers did.
public struct DispatchUpdate: Sendable, Equatable {
    /// The event.
    public var event: DispatchEvent
    /// The transition.
    public var transition: DispatchTransition
    /// Warnings and breaches established by the event's own timestamp.
    public var firings: [SLAFiring]
    /// Version of the stored record after the event (nil only for an ignored event of an unknown dispatch).
    public var version: Int64?
}

/// Errors of the SLA engine, safe to log.
public struct SLAError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// The SLA engine: applies dispatch events to shared state and timers, and fires due timers.
/// Pure apart from its injected stores and clock, so the simulator can replay through it.
public struct SLAMonitor: Sendable {
    /// The state machine (holds the policies).
    public var lifecycle: DispatchLifecycle
    private let states: any DispatchStateStore
    private let timers: any SLATimerStore
    private let clock: any WallClock

    /// Creates a monitor.
    public init(lifecycle: DispatchLifecycle, states: any DispatchStateStore, timers: any SLATimerStore, clock: any WallClock) {
        self.lifecycle = lifecycle
        self.states = states
        self.timers = timers
        self.clock = clock
    }

    /// Applies events in order. Idempotent: a redelivered event is a duplicate and changes nothing,
    /// and its late firings carry the same ids as before.
    public func ingest(_ events: [DispatchEvent]) throws -> [DispatchUpdate] {
        try events.map { event in
            for _ in 0..<64 {
                let current = try states.load(event.dispatchID)
                let transition = lifecycle.apply(event, to: current?.record)
                if transition.outcome == .applied {
                    guard try states.store(transition.record, expecting: current?.version) else { continue }
                    try timers.cancel(transition.cancel)
                    try timers.schedule(transition.schedule)
                }
                return DispatchUpdate(event: event, transition: transition, firings: lateFirings(event, transition.record),
                                      version: transition.outcome == .applied ? (current?.version ?? 0) + 1 : current?.version)
            }
            throw SLAError("dispatch '\(event.dispatchID.prefix(100))' kept changing under concurrent updates (64 attempts)")
        }
    }

    /// Claims due timers (leased for `lease` seconds) and returns their firings. The caller makes
    /// the effects durable, then calls ``complete(_:)``.
    ///
    /// Each claimed timer is checked against the dispatch's current record, because a timer change
    /// and a record change are separate writes that two instances can interleave: a timer whose
    /// clock has stopped is dropped, one whose due time moved (re-timed clock, changed policy) is
    /// put back at its right time, so a stale write can neither fire nor lose a warning or breach.
    public func claimDue(lease: TimeInterval, limit: Int) throws -> [SLAFiring] {
        let now = clock.now()
        var firings: [SLAFiring] = []
        var stale: [String] = []
        for timer in try timers.claimDue(at: now, lease: lease, limit: limit) {
            guard let record = try states.load(timer.dispatchID)?.record,
                  let expected = lifecycle.timers(for: record).first(where: { $0.key == timer.key }) else {
                stale.append(timer.key)
                continue
            }
            if expected.due.timeIntervalSince(now) > 0.001 {
                try timers.schedule([expected])
                stale.append(timer.key)
                continue
            }
            firings.append(SLAFiring(timer: expected, firedAt: now))
        }
        try timers.complete(stale)
        return firings
    }

    /// Marks firings done.
    public func complete(_ firings: [SLAFiring]) throws {
        try timers.complete(firings.map { SLATimer.key(dispatchID: $0.dispatchID, target: $0.target, stage: $0.stage) })
    }

    /// Warnings and breaches that an acknowledgement or resolution stamped after their due time proves.
    func lateFirings(_ event: DispatchEvent, _ record: DispatchRecord) -> [SLAFiring] {
        guard record.status != .cancelled, event.kind == .acknowledged || event.kind == .resolved else { return [] }
        var stops: [(SLATarget, Date)] = []
        if let acknowledged = record.times[.acknowledged] ?? record.times[.resolved] {
            stops.append((.acknowledge, min(acknowledged, record.times[.resolved] ?? acknowledged)))
        }
        if let resolved = record.times[.resolved] { stops.append((.resolve, resolved)) }
        let policy = lifecycle.policy(for: record.severity)
        let now = clock.now()
        return stops.flatMap { target, stoppedAt in
            SLAStage.allCases.compactMap { stage -> SLAFiring? in
                let due = policy.due(target, stage, from: record.startedAt)
                guard stoppedAt > due else { return nil }
                let timer = SLATimer(dispatchID: record.dispatchID, target: target, stage: stage, severity: record.severity,
                                     region: record.region, startedAt: record.startedAt,
                                     deadline: policy.due(target, .breach, from: record.startedAt), due: due)
                return SLAFiring(timer: timer, firedAt: now)
            }
        }
    }
}
