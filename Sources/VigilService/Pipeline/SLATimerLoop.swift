import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// Fires due SLA timers. Every instance runs one; the claim script gives each timer to exactly
/// one of them. Per poll: claim (leased), write `sla_events` and the responses in one transaction,
/// publish with `Nats-Msg-Id` = the firing's id, then complete. A crash before completing leaves
/// the claim to expire and the timer to fire again with the same ids, so the row and the events
/// are deduplicated and no warning or breach is lost.
struct SLATimerLoop {
    let engine: SLAEngine
    let publisher: JetStream
    let database: PostgresClient
    let configuration: SLAConfiguration
    let metrics: VigilMetrics
    let logger: Logger
    private let writer = SLAWriter()

    init(engine: SLAEngine, publisher: JetStream, database: PostgresClient, configuration: SLAConfiguration,
         metrics: VigilMetrics, logger: Logger) {
        self.engine = engine
        self.publisher = publisher
        self.database = database
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    func run(until stop: StopSignal) {
        while !stop.isSet {
            do {
                // A full batch means more may be due: poll again at once.
                if try tick() < configuration.timerBatch { stop.sleep(configuration.timerInterval) }
                metrics.gauge("sla_timers", "SLA timers queued or in flight", Double(try engine.timers.count()))
            } catch {
                metrics.error("sla_timer_failed")
                logger.warning("SLA timer loop: \(error); retrying")
                stop.sleep(1)
            }
        }
    }

    /// Claims and fires what is due; returns how many timers were claimed.
    @discardableResult
    func tick() throws -> Int {
        let monitor = engine.monitor()
        let firings = try monitor.claimDue(lease: configuration.timerLease, limit: configuration.timerBatch)
        guard !firings.isEmpty else { return 0 }
        try fire(firings, monitor: monitor)
        logger.debug("SLA timers fired", metadata: ["count": "\(firings.count)"])
        return firings.count
    }

    /// Writes, publishes and completes `firings`. When PostgreSQL refuses a value in the group
    /// (dispatch state stored before input checks refused it, e.g. a NUL in its region), the group
    /// is fired in halves, and a firing refused on its own is dropped: completed without effect,
    /// logged and counted as `sla_timer_rejected`. Retrying it would fail the same way for ever and
    /// hold back every other due timer.
    private func fire(_ firings: [SLAFiring], monitor: SLAMonitor) throws {
        var outbound = try firings.flatMap { try engine.factory.events(for: $0) }
        do {
            outbound += try database.withConnection { connection in
                try connection.transaction { connection in
                    try writer.write(firings, on: connection)
                    return try engine.respond(to: firings, on: connection)
                }
            }
        } catch let error as PostgresError where error.isDataRejection {
            guard firings.count > 1 else {
                metrics.error("sla_timer_rejected")
                logger.error("SLA timer dropped: PostgreSQL refuses its values", metadata: [
                    "dispatch_id": "\(firings[0].dispatchID.debugDescription)", "stage": "\(firings[0].stage.rawValue)", "error": "\(error)"])
                try monitor.complete(firings)
                return
            }
            let middle = firings.count / 2
            try fire(Array(firings[..<middle]), monitor: monitor)
            try fire(Array(firings[middle...]), monitor: monitor)
            return
        }
        try publisher.publishBatch(outbound.map(OutboundMessage.init), timeout: EventPublishing.timeout)
        try monitor.complete(firings)
        engine.count(firings, metrics: metrics)
    }
}
