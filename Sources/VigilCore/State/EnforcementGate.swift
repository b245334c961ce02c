import VigilDigest

/// Phase one of validation: circuit breakers and feature quarantine. Both always apply, are strict
/// and are reported in `policies_checked` as ``breakerCheck`` and ``quarantineCheck``.
public enum EnforcementGate {
    /// The name of the breaker check in `policies_checked`; violations name `circuit_breaker:<scope>`.
    public static let breakerCheck = "circuit_breaker"
    /// The name of the quarantine check in `policies_checked` and of its violations.
    public static let quarantineCheck = "feature_quarantine"

    /// The breaker scopes a decision falls in: `global`, `portfolio:<id>`, and `strategy:<name>`
    /// when the decision names a strategy.
    public static func scopes(of decision: TradingDecision) -> [String] {
        var scopes = ["global", "portfolio:\(decision.portfolioID)"]
        if let strategy = decision.strategy, !strategy.isEmpty { scopes.append("strategy:\(strategy)") }
        return scopes
    }

    /// The decision's stable bucket in 0..<100: the first 8 bytes of SHA-1(decision_id), big-endian,
    /// mod 100. The same decision lands in the same bucket on every instance and every redelivery.
    public static func bucket(of decisionID: String) -> Int {
        let digest = SHA1.hash(Array(decisionID.utf8))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(value % 100)
    }

    /// The CRITICAL violations the enforcement state imposes on a decision (empty when it passes).
    public static func violations(for decision: TradingDecision, in snapshot: EnforcementSnapshot) -> [PolicyViolation] {
        var violations: [PolicyViolation] = []
        for scope in scopes(of: decision) {
            switch snapshot.breakers[scope] {
            case .open(let reason)?:
                violations.append(PolicyViolation(
                    policyName: "\(breakerCheck):\(scope)", violationType: "BREAKER_OPEN", severity: .critical,
                    description: "The circuit breaker of scope \(scope) is open\(reason.isEmpty ? "" : " (\(reason))"); "
                        + "decisions in this scope are rejected until it is reset",
                    suggestedAdjustment: .object(["scope": .string(scope), "state": .string("open"), "reason": .string(reason)])))
            case .halfOpen(let percent)?:
                let bucket = bucket(of: decision.decisionID)
                let allowed = min(100, max(0, percent))
                guard bucket >= allowed else { continue }
                violations.append(PolicyViolation(
                    policyName: "\(breakerCheck):\(scope)", violationType: "BREAKER_HALF_OPEN_THROTTLED", severity: .critical,
                    description: "The circuit breaker of scope \(scope) is half-open and lets \(allowed)% of decisions through; "
                        + "this decision's bucket \(bucket) is not below \(allowed)",
                    suggestedAdjustment: .object(["scope": .string(scope), "state": .string("half_open"),
                                                  "percent": .number(Double(allowed)), "bucket": .number(Double(bucket))])))
            case .closed?, nil:
                continue
            }
        }
        var seen = Set<String>()
        for feature in decision.featuresUsed ?? [] where seen.insert(feature).inserted {
            guard let reason = snapshot.quarantined[feature] else { continue }
            violations.append(PolicyViolation(
                policyName: quarantineCheck, violationType: "FEATURE_QUARANTINED", severity: .critical,
                description: "Feature '\(feature.prefix(200))' is quarantined\(reason.isEmpty ? "" : " (\(reason))"); "
                    + "decisions that use it are rejected",
                suggestedAdjustment: .object(["feature": .string(feature), "reason": .string(reason)])))
        }
        return violations
    }

    /// The recommendation for a gate violation.
    static func recommendation(for violation: PolicyViolation) -> String {
        switch violation.violationType {
        case "FEATURE_QUARANTINED":
            "Drop the quarantined feature or wait for its release (\(violation.policyName))"
        case "BREAKER_HALF_OPEN_THROTTLED":
            "Retry later: \(violation.policyName) is half-open and admits only part of the decisions"
        default:
            "Wait for \(violation.policyName) to be reset before trading in its scope"
        }
    }
}
