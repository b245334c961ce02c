public import Foundation

/// Where alerts, their audit trail, escalation policies and suppression windows live. The
/// PostgreSQL implementation works inside one transaction and locks the alert rows it reads, so
/// several instances never apply two changes to one alert at once.
public protocol AlertStore {
    /// The unresolved alert with `dedupKey`, if any (locked for update).
    func activeAlert(dedupKey: String) throws -> Alert?
    /// The alert with `id`, if any (locked for update).
    func alert(id: String) throws -> Alert?
    /// Inserts or updates `alert` and appends `transitions` to the audit trail.
    func save(_ alert: Alert, transitions: [AlertTransition]) throws
    /// All escalation policies.
    func escalationPolicies() throws -> [EscalationPolicy]
    /// Windows active at `now`.
    func activeSuppressions(at now: Date) throws -> [Suppression]
}

/// A claimed escalation timer: the alert and the deadline it was scheduled for.
public struct DueTimer: Sendable, Equatable, Hashable {
    /// The alert.
    public var alertID: String
    /// The deadline, in whole milliseconds since 1970.
    public var deadlineMillis: Int64

    /// Creates a due timer.
    public init(alertID: String, deadlineMillis: Int64) {
        self.alertID = alertID
        self.deadlineMillis = deadlineMillis
    }

    /// The deadline as a date.
    public var deadline: Date { Date(timeIntervalSince1970: Double(deadlineMillis) / 1000) }
}

/// Escalation deadlines, one per alert, shared by every instance. `claimDue` hands each due timer
/// to one caller and hides it for a lease; `settle` then removes the claimed entry and schedules
/// the alert's next deadline (if any). An unsettled claim (a crash) becomes due again when its
/// lease ends, and the state machine ignores a timer whose deadline the alert no longer has.
public protocol EscalationTimerStore: Sendable {
    /// Sets the alert's deadline (replacing any), or removes it when `deadline` is nil.
    func schedule(alertID: String, at deadline: Date?) throws
    /// Atomically claims up to `limit` timers due at `now`, leasing them for `lease` seconds.
    func claimDue(now: Date, limit: Int, lease: TimeInterval) throws -> [DueTimer]
    /// Drops the claimed entry and sets the alert's next deadline (nil: none).
    func settle(_ timer: DueTimer, next deadline: Date?) throws
}
