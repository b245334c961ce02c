import Logging
import VigilCore
import VigilPostgres

/// Keeps the ``FeatureContractRegistry`` in step with `feature_contracts`, like
/// ``PolicyReloader``: a trigger sends `NOTIFY vigil_feature_contracts_changed` on every change and
/// this loop reloads the whole set; after a lost connection (notifications lost) it reloads again.
struct FeatureContractReloader {
    static let channel = "vigil_feature_contracts_changed"

    let configuration: PostgresConfiguration
    let registry: FeatureContractRegistry
    let metrics: VigilMetrics
    let logger: Logger
    /// Reload at least this often even without a notification, as a safety net.
    var fullReloadInterval: Double = 60

    /// Loads the contracts once.
    func reload(on connection: PostgresConnection) throws {
        let contracts = try FeatureContractRepository().list(on: connection)
        registry.replace(with: contracts)
        metrics.gauge("feature_contracts_loaded", "Feature contracts in force", Double(contracts.count))
        logger.info("feature contracts loaded", metadata: ["contracts": "\(contracts.count)"])
    }

    func run(until stop: StopSignal) {
        TableReloadLoop(channel: Self.channel, failureReason: "contract_reload_failed", configuration: configuration, metrics: metrics,
                        logger: logger, fullReloadInterval: fullReloadInterval, reload: reload(on:)).run(until: stop)
    }
}
