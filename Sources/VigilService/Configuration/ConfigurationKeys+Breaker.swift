import Foundation
import VigilCore

extension ConfigurationKeys {
    /// The keys of the breaker capability (docs/configuration.md, "breaker").
    static let breaker: [String: Setter] = {
        var keys: [String: Setter] = [
            "breaker.half_open_steps": { c, v, k in
                let steps = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let values = steps.compactMap { Int($0) }
                guard !values.isEmpty, values.count == steps.count, values.allSatisfy({ (1...100).contains($0) }),
                      values == values.sorted() else {
                    throw ConfigurationError(key: k, "expected increasing percentages 1–100 separated by commas, e.g. 10,25,50,100")
                }
                c.breaker.halfOpenSteps = values
            },
            "breaker.step_interval": { c, v, k in c.breaker.stepInterval = try ConfigValue.duration(v, key: k) },
            "breaker.tick_interval": { c, v, k in c.breaker.tickInterval = try ConfigValue.duration(v, key: k) },
            "breaker.monitoring_ttl": { c, v, k in c.breaker.monitoringTTL = try ConfigValue.duration(v, key: k) },
            "breaker.dedup_retention": { c, v, k in c.breaker.dedupRetention = try ConfigValue.duration(v, key: k) },
            "breaker.scope_thresholds": { c, v, k in c.breaker.thresholds.overrides = try parseOverrides(v, key: k) },
            "breaker.admin_subject_prefix": { c, v, _ in c.breaker.adminSubjectPrefix = v },
            "breaker.reports.subject": { c, v, _ in c.breaker.reportStream.subjects = [v] },
            "breaker.reports.stream": { c, v, _ in c.breaker.reportStream.name = v },
            "breaker.reports.durable_name": { c, v, _ in c.breaker.reports.durableName = v },
            "breaker.reports.batch_size": { c, v, k in c.breaker.reports.batchSize = try ConfigValue.integer(v, key: k, in: 1...10_000) },
            "breaker.reports.workers": { c, v, k in c.breaker.reports.workers = try ConfigValue.integer(v, key: k, in: 1...64) },
            "breaker.reports.retry_delay": { c, v, k in c.breaker.reports.retryDelay = try ConfigValue.duration(v, key: k) },
        ]
        for severity in Severity.allCases {
            let prefix = "breaker.thresholds.\(severity.rawValue.lowercased())."
            keys[prefix + "count"] = { c, v, k in
                c.breaker.thresholds.bySeverity[severity, default: ViolationThreshold(count: 1, window: 0)].count =
                    try ConfigValue.integer(v, key: k, in: 1...1_000_000)
            }
            keys[prefix + "window"] = { c, v, k in
                c.breaker.thresholds.bySeverity[severity, default: ViolationThreshold(count: 1, window: 0)].window =
                    try ConfigValue.duration(v, key: k)
            }
        }
        return keys
    }()

    /// `scope SEVERITY=count/window; …`, e.g. `portfolio:p1 HIGH=5/10m; service:feeds MEDIUM=20/900`.
    static func parseOverrides(_ text: String, key: String) throws(ConfigurationError) -> [String: [Severity: ViolationThreshold]] {
        var overrides: [String: [Severity: ViolationThreshold]] = [:]
        for item in text.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: " ", omittingEmptySubsequences: true)
            let rule = parts.count == 2 ? parts[1].split(separator: "=") : []
            let numbers = rule.count == 2 ? rule[1].split(separator: "/") : []
            guard parts.count == 2, rule.count == 2, numbers.count == 2, let severity = Severity(text: String(rule[0])),
                  let count = Int(numbers[0]), count >= 1 else {
                throw ConfigurationError(key: key, "entry '\(item.prefix(60))' is not 'scope SEVERITY=count/window'")
            }
            let window = try ConfigValue.duration(String(numbers[1]), key: key)
            overrides[String(parts[0]), default: [:]][severity] = ViolationThreshold(count: count, window: window)
        }
        return overrides
    }
}
