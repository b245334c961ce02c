public import Foundation

/// The alert signals of the automated response, with dedup keys chosen so a repeated condition
/// updates one alert.
public enum EnforcementSignals {
    /// A breaker trip: CRITICAL, one alert per trip (`breaker:<scope>:<sequence>`).
    public static func trip(_ transition: BreakerTransition) -> AlertSignal {
        AlertSignal(dedupKey: "breaker:\(transition.scope):\(transition.sequence)", severity: .critical, source: "breaker",
                    title: "Circuit breaker tripped: \(transition.scope)", description: transition.reason,
                    labels: ["scope": transition.scope, "severity": transition.severity?.rawValue ?? ""], at: transition.at)
    }

    /// A MEDIUM violation (or a HIGH one without a feature to quarantine): one alert per type and
    /// feature (or service) and severity.
    public static func quality(_ violation: DetectedViolation, at: Date) -> AlertSignal {
        let subject = violation.featureName ?? violation.serviceName ?? "global"
        var labels = ["violation_type": violation.violationType, "domain": violation.domain.rawValue]
        if let feature = violation.featureName { labels["feature"] = feature }
        if let service = violation.serviceName { labels["service"] = service }
        return AlertSignal(dedupKey: "violation:\(violation.severity.rawValue.lowercased()):\(violation.violationType):\(subject)",
                           severity: violation.severity, source: violation.domain.rawValue,
                           title: "\(violation.severity.rawValue) \(violation.violationType) on \(subject)",
                           description: violation.description, labels: labels, at: at)
    }

    /// The hourly trend: raised by the violation whose arrival makes the last hour reach 150 % of the
    /// hour before; the dedup key names the hour, so it is one alert per hour.
    public static func trend(_ count: ViolationWindowCount, at: Date) -> AlertSignal? {
        guard count.isNew, count.previousCount > 0, 2 * count.count >= 3 * count.previousCount,
              2 * (count.count - 1) < 3 * count.previousCount else { return nil }
        let hour = Int(at.timeIntervalSince1970 / 3600)
        return AlertSignal(dedupKey: "trend:global:\(hour)", severity: .high, source: "trend",
                           title: "Violations up \(Format.percent(Double(count.count) / Double(count.previousCount) - 1)) over 1 h",
                           description: "\(count.count) violations in the last hour against \(count.previousCount) in the hour before",
                           labels: ["scope": "global"], at: at)
    }
}
