/// One policy type's check, compiled from `policy_rules` once at load time.
protocol PolicyRule: Sendable {
    /// Checks a decision; never throws: a rule that cannot judge reports a violation instead.
    func evaluate(_ context: EvaluationContext, policy: PolicyHeader) -> RuleOutcome
    /// Limits that need shared state (checked and recorded by a ``DecisionWindowStore`` after the
    /// stateless rules pass).
    var windowLimits: [WindowLimit] { get }
}

extension PolicyRule {
    var windowLimits: [WindowLimit] { [] }
}

/// What a rule sees of the policy it belongs to.
struct PolicyHeader: Sendable {
    var name: String
    var advisory: Bool
}

/// Everything a rule may look at for one decision.
struct EvaluationContext: Sendable {
    var decision: TradingDecision
    var state: PortfolioState
    var projection: ProjectedPortfolio
}

/// A rule's violations, and the largest uniform scale of the decision's orders it would accept.
struct RuleOutcome: Sendable {
    var violations: [PolicyViolation] = []
    /// Per violation, the offending order and its largest compliant quantity.
    var adjustments: [(order: Int, maxQuantity: Double)] = []
    var scaleBound: Double = 1

    mutating func bound(scale: Double) {
        scaleBound = min(scaleBound, max(0, scale))
    }

    mutating func add(order index: Int, of decision: TradingDecision, policy: PolicyHeader, severity: Severity,
                      type: String, description: String, maxQuantity: Double) {
        let order = decision.orders[index]
        let allowed = Format.floorQuantity(min(order.quantity, max(0, maxQuantity)), like: order.quantity)
        violations.append(PolicyViolation(
            policyName: policy.name, violationType: type, severity: severity, description: description,
            suggestedAdjustment: .object([
                "order_index": .number(Double(index)),
                "symbol": .string(order.symbol),
                "side": .string(order.side.rawValue),
                "requested_quantity": .number(order.quantity),
                "max_compliant_quantity": .number(allowed),
            ]),
            advisory: policy.advisory))
        adjustments.append((index, allowed))
    }
}

/// Whether `value` is above `limit`, ignoring floating-point noise, so that a value exactly at a
/// limit (computed through a different product or quotient) is never reported as over it.
func exceeds(_ value: Double, _ limit: Double) -> Bool {
    value > limit + max(abs(limit), 1) * 1e-12
}
