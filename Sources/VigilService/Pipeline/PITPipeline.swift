import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// One worker of the feature-write slice, shaped like ``DecisionPipeline``. Per batch: fetch,
/// decode and check (each PIT store once per batch), publish the violation and DLQ events and wait
/// for JetStream's acks, write `pit_violations` and hand the violations to the ``ViolationSink``
/// in one transaction, publish the sink's events, then acknowledge. Any failure naks the batch;
/// ids are deterministic, so a retry changes nothing twice.
struct PITPipeline {
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

    /// Loops until `stop` is set; the batch in flight is finished first.
    func run(until stop: StopSignal) {
        subscription.consume(batchSize: configuration.batchSize, fetchWait: configuration.fetchWait, until: stop, input: "feature",
                             metrics: metrics, logger: logger) { handle($0) }
    }

    /// Processes one fetched batch; returns whether its effects were made durable and acked.
    @discardableResult
    func handle(_ messages: [JetStreamMessage]) -> Bool {
        let started = ContinuousClock.now
        metrics.input("feature_write", count: messages.count)
        let inputs = messages.map { message in
            InboundMessage(subject: message.subject, payload: Data(message.payload), streamSequence: message.streamSequence)
        }
        do {
            let outcomes = try processor.process(inputs)
            var outbound: [OutboundMessage] = []
            var results: [PITResult] = []
            var deadLettered = 0
            for outcome in outcomes {
                switch outcome {
                case .checked(let result):
                    results.append(result)
                    outbound += result.events.map { OutboundMessage(subject: $0.subject, payload: Array($0.payload), messageID: $0.id) }
                case .deadLettered(let event, let error):
                    deadLettered += 1
                    metrics.error(error.code.rawValue)
                    logger.notice("feature write dead-lettered", metadata: ["subject": "\(event.subject)", "reason": "\(error)"])
                    outbound.append(OutboundMessage(subject: event.subject, payload: Array(event.payload), messageID: event.id))
                }
            }
            try step("publish_failed") { try publisher.publishBatch(outbound, timeout: .seconds(10)) }
            let violations = results.flatMap(\.violations)
            var responses: [OutboundEvent] = []
            if !violations.isEmpty {
                try step("database_failed") {
                    responses = try database.withConnection { connection in
                        try connection.transaction { connection in
                            try writer.write(results, on: connection)
                            return try sink.handle(violations, on: connection)
                        }
                    }
                }
            }
            if !responses.isEmpty {
                try step("publish_failed") {
                    try publisher.publishBatch(responses.map { OutboundMessage(subject: $0.subject, payload: Array($0.payload), messageID: $0.id) },
                                               timeout: .seconds(10))
                }
            }
            for message in messages { try? message.ack() }
            metrics.output("violation", count: violations.count)
            metrics.output("dead_letter", count: deadLettered)
            for violation in violations { metrics.pitViolation(violation) }
            let seconds = DecisionPipeline.seconds(since: started)
            for _ in messages { metrics.processingLatency("feature_write", seconds: seconds) }
            return true
        } catch {
            logger.error("feature batch not processed; redelivering", metadata: ["error": "\(error)", "messages": "\(messages.count)"])
            if !(error is PITStepFailure) { metrics.error("processing_failed") }
            for message in messages { try? message.nak(delay: .milliseconds(Int64(configuration.retryDelay * 1000))) }
            return false
        }
    }

    private func step(_ reason: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            metrics.error(reason)
            throw PITStepFailure(reason: reason, underlying: error)
        }
    }
}

/// A pipeline step failed; its metric is already counted.
struct PITStepFailure: Error, CustomStringConvertible {
    var reason: String
    var underlying: any Error
    var description: String { "\(reason): \(underlying)" }
}
