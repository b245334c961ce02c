import Logging
import VigilCore
import VigilPostgres

/// Keeps the ``SLAPolicyBook`` in step with `sla_policies`, like ``PolicyReloader``: the table's
/// trigger sends `NOTIFY vigil_sla_policies_changed`, this loop reloads on it, and reloads again
/// after a lost connection and every `fullReloadInterval` seconds. New policies time clocks started
/// or re-timed from then on, and a running timer that fires is re-checked against them.
struct SLAPolicyReloader {
    static let channel = "vigil_sla_policies_changed"

    let configuration: PostgresConfiguration
    let book: SLAPolicyBook
    let logger: Logger
    var fullReloadInterval: Double = 60

    func reload(on connection: PostgresConnection) throws {
        book.replace(with: try SLAPolicyRepository().load(on: connection))
        logger.info("SLA policies loaded")
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
                logger.warning("SLA policy reload loop: \(error); retrying")
                connection?.close()
                connection = nil
                stop.sleep(1)
            }
        }
        connection?.close()
    }
}
