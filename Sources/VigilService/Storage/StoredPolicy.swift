public import Foundation
public import VigilCore

/// A `portfolio_policies` row as operators see it (REST and `vigil policies list`): seed 001's
/// PolicyDefinition fields, the extension columns, and — for a row that does not compile — why
/// it is not enforced.
public struct StoredPolicy: Sendable, Encodable, Equatable {
    /// Unique name.
    public var policyName: String
    /// The stored type text (one of ``PolicyType``; kept as text so unreadable rows still list).
    public var policyType: String
    /// The `policy_rules` JSON.
    public var rules: JSONValue
    /// `strict` or `advisory`.
    public var enforcementLevel: String
    /// Whether the policy is evaluated.
    public var enabled: Bool
    /// Portfolios in scope; nil means every portfolio.
    public var portfolioIDs: [String]?
    /// Free text for operators.
    public var description: String?
    /// When the row was created.
    public var createdAt: Date
    /// When the row last changed.
    public var updatedAt: Date
    /// Why the row is rejected (not enforced), nil when it compiles.
    public var error: PolicyError?

    enum CodingKeys: String, CodingKey {
        case rules, enabled, description, error
        case policyName = "policy_name"
        case policyType = "policy_type"
        case enforcementLevel = "enforcement_level"
        case portfolioIDs = "portfolio_ids"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    private struct ErrorBody: Encodable {
        var field: String?
        var message: String
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(policyName, forKey: .policyName)
        try container.encode(policyType, forKey: .policyType)
        try container.encode(rules, forKey: .rules)
        try container.encode(enforcementLevel, forKey: .enforcementLevel)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(portfolioIDs, forKey: .portfolioIDs)
        try container.encode(description, forKey: .description)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(error.map { ErrorBody(field: $0.field.isEmpty ? nil : $0.field, message: $0.description) }, forKey: .error)
    }

    /// The scope as one short word for tables: `all` or the portfolio ids.
    public var scopeSummary: String {
        guard let portfolioIDs, !portfolioIDs.isEmpty else { return "all" }
        return portfolioIDs.joined(separator: ",")
    }
}
