import Foundation

/// One decision between the phases of validation: the gate's violations (breakers, quarantine) and
/// the stateless rules' verdict are known; the windowed limits are checked next, for the whole
/// batch at once, and only when nothing strict is violated so far.
struct StatefulVerdict {
    let decision: TradingDecision
    let gate: [PolicyViolation]
    let rules: PolicyEvaluator.Verdict
    let windowLimits: [WindowLimit]
    let advisory: Set<String>

    init(decision: TradingDecision, snapshot: EnforcementSnapshot, rules: PolicyEvaluator.Verdict,
         policies: [CompiledPolicy], windowLimits: (CompiledPolicy) -> [WindowLimit]) {
        self.decision = decision
        self.gate = EnforcementGate.violations(for: decision, in: snapshot)
        self.rules = rules
        self.windowLimits = policies.flatMap(windowLimits)
        self.advisory = Set(policies.filter { $0.definition.enforcementLevel == .advisory }.map(\.definition.policyName))
    }

    /// The window check to run, or nil when there is none or the decision is already rejected.
    func windowCheck(at time: Date) -> WindowCheck? {
        guard !windowLimits.isEmpty, gate.isEmpty, rules.response.isCompliant else { return nil }
        return WindowCheck(decisionID: decision.decisionID, portfolioID: decision.portfolioID, at: time,
                           orders: decision.orders, limits: windowLimits, advisoryPolicies: advisory)
    }

    /// The final verdict: gate, rule and window violations; `policies_checked` starts with the two
    /// gate checks; the score is ``ComplianceScore`` over every check, a violated breaker scope
    /// counting once for `circuit_breaker`.
    func finish(with breaches: [WindowBreach]) -> PolicyEvaluator.Verdict {
        let windows = WindowViolations.describe(breaches, decision: decision, advisory: advisory)
        let violations = gate + rules.response.violations + windows.violations
        let checked = [EnforcementGate.breakerCheck, EnforcementGate.quarantineCheck] + rules.policiesChecked
        var worst: [String: Double] = [:]
        for violation in violations {
            let check = violation.policyName.hasPrefix(EnforcementGate.breakerCheck + ":") ? EnforcementGate.breakerCheck : violation.policyName
            worst[check] = max(worst[check] ?? 0, ComplianceScore.weight(of: violation.severity))
        }
        let response = PolicyValidationResponse(
            decisionID: decision.decisionID, isCompliant: !violations.contains { !$0.advisory }, violations: violations,
            complianceScore: ComplianceScore.score(penalty: worst.values.reduce(0, +), policiesChecked: checked.count),
            recommendations: gate.map(EnforcementGate.recommendation) + rules.response.recommendations + windows.recommendations)
        return PolicyEvaluator.Verdict(response: response, policiesChecked: checked,
                                       decisionScale: min(rules.decisionScale, windows.scale))
    }
}
