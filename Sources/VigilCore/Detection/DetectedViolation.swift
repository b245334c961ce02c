public import Foundation

/// Where a violation was found (the `<domain>` of `vigil.events.violation.<domain>.<severity>`).
public enum ViolationDomain: String, Sendable, Codable, CaseIterable {
    /// Decision validation against portfolio policies.
    case policy
    /// Point-in-time checks of feature-store writes.
    case pit
    /// Dispatch SLA warnings and breaches.
    case sla
    /// Reported by another system on `vigil.report.violations`.
    case reported
    /// Governance gate checks.
    case gate
    /// Vigil's own processing.
    case processing
}

/// A violation found by a detector (PIT, SLA, reported, …), before the automated response: the unit
/// that sliding windows count, breakers trip on, and incidents collect. Its id is deterministic for
/// the fact it reports, so a redelivered input counts once.
public struct DetectedViolation: Sendable, Codable, Equatable {
    /// Deterministic id (a version-5 UUID of the input and the check).
    public var id: String
    /// Where it was found.
    public var domain: ViolationDomain
    /// What was violated, e.g. `FUTURE_LEAKAGE`.
    public var violationType: String
    /// How serious it is.
    public var severity: Severity
    /// A sentence naming the numbers involved.
    public var description: String
    /// The service that produced the offending input, when known.
    public var serviceName: String?
    /// The feature concerned, when one is.
    public var featureName: String?
    /// The entity of a feature write, when one is.
    public var entityID: String?
    /// The portfolio concerned, when one is.
    public var portfolioID: String?
    /// The strategy concerned, when one is.
    public var strategy: String?
    /// When the offending fact happened (e.g. the write's arrival), for MTTD; nil when unknown.
    public var occurredAt: Date?
    /// When Vigil detected it.
    public var detectedAt: Date
    /// Free-form details (timestamps compared, thresholds, …).
    public var details: [String: JSONValue]

    /// Creates a violation.
    public init(id: String, domain: ViolationDomain, violationType: String, severity: Severity, description: String,
                serviceName: String? = nil, featureName: String? = nil, entityID: String? = nil, portfolioID: String? = nil,
                strategy: String? = nil, occurredAt: Date? = nil, detectedAt: Date, details: [String: JSONValue] = [:]) {
        self.id = id
        self.domain = domain
        self.violationType = violationType
        self.severity = severity
        self.description = description
        self.serviceName = serviceName
        self.featureName = featureName
        self.entityID = entityID
        self.portfolioID = portfolioID
        self.strategy = strategy
        self.occurredAt = occurredAt
        self.detectedAt = detectedAt
        self.details = details
    }

    /// The breaker scopes the violation counts in: always `global`, plus `service:<name>`,
    /// `portfolio:<id>` and `strategy:<name>` when it names them.
    public var scopes: [String] {
        var scopes = ["global"]
        if let serviceName { scopes.append("service:\(serviceName)") }
        if let portfolioID { scopes.append("portfolio:\(portfolioID)") }
        if let strategy { scopes.append("strategy:\(strategy)") }
        return scopes
    }

    enum CodingKeys: String, CodingKey {
        case id, domain, severity, description, details, strategy
        case violationType = "violation_type"
        case serviceName = "service_name"
        case featureName = "feature_name"
        case entityID = "entity_id"
        case portfolioID = "portfolio_id"
        case occurredAt = "occurred_at"
        case detectedAt = "detected_at"
    }
}

/// Something that should become (or update) an operator alert: raised by PIT violations, breaker
/// trips and SLA warnings/breaches, deduplicated by `dedupKey` so a repeated condition updates one
/// alert instead of opening many.
public struct AlertSignal: Sendable, Codable, Equatable {
    /// Alerts with the same key are the same alert.
    public var dedupKey: String
    /// How serious it is.
    public var severity: Severity
    /// What raised it: `pit`, `breaker`, `quarantine`, `sla`, `trend`, …
    public var source: String
    /// One line for a pager.
    public var title: String
    /// What happened, with the numbers.
    public var description: String
    /// Matchable fields (suppressions match on these): e.g. `feature`, `scope`, `region`.
    public var labels: [String: String]
    /// When the condition was seen.
    public var at: Date

    /// Creates a signal.
    public init(dedupKey: String, severity: Severity, source: String, title: String, description: String,
                labels: [String: String] = [:], at: Date) {
        self.dedupKey = dedupKey
        self.severity = severity
        self.source = source
        self.title = title
        self.description = description
        self.labels = labels
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case severity, source, title, description, labels, at
        case dedupKey = "dedup_key"
    }
}
