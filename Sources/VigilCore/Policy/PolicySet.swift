/// A policy compiled for evaluation: its definition and its typed rule.
public struct CompiledPolicy: Sendable {
    /// The stored definition.
    public let definition: PolicyDefinition
    let rule: any PolicyRule
    private let scope: Set<String>?

    /// Compiles a definition, or throws an error naming the bad key.
    public init(_ definition: PolicyDefinition) throws(PolicyError) {
        let name = definition.policyName
        guard !name.isEmpty, name.count <= 100 else {
            throw PolicyError(policyName: String(name.prefix(100)), field: "policy_name", "must be 1 to 100 characters")
        }
        // Empty entries (`ARRAY['P1', NULL]` written by SQL reads as ["P1", ""]) name no portfolio and
        // are left out; a scope of nothing but empty entries would apply the policy to no portfolio
        // at all, silently, so that row is refused.
        if let scope = definition.portfolioIDs, !scope.isEmpty, scope.allSatisfy(\.isEmpty) {
            throw PolicyError(policyName: name, field: "portfolio_ids", "holds only empty or NULL entries; use NULL or {} for every portfolio")
        }
        self.definition = definition
        switch definition.policyType {
        case .positionLimit:
            rule = try PositionLimitRule(policyName: name, rules: definition.rules)
        case .sectorLimit:
            rule = try SectorLimitRule(policyName: name, rules: definition.rules)
        case .riskLimit:
            rule = try RiskLimitRule(policyName: name, rules: definition.rules)
        case .regulatory:
            rule = try RegulatoryRule(policyName: name, rules: definition.rules)
        case .investmentMandate:
            rule = try InvestmentMandateRule(policyName: name, rules: definition.rules)
        }
        scope = definition.portfolioIDs.flatMap { $0.isEmpty ? nil : Set($0.filter { !$0.isEmpty }) }
    }

    /// Limits of this policy that need shared window state.
    public var windowLimits: [WindowLimit] { rule.windowLimits }

    /// Whether the policy is enabled and covers the portfolio.
    public func applies(to portfolioID: String) -> Bool {
        definition.enabled && (scope?.contains(portfolioID) ?? true)
    }

    var header: PolicyHeader {
        PolicyHeader(name: definition.policyName, advisory: definition.enforcementLevel == .advisory)
    }
}

/// An immutable set of compiled policies; a reload builds a new set and swaps it in whole.
public struct PolicySet: Sendable {
    /// Policies in name order, so evaluation order and `policies_checked` are stable.
    public let policies: [CompiledPolicy]
    /// Definitions that failed to compile, with why; they are not evaluated.
    public let rejected: [PolicyError]

    /// Compiles every definition; invalid ones are listed in ``rejected`` and left out whole.
    public init(definitions: [PolicyDefinition]) {
        var policies: [CompiledPolicy] = []
        var rejected: [PolicyError] = []
        for definition in definitions {
            do {
                policies.append(try CompiledPolicy(definition))
            } catch {
                rejected.append(error)
            }
        }
        self.policies = policies.sorted { $0.definition.policyName < $1.definition.policyName }
        self.rejected = rejected
    }

    /// The same policies with more rejections listed (e.g. rows that could not even be read).
    public func adding(rejections more: [PolicyError]) -> PolicySet {
        PolicySet(policies: policies, rejected: rejected + more)
    }

    private init(policies: [CompiledPolicy], rejected: [PolicyError]) {
        self.policies = policies
        self.rejected = rejected
    }

    /// The empty set.
    public static let empty = PolicySet(definitions: [])

    /// Policies that apply to a portfolio, restricted to `names` when that is non-empty.
    public func applicable(to portfolioID: String, names: [String]?) -> [CompiledPolicy] {
        guard let names, !names.isEmpty else { return policies.filter { $0.applies(to: portfolioID) } }
        let wanted = Set(names)
        return policies.filter { wanted.contains($0.definition.policyName) && $0.applies(to: portfolioID) }
    }
}
