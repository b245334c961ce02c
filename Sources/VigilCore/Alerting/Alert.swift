public import Foundation

/// Where an alert is in its lifecycle. `escalated` is an open alert past its first level.
public enum AlertStatus: String, Sendable, Codable, CaseIterable {
    /// Raised and delivered to the first level; nobody has acknowledged it.
    case open
    /// Still unacknowledged after at least one level's timeout: delivered further up the chain.
    case escalated
    /// Someone took it; escalation stopped.
    case acknowledged
    /// Closed. A later signal with the same dedup key opens a new alert.
    case resolved
    /// Matched a suppression window: recorded and published, never delivered.
    case suppressed

    /// True while the alert can still change (every status but `resolved`).
    public var isActive: Bool { self != .resolved }
}

/// An operator alert: one per condition (dedup key) until resolved.
public struct Alert: Sendable, Codable, Equatable {
    /// Deterministic id: version-5 UUID of the dedup key and the time it opened.
    public var id: String
    /// Signals with this key update this alert.
    public var dedupKey: String
    /// Highest severity seen.
    public var severity: Severity
    /// What raised it (`pit`, `breaker`, `sla`, …).
    public var source: String
    /// One line for a pager (from the latest signal).
    public var title: String
    /// What happened (from the latest signal).
    public var description: String
    /// Matchable fields of the latest signal.
    public var labels: [String: String]
    /// Lifecycle status.
    public var status: AlertStatus
    /// Escalation policy in force.
    public var policyName: String
    /// Current escalation level, 1-based (1 = the first level); 0 while suppressed before delivery.
    public var level: Int
    /// Times the last level was re-notified (policy `repeats`).
    public var repeatsSent: Int
    /// How many signals the alert collected.
    public var count: Int
    /// First signal time.
    public var firstSeen: Date
    /// Latest signal time.
    public var lastSeen: Date
    /// When the next escalation (or suppression re-check) is due; nil when none is.
    public var nextEscalationAt: Date?
    /// The suppression window that holds it, while suppressed.
    public var suppressionID: String?
    /// Who acknowledged it, and when.
    public var acknowledgedBy: String?
    /// When it was acknowledged.
    public var acknowledgedAt: Date?
    /// Who resolved it.
    public var resolvedBy: String?
    /// When it was resolved.
    public var resolvedAt: Date?
    /// Number of transitions so far; makes transition and event ids deterministic.
    public var version: Int

    /// Creates an alert (stores use this to read one back).
    public init(id: String, dedupKey: String, severity: Severity, source: String, title: String, description: String,
                labels: [String: String], status: AlertStatus, policyName: String, level: Int, repeatsSent: Int, count: Int,
                firstSeen: Date, lastSeen: Date, nextEscalationAt: Date? = nil, suppressionID: String? = nil,
                acknowledgedBy: String? = nil, acknowledgedAt: Date? = nil, resolvedBy: String? = nil,
                resolvedAt: Date? = nil, version: Int) {
        self.id = id
        self.dedupKey = dedupKey
        self.severity = severity
        self.source = source
        self.title = title
        self.description = description
        self.labels = labels
        self.status = status
        self.policyName = policyName
        self.level = level
        self.repeatsSent = repeatsSent
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.nextEscalationAt = nextEscalationAt
        self.suppressionID = suppressionID
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
        self.version = version
    }

    enum CodingKeys: String, CodingKey {
        case id, severity, source, title, description, labels, status, level, count, version
        case dedupKey = "dedup_key"
        case policyName = "policy_name"
        case repeatsSent = "repeats_sent"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case nextEscalationAt = "next_escalation_at"
        case suppressionID = "suppression_id"
        case acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at"
        case resolvedBy = "resolved_by"
        case resolvedAt = "resolved_at"
    }

    /// The fields suppression matchers see: the labels plus `severity`, `source`, `dedup_key`
    /// and `title` (a label of the same name is shadowed by the field).
    public var matchableFields: [String: String] {
        var fields = labels
        fields["severity"] = severity.rawValue
        fields["source"] = source
        fields["dedup_key"] = dedupKey
        fields["title"] = title
        return fields
    }
}

/// One line of the audit trail: who moved an alert from what to what, when, and why.
public struct AlertTransition: Sendable, Codable, Equatable {
    /// Deterministic id: version-5 UUID of the alert id and its version after the move.
    public var id: String
    /// The alert.
    public var alertID: String
    /// Status before; nil when the alert was created by this transition.
    public var from: AlertStatus?
    /// Status after.
    public var to: AlertStatus
    /// `system` for automatic moves, otherwise the user.
    public var actor: String
    /// When.
    public var at: Date
    /// Free text (a user's note, or why the system moved it).
    public var note: String
    /// Escalation level after the move.
    public var level: Int

    /// Creates an audit line.
    public init(id: String, alertID: String, from: AlertStatus?, to: AlertStatus, actor: String, at: Date, note: String, level: Int) {
        self.id = id
        self.alertID = alertID
        self.from = from
        self.to = to
        self.actor = actor
        self.at = at
        self.note = note
        self.level = level
    }

    enum CodingKeys: String, CodingKey {
        case id, from, to, actor, at, note, level
        case alertID = "alert_id"
    }
}
