/// The alert capability: how often the escalation loop looks for due timers, how many it claims
/// per pass, and how long a claim stays hidden from other instances.
public struct AlertsConfiguration: Sendable, Equatable {
    /// Seconds between escalation passes when nothing was due (`alerts.escalation_interval`, default 1 s).
    public var escalationInterval = 1.0
    /// Timers claimed per pass (`alerts.claim_batch`, default 100).
    public var claimBatch = 100
    /// Seconds a claimed timer is hidden from other instances (`alerts.claim_lease`, default 30 s).
    public var claimLease = 30.0

    /// The defaults.
    public init() {}
}

extension ConfigurationKeys {
    /// The `alerts.*` keys.
    static let alerts: [String: Setter] = [
        "alerts.escalation_interval": { c, v, k in
            let seconds = try ConfigValue.duration(v, key: k)
            guard seconds > 0, seconds <= 3600 else { throw ConfigurationError(key: k, "must be between 1ms and 1h") }
            c.alerts.escalationInterval = seconds
        },
        "alerts.claim_batch": { c, v, k in c.alerts.claimBatch = try ConfigValue.integer(v, key: k, in: 1...10_000) },
        "alerts.claim_lease": { c, v, k in
            let seconds = try ConfigValue.duration(v, key: k)
            guard seconds >= 1, seconds <= 3600 else { throw ConfigurationError(key: k, "must be between 1s and 1h") }
            c.alerts.claimLease = seconds
        },
    ]
}
