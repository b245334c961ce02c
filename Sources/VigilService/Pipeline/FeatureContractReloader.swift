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
        var connection: PostgresConnection?
        var stale = false
        var sinceReload = 0.0
        while !stop.isSet {
            do {
                if connection == nil {
                    let fresh = try PostgresConnection(configuration: configuration, logger: logger)
                    try fresh.listen(Self.channel)
                    connection = fresh
                    stale = true
                }
                guard let connection else { continue }
                if stale || sinceReload >= fullReloadInterval {
                    try reload(on: connection)
                    stale = false
                    sinceReload = 0
                }
                let notifications = try connection.waitForNotifications(timeout: .milliseconds(250))
                sinceReload += 0.25
                if !notifications.isEmpty { stale = true }
            } catch {
                metrics.error("contract_reload_failed")
                logger.warning("feature contract reload loop: \(error); retrying")
                connection?.close()
                connection = nil
                stop.sleep(1)
            }
        }
        connection?.close()
    }
}
