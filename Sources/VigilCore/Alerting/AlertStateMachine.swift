public import Foundation

/// What a lifecycle step decided: the alert as it now is, the audit lines to record, and the
/// deliveries to make. The caller persists, publishes and schedules the next timer
/// (`alert.nextEscalationAt`, or none).
public struct AlertChange: Sendable, Equatable {
    /// The alert after the step.
    public var alert: Alert
    /// Status moves, oldest first (empty for a dedup update).
    public var transitions: [AlertTransition]
    /// Deliveries; never any for a suppressed alert.
    public var notifications: [AlertNotification]
}

/// The alert lifecycle as a pure function of (alert, event, policy, suppressions, time): open →
/// escalated → acknowledged → resolved, and suppressed. No I/O and no clock of its own, so the
/// simulator can replay it.
public struct AlertStateMachine: Sendable {
    /// Creates the machine.
    public init() {}

    /// A signal arrived. With an active alert for its key, updates it (count, last seen, highest
    /// severity); a signal not newer than `lastSeen` is a redelivery and only raises severity.
    /// Otherwise opens a new alert, suppressed when an active window matches it.
    public func raise(_ signal: AlertSignal, existing: Alert?, policy: EscalationPolicy,
                      suppressions: [Suppression], now: Date) -> AlertChange {
        if var alert = existing, alert.status.isActive {
            alert.severity = max(alert.severity, signal.severity)
            if signal.at > alert.lastSeen {
                alert.count += 1
                alert.lastSeen = signal.at
                alert.title = signal.title
                alert.description = signal.description
                alert.labels = signal.labels
            }
            return AlertChange(alert: alert, transitions: [], notifications: [])
        }
        var alert = Alert(
            id: Self.alertID(dedupKey: signal.dedupKey, openedAt: signal.at), dedupKey: signal.dedupKey,
            severity: signal.severity, source: signal.source, title: signal.title, description: signal.description,
            labels: signal.labels, status: .open, policyName: policy.name, level: 0, repeatsSent: 0, count: 1,
            firstSeen: signal.at, lastSeen: signal.at, version: 0)
        var change = AlertChange(alert: alert, transitions: [], notifications: [])
        if let window = Self.suppressing(alert, suppressions, now: now) {
            alert.status = .suppressed
            alert.suppressionID = window.id
            alert.nextEscalationAt = Self.millis(Self.suppressedUntil(alert, suppressions, now: now))
            change.alert = alert
            record(&change, from: nil, actor: "system", now: now, note: "suppressed by \(window.id)")
            return change
        }
        deliverFirstLevel(&change, policy: policy, from: nil, now: now, note: "opened")
        return change
    }

    /// The timer due at `deadline` fired. Escalates one level (or repeats the last), opens an
    /// alert whose suppression ended, or suppresses one a window now matches. Nil when the timer
    /// is stale (the alert moved on, or its deadline changed) or not yet due.
    public func timerFired(_ alert: Alert, deadline: Date, policy: EscalationPolicy,
                           suppressions: [Suppression], now: Date) -> AlertChange? {
        guard [.open, .escalated, .suppressed].contains(alert.status), let due = alert.nextEscalationAt,
              Self.ms(due) == Self.ms(deadline), now >= due else { return nil }
        var change = AlertChange(alert: alert, transitions: [], notifications: [])
        if let window = Self.suppressing(alert, suppressions, now: now) {
            change.alert.nextEscalationAt = Self.millis(Self.suppressedUntil(alert, suppressions, now: now))
            change.alert.suppressionID = window.id
            if alert.status != .suppressed {
                change.alert.status = .suppressed
                record(&change, from: alert.status, actor: "system", now: now, note: "suppressed by \(window.id)")
            }
            return change
        }
        if alert.status == .suppressed {
            change.alert.suppressionID = nil
            deliverFirstLevel(&change, policy: policy, from: .suppressed, now: now,
                              note: "suppression \(alert.suppressionID ?? "?") no longer applies")
            return change
        }
        let levels = policy.levels
        if alert.level < levels.count {
            let passed = levels[max(alert.level - 1, 0)]
            change.alert.level = alert.level + 1
            change.alert.status = .escalated
            let level = levels[change.alert.level - 1]
            let more = change.alert.level < levels.count || policy.repeats > 0
            change.alert.nextEscalationAt = more ? Self.millis(due.addingTimeInterval(level.timeoutSeconds)) : nil
            change.notifications.append(AlertNotification(kind: .escalated, alert: change.alert, level: level, isRepeat: false))
            record(&change, from: alert.status, actor: "system", now: now,
                   note: "not acknowledged within \(Format.number(passed.timeoutSeconds)) s at \(passed.name); escalated to \(level.name)")
        } else if alert.repeatsSent < policy.repeats, let level = levels.last {
            change.alert.repeatsSent += 1
            let more = change.alert.repeatsSent < policy.repeats
            change.alert.nextEscalationAt = more ? Self.millis(due.addingTimeInterval(level.timeoutSeconds)) : nil
            change.notifications.append(AlertNotification(kind: .escalated, alert: change.alert, level: level, isRepeat: true))
            record(&change, from: alert.status, actor: "system", now: now,
                   note: "repeat \(change.alert.repeatsSent) of \(policy.repeats) to \(level.name)")
        } else {
            change.alert.nextEscalationAt = nil
        }
        return change
    }

