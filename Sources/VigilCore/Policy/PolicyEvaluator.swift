/// Evaluates a decision against a policy set. Pure and synchronous: no I/O, no clock.
public struct PolicyEvaluator: Sendable {
    /// A verdict together with the names of the policies that were evaluated.
    public struct Verdict: Sendable, Equatable {
        /// The response returned to callers.
        public var response: PolicyValidationResponse
        /// Names of the evaluated policies.
        public var policiesChecked: [String]
        /// The largest uniform scale in [0, 1] of all orders that satisfies every linear limit.
        public var decisionScale: Double
    }

    /// Creates an evaluator.
    public init() {}

    /// Evaluates `decision` with portfolio `state` against `policies`.
    public func evaluate(_ decision: TradingDecision, state: PortfolioState, policies: [CompiledPolicy]) -> Verdict {
        let context = EvaluationContext(decision: decision, state: state,
                                        projection: ProjectedPortfolio(state: state, decision: decision))
        var violations: [PolicyViolation] = []
        var scale = 1.0
        var recommendations: [String] = []
        var weightedPenalty = 0.0
        // Through a buffer pointer, not `for policy in policies` nor `policies[i]`: both copy each
        // CompiledPolicy (an existential and a whole definition, retained and released field by
        // field) for every decision; a pointer's element is borrowed in place.
        policies.withUnsafeBufferPointer { buffer in
            guard let first = buffer.baseAddress else { return }
            for index in buffer.indices {
                let policy = first + index
                let advisory = policy.pointee.definition.enforcementLevel == .advisory
                let outcome = policy.pointee.rule.evaluate(
                    context, policy: PolicyHeader(name: policy.pointee.definition.policyName, advisory: advisory))
                guard !outcome.violations.isEmpty else { continue }
                violations += outcome.violations
                if !advisory { scale = min(scale, outcome.scaleBound) }
                weightedPenalty += outcome.violations.map { ComplianceScore.weight(of: $0.severity) }.max() ?? 0
                for (violation, adjustment) in zip(outcome.violations, outcome.adjustments) {
                    let order = decision.orders[adjustment.order]
                    let action = adjustment.maxQuantity == 0
                        ? "Remove \(order.side.rawValue) \(order.symbol)"
                        : "Reduce \(order.side.rawValue) \(order.symbol) from \(Format.number(order.quantity)) to \(Format.number(adjustment.maxQuantity))"
                    recommendations.append("\(action) to satisfy \(violation.policyName) (\(violation.violationType))")
                }
            }
        }
        if decision.orders.count > 1, scale < 1, violations.contains(where: { !$0.advisory }) {
            recommendations.append("Or scale every order by \(Format.number((scale * 10_000).rounded(.down) / 10_000)) to satisfy every strict limit at once")
        }
        let scaled = (scale * 10_000).rounded(.down) / 10_000
        if !violations.isEmpty {
            for index in violations.indices where !violations[index].advisory {
                if case .object(var members)? = violations[index].suggestedAdjustment {
                    members["decision_scale_factor"] = .number(scaled)
                    violations[index].suggestedAdjustment = .object(members)
                }
            }
        }
        let compliant = !violations.contains { !$0.advisory }
        let response = PolicyValidationResponse(
            decisionID: decision.decisionID, isCompliant: compliant, violations: violations,
            complianceScore: ComplianceScore.score(penalty: weightedPenalty, policiesChecked: policies.count),
            recommendations: recommendations)
        return Verdict(response: response, policiesChecked: policies.map { $0.definition.policyName }, decisionScale: scaled)
    }
}

/// The compliance score: 1 − (Σ over violated policies of the weight of their worst violation) /
/// (number of policies checked), clamped to [0, 1] and rounded to 4 decimals. Weights: CRITICAL 1,
/// HIGH 0.75, MEDIUM 0.5, LOW 0.25. Advisory violations count like strict ones: they lower the
/// score without blocking. With no policy checked the score is 1.
public enum ComplianceScore {
    /// The weight of one violated policy by its worst severity.
    public static func weight(of severity: Severity) -> Double {
        switch severity {
        case .critical: 1
        case .high: 0.75
        case .medium: 0.5
        case .low: 0.25
        }
    }

    /// The score for a total penalty over `policiesChecked` policies.
    public static func score(penalty: Double, policiesChecked: Int) -> Double {
        guard policiesChecked > 0 else { return penalty > 0 ? 0 : 1 }
        let raw = 1 - penalty / Double(policiesChecked)
        return (min(1, max(0, raw)) * 10_000).rounded() / 10_000
    }
}
