import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// One worker of the dispatch slice, run by ``StagedConsumer``. Prepare: decode (bad input → DLQ
/// event), apply each event to the shared dispatch state and timers (Redis, compare-and-set), add
/// the analytics counters. Commit: write `dispatch_events`, `dispatches` and `sla_events` in one
/// transaction, publish late warnings/breaches, DLQ events and the responses' events; the inputs
/// are acked after that. Any failure naks the batch; redelivered events are duplicates that change
/// no state and insert no row twice.
///
/// Redis changes before the database write: when a batch fails after that, its redelivery finds
/// duplicates, which set no timer and add no analytics counter again, while the rows are still
/// written from the stored record (idempotent), so nothing is lost and nothing counted twice.
/// Batches are prepared and committed in fetch order, so the rows follow the Redis state.
struct DispatchPipeline: BatchStages {
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

    var inputKind: String { "dispatch" }

    /// A batch applied to the Redis state, with the events it already produced.
    struct Prepared: Sendable {
        var updates: [DispatchUpdate] = []
        var firings: [SLAFiring] = []
        var outbound: [OutboundMessage] = []
    }

    var batching: Batching {
        Batching(batchSize: configuration.batchSize, fetchWait: configuration.fetchWait, retryDelay: configuration.retryDelay)
    }

    func prepare(_ messages: [JetStreamMessage]) throws -> Prepared {
        var events: [DispatchEvent] = []
        var prepared = Prepared()
        for message in messages {
            let input = InboundMessage(message)
            do {
                events.append(try engine.decoder.decode(DispatchEvent.self, from: input.payload))
            } catch {
                metrics.error(error.code.rawValue)
                metrics.output("dead_letter")
                logger.notice("dispatch event dead-lettered", metadata: ["subject": "\(input.subject)", "reason": "\(error)"])
                let dead = try deadLetters.deadLetter(input, error)
                prepared.outbound.append(OutboundMessage(dead))
            }
        }
        prepared.updates = try engine.monitor().ingest(events)
        try engine.metricsStore.add(DispatchMetricFields.increments(for: prepared.updates))
        prepared.firings = prepared.updates.flatMap(\.firings)
        for firing in prepared.firings {
            for event in try engine.factory.events(for: firing) {
                prepared.outbound.append(OutboundMessage(event))
            }
        }
        return prepared
    }

    func commit(_ prepared: Prepared) throws {
        let responses = try database.withConnection { connection in
            try connection.transaction { connection in
                try writer.write(prepared.updates, on: connection)
                try writer.write(prepared.firings, on: connection)
                return try engine.respond(to: prepared.firings, on: connection)
            }
        }
        let outbound = prepared.outbound + responses.map(OutboundMessage.init)
        try publisher.publishBatch(outbound, timeout: EventPublishing.timeout)
        engine.count(prepared.firings, metrics: metrics)
    }

    func deadLetter(_ message: InboundMessage, _ error: InputError) throws -> OutboundEvent {
        try deadLetters.deadLetter(message, error)
    }

    static func merge(_ batches: [Prepared]) -> Prepared {
        Prepared(updates: batches.flatMap(\.updates), firings: batches.flatMap(\.firings), outbound: batches.flatMap(\.outbound))
    }
}
