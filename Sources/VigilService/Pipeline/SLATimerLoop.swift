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
        var outbound = try firings.flatMap { try engine.factory.events(for: $0) }
        outbound += try database.withConnection { connection in
            try connection.transaction { connection in
                try writer.write(firings, on: connection)
                return try engine.respond(to: firings, on: connection)
            }
        }
        try publisher.publishBatch(outbound.map(OutboundMessage.init), timeout: EventPublishing.timeout)
        try monitor.complete(firings)
        engine.count(firings, metrics: metrics)
        logger.debug("SLA timers fired", metadata: ["count": "\(firings.count)"])
        return firings.count
    }
}
