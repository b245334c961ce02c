import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// One worker of the feature-write slice, run by ``StagedConsumer`` like ``DecisionPipeline``.
/// Prepare: decode and check the batch (each PIT store once per batch), publish the violation and
/// DLQ events and wait for JetStream's acks. Commit: write `pit_violations` and hand the
/// violations to the ``ViolationSink`` (windows, breaker, quarantine, incidents) in one
/// transaction, publish the sink's events; the inputs are acked after that. Any failure naks the
/// batch; ids are deterministic, so a retry changes nothing twice.
struct PITPipeline: BatchStages {
    let subscription: PullSubscription
    let publisher: JetStream
    let database: PostgresClient
    let processor: PITProcessor
    let sink: any ViolationSink
    let configuration: VigilConfiguration.DecisionConsumer
    let metrics: VigilMetrics
    let logger: Logger
    private let writer = PITViolationWriter()

    init(subscription: PullSubscription, publisher: JetStream, database: PostgresClient, processor: PITProcessor,
         sink: any ViolationSink, configuration: VigilConfiguration.DecisionConsumer, metrics: VigilMetrics, logger: Logger) {
        self.subscription = subscription
        self.publisher = publisher
        self.database = database
        self.processor = processor
        self.sink = sink
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    var inputKind: String { "feature_write" }

    /// What a prepared batch still has to make durable.
    struct Prepared: Sendable {
        var results: [PITResult] = []
        var deadLettered = 0
    }

    var batching: Batching {
        Batching(batchSize: configuration.batchSize, fetchWait: configuration.fetchWait, retryDelay: configuration.retryDelay,
                 commitInterval: configuration.commitInterval)
    }

    func prepare(_ messages: [JetStreamMessage]) throws -> Prepared {
        let inputs = messages.map(InboundMessage.init)
        var prepared = Prepared()
        var outbound: [OutboundMessage] = []
        for outcome in try processor.process(inputs) {
            switch outcome {
            case .checked(let result):
                prepared.results.append(result)
                outbound += result.events.map(OutboundMessage.init)
            case .deadLettered(let event, let error):
                prepared.deadLettered += 1
                deadLettered(event, error, into: &outbound)
            }
        }
        try publishEvents(outbound)
        return prepared
    }

    func commit(_ prepared: Prepared) throws {
        let violations = prepared.results.flatMap(\.violations)
        if !violations.isEmpty {
            let responses = try PipelineStepFailure.step("database_failed", metrics: metrics) {
                try database.withConnection { connection in
                    try connection.transaction { connection in
                        try writer.write(prepared.results, on: connection)
                        return try sink.handle(violations, on: connection)
                    }
                }
            }
            if !responses.isEmpty {
                try PipelineStepFailure.step("publish_failed", metrics: metrics) {
                    try publisher.publishBatch(responses.map(OutboundMessage.init), timeout: EventPublishing.timeout)
                }
            }
        }
        metrics.output("violation", count: violations.count)
        metrics.output("dead_letter", count: prepared.deadLettered)
        for violation in violations { metrics.pitViolation(violation) }
    }

    func deadLetter(_ message: InboundMessage, _ error: InputError) throws -> OutboundEvent {
        try processor.deadLetter(message, error, at: Date())
    }

    static func merge(_ batches: [Prepared]) -> Prepared {
        Prepared(results: batches.flatMap(\.results), deadLettered: batches.reduce(0) { $0 + $1.deadLettered })
    }
}
