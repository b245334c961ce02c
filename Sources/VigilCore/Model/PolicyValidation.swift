/// A violated policy (seed 001's PolicyViolation).
public struct PolicyViolation: Sendable, Codable, Equatable {
    /// The violated policy.
    public var policyName: String
    /// What was violated, e.g. `MAX_POSITION_WEIGHT`.
    public var violationType: String
    /// How serious it is.
    public var severity: Severity
    /// A sentence naming the numbers involved.
    public var description: String
    /// What would make the decision compliant, e.g. the largest compliant quantity.
    public var suggestedAdjustment: JSONValue?
    /// Whether the policy was advisory (recorded; does not block). Extension to seed 001.
    public var advisory: Bool

    /// Creates a violation.
    public init(policyName: String, violationType: String, severity: Severity, description: String,
                suggestedAdjustment: JSONValue? = nil, advisory: Bool = false) {
        self.policyName = policyName
        self.violationType = violationType
        self.severity = severity
        self.description = description
        self.suggestedAdjustment = suggestedAdjustment
        self.advisory = advisory
    }

    enum CodingKeys: String, CodingKey {
        case severity, description, advisory
        case policyName = "policy_name"
        case violationType = "violation_type"
        case suggestedAdjustment = "suggested_adjustment"
    }
}

/// A decision to validate, with optional portfolio state and policy filter (seed 001).
public struct PolicyValidationRequest: Sendable, Codable, Equatable {
    /// The decision.
    public var decision: TradingDecision
    /// Portfolio state; when absent, the latest snapshot kept by Vigil is used.
    public var portfolioState: PortfolioState?
    /// Only these policies are checked when given (and non-empty).
    public var applicablePolicies: [String]?

    /// Creates a request.
    public init(decision: TradingDecision, portfolioState: PortfolioState? = nil, applicablePolicies: [String]? = nil) {
        self.decision = decision
        self.portfolioState = portfolioState
        self.applicablePolicies = applicablePolicies
    }

    enum CodingKeys: String, CodingKey {
        case decision
        case portfolioState = "portfolio_state"
        case applicablePolicies = "applicable_policies"
    }
}

/// The verdict on a decision (seed 001's PolicyValidationResponse).
public struct PolicyValidationResponse: Sendable, Codable, Equatable {
    /// The decision's id.
    public var decisionID: String
    /// False when any strict policy is violated.
    public var isCompliant: Bool
    /// Every violation, strict and advisory.
    public var violations: [PolicyViolation]
    /// 1.0 when nothing is violated; see docs/policies.md for the formula.
    public var complianceScore: Double
    /// Human-readable advice derived from the violations.
    public var recommendations: [String]

    /// Creates a response.
    public init(decisionID: String, isCompliant: Bool, violations: [PolicyViolation],
                complianceScore: Double, recommendations: [String]) {
        self.decisionID = decisionID
        self.isCompliant = isCompliant
        self.violations = violations
        self.complianceScore = complianceScore
        self.recommendations = recommendations
    }

    enum CodingKeys: String, CodingKey {
        case violations, recommendations
        case decisionID = "decision_id"
        case isCompliant = "is_compliant"
        case complianceScore = "compliance_score"
    }
}

/// The `data` of a `policy_validation_completed` event (seed 001's PolicyValidationData, plus `portfolio_id`).
public struct PolicyValidationData: Sendable, Codable, Equatable {
    /// The decision's id.
    public var decisionID: String
    /// The decision's portfolio (extension to seed 001, so consumers need not look it up).
    public var portfolioID: String
    /// False when any strict policy is violated.
    public var isCompliant: Bool
    /// As in the response.
    public var complianceScore: Double
    /// Names of the violated policies.
    public var violations: [String]
    /// Names of every policy evaluated.
    public var policiesChecked: [String]

    /// Creates the event data.
    public init(decisionID: String, portfolioID: String, isCompliant: Bool, complianceScore: Double,
                violations: [String], policiesChecked: [String]) {
        self.decisionID = decisionID
        self.portfolioID = portfolioID
        self.isCompliant = isCompliant
        self.complianceScore = complianceScore
        self.violations = violations
        self.policiesChecked = policiesChecked
    }

    enum CodingKeys: String, CodingKey {
        case violations
        case decisionID = "decision_id"
        case portfolioID = "portfolio_id"
        case isCompliant = "is_compliant"
        case complianceScore = "compliance_score"
        case policiesChecked = "policies_checked"
    }
}
