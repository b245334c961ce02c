import Foundation

/// One rung of an escalation chain (seed 002's matrix: L1 Operator → … → L4 Executive).
public struct EscalationLevel: Sendable, Codable, Equatable {
    /// Display name, e.g. `L1 Operator`.
    public var name: String
    /// Who is told at this level (channel-specific addresses; delivery is the notifier's job).
    public var recipients: [String]
    /// Seconds without acknowledgement before the next level (or a repeat) is due.
    public var timeoutSeconds: Double

    /// Creates a level.
    public init(name: String, recipients: [String], timeoutSeconds: Double) {
        self.name = name
        self.recipients = recipients
        self.timeoutSeconds = timeoutSeconds
    }

    enum CodingKeys: String, CodingKey {
        case name, recipients
        case timeoutSeconds = "timeout_seconds"
    }
}

/// A chain of levels an unacknowledged alert climbs, one per level timeout. After the last level
/// times out, the last level is re-notified `repeats` more times, one timeout apart.
public struct EscalationPolicy: Sendable, Codable, Equatable {
    /// Unique name.
    public var name: String
    /// Severities this policy applies to; empty means it is only used by name (or as the default).
    public var severities: [Severity]
    /// The chain, first level first; at least one.
    public var levels: [EscalationLevel]
    /// Extra notifications of the last level after its timeout.
    public var repeats: Int

    /// Creates a policy; see ``validate()``.
    public init(name: String, severities: [Severity] = [], levels: [EscalationLevel], repeats: Int = 0) {
        self.name = name
        self.severities = severities
        self.levels = levels
        self.repeats = repeats
    }

    /// Throws an ``AlertingError`` naming the field when the policy cannot be used.
    public func validate() throws(AlertingError) {
        guard !name.isEmpty, name.count <= 128 else { throw AlertingError(field: "name", "must be 1 to 128 characters") }
        guard !levels.isEmpty else { throw AlertingError(field: "levels", "needs at least one level") }
        for (index, level) in levels.enumerated() {
            guard !level.name.isEmpty else { throw AlertingError(field: "levels[\(index)].name", "must not be empty") }
            guard level.timeoutSeconds.isFinite, level.timeoutSeconds > 0 else {
                throw AlertingError(field: "levels[\(index)].timeout_seconds", "must be a positive number of seconds")
            }
        }
        guard (0...100).contains(repeats) else { throw AlertingError(field: "repeats", "must be between 0 and 100") }
    }

    /// The built-in policy, after seed 002's escalation matrix and its PagerDuty timings: operator
    /// at once, engineering after 5 min, management after 15 more, executives after 30 more.
    public static let standard = EscalationPolicy(
        name: "default",
        levels: [
            EscalationLevel(name: "L1 Operator", recipients: ["operator-on-call"], timeoutSeconds: 300),
            EscalationLevel(name: "L2 Engineering", recipients: ["engineering-team"], timeoutSeconds: 900),
            EscalationLevel(name: "L3 Management", recipients: ["engineering-management"], timeoutSeconds: 1800),
            EscalationLevel(name: "L4 Executive", recipients: ["executives"], timeoutSeconds: 3600),
        ])

    enum CodingKeys: String, CodingKey {
        case name, severities, levels, repeats
    }

    /// Decodes with `severities` and `repeats` optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        severities = try container.decodeIfPresent([Severity].self, forKey: .severities) ?? []
        levels = try container.decode([EscalationLevel].self, forKey: .levels)
        repeats = try container.decodeIfPresent(Int.self, forKey: .repeats) ?? 0
    }

    /// The policy for `severity`: the first (by name) listing it, else the one named `default`,
    /// else ``standard``.
    public static func select(for severity: Severity, from policies: [EscalationPolicy]) -> EscalationPolicy {
        let sorted = policies.sorted { $0.name < $1.name }
        return sorted.first { $0.severities.contains(severity) }
            ?? sorted.first { $0.name == "default" }
            ?? standard
    }
}

/// A refused alerting input (policy, suppression, matcher, transition), naming the field.
public struct AlertingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offending field, e.g. `matchers[1].value`.
    public var field: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    /// `<field>: <message>`.
    public var description: String { "\(field): \(message)" }
}
