import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// One worker of the dispatch slice, shaped like ``DecisionPipeline``. Per batch: fetch, decode
/// (bad input → DLQ event), apply each event to the shared dispatch state and timers (Redis,
/// compare-and-set), add the analytics counters, publish late warnings/breaches and DLQ events,
/// write `dispatch_events`, `dispatches` and `sla_events` in one transaction, then ack. Any failure
/// naks the batch; redelivered events are duplicates that change no state and insert no row twice.
///
/// Redis changes before the database write: when a batch fails after that, its redelivery finds
/// duplicates, which set no timer and add no analytics counter again, while the rows are still
/// written from the stored record (idempotent), so nothing is lost and nothing counted twice.
struct DispatchPipeline {
    let subscription: PullSubscription
    let publisher: JetStream
    let database: PostgresClient
    let engine: SLAEngine
    let deadLetters: DecisionProcessor
    let configuration: SLAConfiguration
    let metrics: VigilMetrics
    let logger: Logger
    private let writer = SLAWriter()

    init(subscription: PullSubscription, publisher: JetStream, database: PostgresClient, engine: SLAEngine,
         deadLetters: DecisionProcessor, configuration: SLAConfiguration, metrics: VigilMetrics, logger: Logger) {
        self.subscription = subscription
        self.publisher = publisher
        self.database = database
        self.engine = engine
        self.deadLetters = deadLetters
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Loops until `stop` is set; the batch in flight is finished first.
    func run(until stop: StopSignal) {
        subscription.consume(batchSize: configuration.batchSize, fetchWait: configuration.fetchWait, until: stop, input: "dispatch",
                             metrics: metrics, logger: logger) { handle($0) }
    }

    /// Processes one fetched batch; returns whether its effects were made durable and acked.
    @discardableResult
    func handle(_ messages: [JetStreamMessage]) -> Bool {
        let started = ContinuousClock.now
        metrics.input("dispatch", count: messages.count)
        do {
            var events: [DispatchEvent] = []
            var outbound: [OutboundMessage] = []
            for message in messages {
                let input = InboundMessage(subject: message.subject, payload: Data(message.payload),
                                           streamSequence: message.streamSequence)
                do {
                    events.append(try engine.decoder.decode(DispatchEvent.self, from: input.payload))
                } catch {
                    metrics.error(error.code.rawValue)
                    metrics.output("dead_letter")
                    logger.notice("dispatch event dead-lettered", metadata: ["subject": "\(input.subject)", "reason": "\(error)"])
                    let dead = try deadLetters.deadLetter(input, error)
                    outbound.append(OutboundMessage(subject: dead.subject, payload: Array(dead.payload), messageID: dead.id))
                }
            }
            let updates = try engine.monitor().ingest(events)
            try engine.metricsStore.add(DispatchMetricFields.increments(for: updates))
            let firings = updates.flatMap(\.firings)
            for firing in firings {
                for event in try engine.factory.events(for: firing) {
                    outbound.append(OutboundMessage(subject: event.subject, payload: Array(event.payload), messageID: event.id))
                }
            }
            let responses = try database.withConnection { connection in
                try connection.transaction { connection in
                    try writer.write(updates, on: connection)
                    try writer.write(firings, on: connection)
                    return try engine.respond(to: firings, on: connection)
                }
            }
            outbound += responses.map { OutboundMessage(subject: $0.subject, payload: Array($0.payload), messageID: $0.id) }
            try publisher.publishBatch(outbound, timeout: .seconds(10))
            for message in messages { try? message.ack() }
            engine.count(firings, metrics: metrics)
            let seconds = DecisionPipeline.seconds(since: started)
            for _ in messages { metrics.processingLatency("dispatch", seconds: seconds) }
            return true
        } catch {
            logger.error("dispatch batch not processed; redelivering", metadata: ["error": "\(error)", "messages": "\(messages.count)"])
            metrics.error("dispatch_processing_failed")
            for message in messages { try? message.nak(delay: .milliseconds(Int64(configuration.retryDelay * 1000))) }
            return false
        }
    }
}
