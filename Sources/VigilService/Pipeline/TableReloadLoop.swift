import Logging
import VigilPostgres

/// Keeps an in-memory copy of a table in step with PostgreSQL, on a dedicated thread: it LISTENs on
/// the table's NOTIFY channel and reloads the whole copy on a notification, after every (re)connect
/// (notifications sent while it was away are gone) and at least every `fullReloadInterval` seconds
/// as a safety net. Shared by the policy, feature-contract and SLA-policy reloaders.
struct TableReloadLoop {
    /// The NOTIFY channel the table's trigger uses.
    let channel: String
    /// The error reason counted when the loop fails (e.g. `policy_reload_failed`).
    let failureReason: String
    let configuration: PostgresConfiguration
    let metrics: VigilMetrics
    let logger: Logger
    var fullReloadInterval: Double = 60
    /// Loads the whole table and puts it in force.
    let reload: (PostgresConnection) throws -> Void

    func run(until stop: StopSignal) {
        var connection: PostgresConnection?
        var stale = false
        var sinceReload = 0.0
        while !stop.isSet {
            do {
                if connection == nil {
                    let fresh = try PostgresConnection(configuration: configuration, logger: logger)
                    try fresh.listen(channel)
                    connection = fresh
                    stale = true
                }
                guard let connection else { continue }
                if stale || sinceReload >= fullReloadInterval {
                    try reload(connection)
                    stale = false
                    sinceReload = 0
                }
                let notifications = try connection.waitForNotifications(timeout: .milliseconds(250))
                sinceReload += 0.25
                if !notifications.isEmpty { stale = true }
            } catch {
                metrics.error(failureReason)
                logger.warning("reload loop on \(channel): \(error); retrying")
                connection?.close()
                connection = nil
                stop.sleep(1)
            }
        }
        connection?.close()
    }
}
