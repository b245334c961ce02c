import Logging
import VigilCore
import VigilPostgres

/// Keeps the ``PolicyRegistry`` in step with `portfolio_policies`: a trigger on the table sends
/// `NOTIFY vigil_policies_changed` on every change (from Vigil or plain SQL), and this loop reloads
/// the whole set when it hears one. After a lost connection it reloads again, because
/// notifications sent while it was away are gone.
struct PolicyReloader {
    static let channel = "vigil_policies_changed"

    let configuration: PostgresConfiguration
    let registry: PolicyRegistry
    let metrics: VigilMetrics
    let logger: Logger
    /// Reload at least this often even without a notification, as a safety net.
    var fullReloadInterval: Double = 60

    /// Loads the set once and reports what was rejected.
    func reload(on connection: PostgresConnection) throws {
        let set = try PolicyRepository().loadPolicySet(on: connection)
        registry.replace(with: set)
        for rejection in set.rejected {
            logger.error("policy rejected; it is not enforced until fixed", metadata: ["policy": "\(rejection.policyName)", "reason": "\(rejection)"])
        }
        metrics.gauge("policies_loaded", "Policies in force", Double(set.policies.count))
        metrics.gauge("policies_rejected", "Policy rows that could not be compiled", Double(set.rejected.count))
        logger.info("policies loaded", metadata: ["policies": "\(set.policies.count)", "rejected": "\(set.rejected.count)", "version": "\(registry.version)"])
    }

    func run(until stop: StopSignal) {
        TableReloadLoop(channel: Self.channel, failureReason: "policy_reload_failed", configuration: configuration, metrics: metrics,
                        logger: logger, fullReloadInterval: fullReloadInterval, reload: reload(on:)).run(until: stop)
    }
}
