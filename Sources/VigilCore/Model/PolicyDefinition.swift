/// The five policy types of seed 001.
public enum PolicyType: String, Sendable, Codable, CaseIterable {
    case positionLimit = "POSITION_LIMIT"
    case sectorLimit = "SECTOR_LIMIT"
    case riskLimit = "RISK_LIMIT"
    case regulatory = "REGULATORY"
    case investmentMandate = "INVESTMENT_MANDATE"
}

/// Whether a violated policy blocks the decision (`strict`) or is only recorded (`advisory`).
public enum EnforcementLevel: String, Sendable, Codable {
    case strict
    case advisory
}

/// A policy as stored in `portfolio_policies` (seed 001's PolicyDefinition, plus `enabled`).
public struct PolicyDefinition: Sendable, Codable, Equatable {
    /// Unique name, at most 100 characters.
    public var policyName: String
    /// The policy type, which decides how `rules` is read.
    public var policyType: PolicyType
    /// Type-specific rules (the `policy_rules` JSON column).
    public var rules: JSONValue
    /// strict or advisory.
    public var enforcementLevel: EnforcementLevel
    /// Disabled policies are stored but not evaluated.
    public var enabled: Bool
    /// Portfolios the policy applies to; nil or empty means every portfolio.
    public var portfolioIDs: [String]?

    /// Creates a definition.
    public init(policyName: String, policyType: PolicyType, rules: JSONValue,
                enforcementLevel: EnforcementLevel = .strict, enabled: Bool = true, portfolioIDs: [String]? = nil) {
        self.policyName = policyName
        self.policyType = policyType
        self.rules = rules
        self.enforcementLevel = enforcementLevel
        self.enabled = enabled
        self.portfolioIDs = portfolioIDs
    }

    enum CodingKeys: String, CodingKey {
        case rules, enabled
        case policyName = "policy_name"
        case policyType = "policy_type"
        case enforcementLevel = "enforcement_level"
        case portfolioIDs = "portfolio_ids"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        policyName = try container.decode(String.self, forKey: .policyName)
        policyType = try container.decode(PolicyType.self, forKey: .policyType)
        rules = try container.decode(JSONValue.self, forKey: .rules)
        enforcementLevel = try container.decodeIfPresent(EnforcementLevel.self, forKey: .enforcementLevel) ?? .strict
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        portfolioIDs = try container.decodeIfPresent([String].self, forKey: .portfolioIDs)
    }
}
