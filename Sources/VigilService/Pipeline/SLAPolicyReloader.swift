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
    let metrics: VigilMetrics
    let logger: Logger
    var fullReloadInterval: Double = 60

    func reload(on connection: PostgresConnection) throws {
        book.replace(with: try SLAPolicyRepository().load(on: connection))
        logger.info("SLA policies loaded")
    }

    func run(until stop: StopSignal) {
        TableReloadLoop(channel: Self.channel, failureReason: "sla_policy_reload_failed", configuration: configuration,
                        metrics: metrics, logger: logger, fullReloadInterval: fullReloadInterval, reload: reload(on:)).run(until: stop)
    }
}
