public import Foundation

/// A fired SLA warning or breach: the `data` of `vigil.events.sla.<stage>.<region>` and a row of
/// `sla_events`. Its id depends only on (dispatch, target, stage), so a timer fired twice (lease
/// expiry after a crash, or a late event that reports the same breach) is one fact.
public struct SLAFiring: Sendable, Codable, Equatable {
    /// Deterministic id (UUIDv5 of dispatch, target, stage).
    public var id: String
    /// Warning or breach.
    public var stage: SLAStage
    /// Which clock.
    public var target: SLATarget
    /// The dispatch.
    public var dispatchID: String
    /// Severity of the dispatch.
    public var severity: Severity
    /// Region.
    public var region: String
    /// When the clock started.
    public var startedAt: Date
    /// When the clock breaches (or breached).
    public var deadline: Date
    /// When the warning or breach took effect: the timer's due time.
    public var dueAt: Date
    /// When Vigil fired it.
    public var firedAt: Date

    /// Creates the firing of `timer` at `now`.
    public init(timer: SLATimer, firedAt now: Date) {
        id = Self.id(dispatchID: timer.dispatchID, target: timer.target, stage: timer.stage)
        stage = timer.stage
        target = timer.target
        dispatchID = timer.dispatchID
        severity = timer.severity
        region = timer.region
        startedAt = timer.startedAt
        deadline = timer.deadline
        dueAt = timer.due
        firedAt = now
    }

    /// The id of a dispatch's warning or breach.
    public static func id(dispatchID: String, target: SLATarget, stage: SLAStage) -> String {
        DeterministicID.uuid("sla", dispatchID, target.rawValue, stage.rawValue).uuidString.lowercased()
    }

    /// The alert it raises; one alert per dispatch clock, so a breach updates its warning's alert.
    public var alert: AlertSignal {
        let verb = target == .acknowledge ? "acknowledged" : "resolved"
        let title = stage == .warning ? "SLA breach imminent: \(severity.priority) dispatch \(dispatchID.prefix(60)) not \(verb)"
                                      : "SLA breached: \(severity.priority) dispatch \(dispatchID.prefix(60)) not \(verb)"
        let description = "dispatch \(dispatchID.prefix(100)) in \(region.prefix(60)) started \(RFC3339.format(startedAt)), "
            + "must be \(verb) by \(RFC3339.format(deadline))"
        return AlertSignal(dedupKey: "sla:\(target.rawValue):\(dispatchID)", severity: stage == .breach ? severity : min(severity, .high),
                           source: "sla", title: title, description: description,
                           labels: ["region": region, "dispatch_id": dispatchID, "severity": severity.priority,
                                    "target": target.rawValue, "stage": stage.rawValue],
                           at: firedAt)
    }

    /// The violation a breach is (warnings are not violations).
    public var violation: DetectedViolation? {
        guard stage == .breach else { return nil }
        let verb = target == .acknowledge ? "acknowledged" : "resolved"
        return DetectedViolation(
            id: id, domain: .sla, violationType: target == .acknowledge ? "SLA_ACKNOWLEDGE_BREACH" : "SLA_RESOLVE_BREACH",
            severity: severity,
            description: "\(severity.priority) dispatch \(dispatchID.prefix(100)) was not \(verb) within "
                + "\(Int(deadline.timeIntervalSince(startedAt))) s",
            occurredAt: deadline, detectedAt: firedAt,
            details: ["dispatch_id": .string(dispatchID), "region": .string(region), "target": .string(target.rawValue),
                      "started_at": .string(RFC3339.format(startedAt)), "deadline": .string(RFC3339.format(deadline))])
    }

    enum CodingKeys: String, CodingKey {
        case id, stage, target, severity, region, deadline
        case dispatchID = "dispatch_id"
        case startedAt = "started_at"
        case dueAt = "due_at"
        case firedAt = "fired_at"
    }
}
