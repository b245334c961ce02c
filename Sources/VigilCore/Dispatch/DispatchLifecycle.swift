import Foundation

/// What applying one event did.
public enum DispatchOutcome: String, Sendable, Codable {
    /// The event changed the record.
    case applied
    /// The same kind was already seen at the same or an earlier time: nothing changes.
    case duplicate
    /// The dispatch is cancelled (or resolved, for a cancel): the event is recorded, nothing changes.
    case ignoredAfterTerminal = "ignored_after_terminal"
}

/// The result of one event: the new record (nil only when ignored with no record), the outcome,
/// and the timers to schedule and to cancel.
public struct DispatchTransition: Sendable, Equatable {
    /// The record after the event.
    public var record: DispatchRecord
    /// Whether it changed anything.
    public var outcome: DispatchOutcome
    /// Timers to add or move (keyed by ``SLATimer/key``; scheduling an existing key moves it).
    public var schedule: [SLATimer]
    /// Timer keys to remove.
    public var cancel: [String]
    /// True when this is the first event of its kind for the dispatch (analytics count it once).
    public var isFirstOfKind: Bool = false
}

/// The dispatch state machine, pure: a record and an event in, a record and timer changes out.
///
/// Rules (docs/sla.md):
/// 1. Status is the furthest stage reached: created < assigned < acknowledged < resolved;
///    cancelled is terminal. An earlier-stage event arriving late (assigned after acknowledged)
///    records its time but never moves the status back.
/// 2. Each kind keeps its earliest time. A repeat with the same or a later time is a duplicate;
///    a repeat with an earlier time replaces the time (and re-times clocks if it is `created`).
/// 3. The clocks start at `created`; an event for an unknown dispatch starts them at its own
///    time, and a later `created` with an earlier time moves the start back.
/// 4. After `cancelled` nothing changes; after `resolved` only earlier-stage times are filled in
///    (for analytics), and a `cancelled` is ignored.
/// 5. Timers: while not acknowledged, acknowledge warning + breach; while not resolved, resolve
///    warning + breach. Acknowledging cancels the acknowledge timers, resolving or cancelling all.
public struct DispatchLifecycle: Sendable {
    /// Policies by severity; a missing severity uses ``SLAPolicy/defaults``.
    public var policies: [Severity: SLAPolicy]

    /// Creates the machine.
    public init(policies: [Severity: SLAPolicy] = SLAPolicy.defaults) {
        self.policies = policies
    }

    /// The policy in force for `severity`.
    public func policy(for severity: Severity) -> SLAPolicy {
        policies[severity] ?? SLAPolicy.defaults[severity] ?? SLAPolicy(severity: severity, acknowledgeWithin: 3600, resolveWithin: 86400)
    }

    /// Applies `event` to `record` (nil for a dispatch not seen before).
    public func apply(_ event: DispatchEvent, to current: DispatchRecord?) -> DispatchTransition {
        guard var record = current else {
            var record = DispatchRecord(dispatchID: event.dispatchID, severity: event.severity, region: event.region,
                                        status: Self.status(of: event.kind), startedAt: event.timestamp,
                                        times: [event.kind: event.timestamp], unitID: event.unitID)
            if event.kind == .cancelled { record.status = .cancelled }
            return DispatchTransition(record: record, outcome: .applied, schedule: timers(for: record), cancel: [], isFirstOfKind: true)
        }
        let before = record
        if record.status == .cancelled || (record.status == .resolved && event.kind == .cancelled) {
            return DispatchTransition(record: record, outcome: .ignoredAfterTerminal, schedule: [], cancel: [])
        }
        if let seen = record.times[event.kind], seen <= event.timestamp {
            return DispatchTransition(record: record, outcome: .duplicate, schedule: [], cancel: [])
        }
        let isFirst = record.times[event.kind] == nil
        record.times[event.kind] = event.timestamp
        if let unit = event.unitID { record.unitID = unit }
        if event.kind == .created || event.timestamp < record.startedAt {
            record.startedAt = min(event.timestamp, record.times[.created] ?? event.timestamp)
        }
        if !record.status.isTerminal {
            record.severity = event.severity
            let next = Self.status(of: event.kind)
            if next == .cancelled || Self.rank(next) > Self.rank(record.status) { record.status = next }
        }
        let retimed = record.startedAt != before.startedAt || record.severity != before.severity
        let stopped = Set(cancelled(for: record)).subtracting(cancelled(for: before))
        return DispatchTransition(record: record, outcome: .applied, schedule: retimed ? timers(for: record) : [],
                                  cancel: stopped.sorted(), isFirstOfKind: isFirst)
    }

    /// The timers a record should have running.
    public func timers(for record: DispatchRecord) -> [SLATimer] {
        let policy = policy(for: record.severity)
        return record.runningTargets.flatMap { target in
            SLAStage.allCases.map { stage in
                SLATimer(dispatchID: record.dispatchID, target: target, stage: stage, severity: record.severity, region: record.region,
                         startedAt: record.startedAt, deadline: policy.due(target, .breach, from: record.startedAt),
                         due: policy.due(target, stage, from: record.startedAt))
            }
        }
    }

    /// Keys of timers the record must not have (its stopped clocks).
    func cancelled(for record: DispatchRecord) -> [String] {
        SLATarget.allCases.filter { !record.runningTargets.contains($0) }.flatMap { target in
            SLAStage.allCases.map { SLATimer.key(dispatchID: record.dispatchID, target: target, stage: $0) }
        }
    }

    static func status(of kind: DispatchEventKind) -> DispatchStatus {
        switch kind {
        case .created: .created
        case .assigned: .assigned
        case .acknowledged: .acknowledged
        case .resolved: .resolved
        case .cancelled: .cancelled
        }
    }

    static func rank(_ status: DispatchStatus) -> Int {
        switch status {
        case .created: 0
        case .assigned: 1
        case .acknowledged: 2
        case .resolved: 3
        case .cancelled: 4
        }
    }
}
