public import Foundation

/// A suppression window (Alertmanager's silence): alerts matching every matcher between
/// `startsAt` (inclusive) and `endsAt` (exclusive) are recorded and published as suppressed, and
/// never delivered.
public struct Suppression: Sendable, Codable, Equatable {
    /// Id (a UUID).
    public var id: String
    /// All must match.
    public var matchers: [AlertMatcher]
    /// First instant it applies.
    public var startsAt: Date
    /// First instant it no longer applies (expiring a window sets this to now).
    public var endsAt: Date
    /// Who made it.
    public var createdBy: String
    /// Why.
    public var comment: String
    /// When it was made.
    public var createdAt: Date

    /// Creates a window; see ``validate()``.
    public init(id: String, matchers: [AlertMatcher], startsAt: Date, endsAt: Date, createdBy: String,
                comment: String, createdAt: Date) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
        self.createdAt = createdAt
    }

    /// Throws an ``AlertingError`` naming the field when the window cannot be used.
    public func validate() throws(AlertingError) {
        guard !matchers.isEmpty else { throw AlertingError(field: "matchers", "needs at least one matcher") }
        guard endsAt > startsAt else { throw AlertingError(field: "ends_at", "must be after starts_at") }
        guard !createdBy.isEmpty else { throw AlertingError(field: "created_by", "must not be empty") }
    }

    /// Whether it applies at `now`: `startsAt <= now < endsAt`.
    public func isActive(at now: Date) -> Bool { startsAt <= now && now < endsAt }

    /// Whether it applies to `alert` at `now`.
    public func suppresses(_ alert: Alert, at now: Date) -> Bool {
        guard isActive(at: now) else { return false }
        let fields = alert.matchableFields
        return matchers.allSatisfy { $0.matches(fields) }
    }

    /// `pending`, `active` or `expired` at `now`.
    public func state(at now: Date) -> String {
        now < startsAt ? "pending" : (now < endsAt ? "active" : "expired")
    }

    enum CodingKeys: String, CodingKey {
        case id, matchers, comment
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case createdBy = "created_by"
        case createdAt = "created_at"
    }
}