    /// Someone acknowledged the alert: escalation stops. Refused for acknowledged or resolved alerts.
    public func acknowledge(_ alert: Alert, by user: String, note: String, now: Date) throws(AlertingError) -> AlertChange {
        guard !user.isEmpty else { throw AlertingError(field: "user", "must not be empty") }
        guard [.open, .escalated, .suppressed].contains(alert.status) else {
            throw AlertingError(field: "status", "alert \(alert.id) is \(alert.status.rawValue); only open, escalated or suppressed alerts can be acknowledged")
        }
        var change = AlertChange(alert: alert, transitions: [], notifications: [])
        change.alert.status = .acknowledged
        change.alert.acknowledgedBy = user
        change.alert.acknowledgedAt = now
        change.alert.nextEscalationAt = nil
        if alert.level > 0 { change.notifications.append(AlertNotification(kind: .acknowledged, alert: change.alert, level: nil, isRepeat: false)) }
        record(&change, from: alert.status, actor: user, now: now, note: note)
        return change
    }

    /// Someone resolved the alert: it closes; a later signal with its key opens a new one.
    public func resolve(_ alert: Alert, by user: String, note: String, now: Date) throws(AlertingError) -> AlertChange {
        guard !user.isEmpty else { throw AlertingError(field: "user", "must not be empty") }
        guard alert.status.isActive else { throw AlertingError(field: "status", "alert \(alert.id) is already resolved") }
        var change = AlertChange(alert: alert, transitions: [], notifications: [])
        change.alert.status = .resolved
        change.alert.resolvedBy = user
        change.alert.resolvedAt = now
        change.alert.nextEscalationAt = nil
        if alert.level > 0 { change.notifications.append(AlertNotification(kind: .resolved, alert: change.alert, level: nil, isRepeat: false)) }
        record(&change, from: alert.status, actor: user, now: now, note: note)
        return change
    }

    private func deliverFirstLevel(_ change: inout AlertChange, policy: EscalationPolicy, from: AlertStatus?, now: Date, note: String) {
        let first = policy.levels.first ?? EscalationPolicy.standard.levels[0]
        change.alert.status = .open
        change.alert.level = 1
        change.alert.repeatsSent = 0
        let more = policy.levels.count > 1 || policy.repeats > 0
        change.alert.nextEscalationAt = more ? Self.millis(now.addingTimeInterval(first.timeoutSeconds)) : nil
        change.notifications.append(AlertNotification(kind: .opened, alert: change.alert, level: first, isRepeat: false))
        record(&change, from: from, actor: "system", now: now, note: note)
    }

    private func record(_ change: inout AlertChange, from: AlertStatus?, actor: String, now: Date, note: String) {
        change.alert.version += 1
        let id = DeterministicID.uuid("alert-transition", change.alert.id, String(change.alert.version)).uuidString.lowercased()
        change.transitions.append(AlertTransition(id: id, alertID: change.alert.id, from: from, to: change.alert.status,
                                                  actor: actor, at: now, note: note, level: change.alert.level))
        for index in change.notifications.indices { change.notifications[index].alert = change.alert }
    }

    /// The alert id for a key opened at a time.
    public static func alertID(dedupKey: String, openedAt: Date) -> String {
        DeterministicID.uuid("alert", dedupKey, String(ms(openedAt))).uuidString.lowercased()
    }

    static func suppressing(_ alert: Alert, _ windows: [Suppression], now: Date) -> Suppression? {
        windows.sorted { $0.id < $1.id }.first { $0.suppresses(alert, at: now) }
    }

    /// The latest end among matching windows: when the alert must be looked at again.
    static func suppressedUntil(_ alert: Alert, _ windows: [Suppression], now: Date) -> Date {
        windows.filter { $0.suppresses(alert, at: now) }.map(\.endsAt).max() ?? now
    }

    /// Whole milliseconds since 1970, the precision timers keep.
    public static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func millis(_ date: Date) -> Date { Date(timeIntervalSince1970: Double(ms(date)) / 1000) }
}
