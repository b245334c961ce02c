import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// One worker of the decision slice. Per batch: fetch from the durable pull consumer, decode and
/// evaluate, publish every event (with `Nats-Msg-Id`) and wait for JetStream's acks, write the
/// violation rows, and only then acknowledge the inputs. Any failure after the fetch naks the
/// whole batch with a delay; ids are deterministic, so the retry publishes duplicates JetStream
/// drops and inserts rows that conflict.
struct DecisionPipeline {
    let subscription: PullSubscription
    let publisher: JetStream
    let database: PostgresClient
    let processor: DecisionProcessor
    let configuration: VigilConfiguration.DecisionConsumer
    let metrics: VigilMetrics
    let logger: Logger
    private let writer = ViolationWriter()
    private let log = ValidationLogWriter()

    init(subscription: PullSubscription, publisher: JetStream, database: PostgresClient, processor: DecisionProcessor,
         configuration: VigilConfiguration.DecisionConsumer, metrics: VigilMetrics, logger: Logger) {
        self.subscription = subscription
        self.publisher = publisher
        self.database = database
        self.processor = processor
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// Loops until `stop` is set; the batch in flight is finished first.
    func run(until stop: StopSignal) {
        subscription.consume(batchSize: configuration.batchSize, fetchWait: configuration.fetchWait, until: stop, input: "decision",
                             metrics: metrics, logger: logger) { handle($0) }
    }

    /// Processes one fetched batch; returns whether its effects were made durable and acked.
    @discardableResult
    func handle(_ messages: [JetStreamMessage]) -> Bool {
        let started = ContinuousClock.now
        metrics.input("decision", count: messages.count)
        let inputs = messages.map { message in
            InboundMessage(subject: message.subject, payload: Data(message.payload),
                           streamSequence: message.streamSequence)
        }
        do {
            let outcomes = try processor.process(inputs)
            var outbound: [OutboundMessage] = []
            var records: [ViolationRecord] = []
            var logRows: [ValidationLogRow] = []
            let validatedAt = Date(), elapsed = Self.seconds(since: started)
            var completed = 0, deadLettered = 0
            for outcome in outcomes {
                switch outcome {
                case .validated(let result):
                    completed += 1
                    records += result.violations
                    let decision = result.request.decision
                    logRows.append(ValidationLogRow(
                        result: result, source: .stream,
                        id: ValidationLogRow.streamID(portfolioID: decision.portfolioID, decisionID: decision.decisionID),
                        validatedAt: validatedAt, durationSeconds: elapsed))
                    for event in result.events {
                        outbound.append(OutboundMessage(subject: event.subject, payload: Array(event.payload), messageID: event.id))
                    }
                case .deadLettered(let event, let error):
                    deadLettered += 1
                    metrics.error(error.code.rawValue)
                    logger.notice("input dead-lettered", metadata: ["subject": "\(event.subject)", "reason": "\(error)"])
                    outbound.append(OutboundMessage(subject: event.subject, payload: Array(event.payload), messageID: event.id))
                }
            }
            try step("publish_failed") { try publisher.publishBatch(outbound, timeout: .seconds(10)) }
            if !records.isEmpty || !logRows.isEmpty {
                try step("database_failed") {
                    try database.withConnection { connection in
                        try connection.transaction { connection in
                            try writer.write(records, on: connection)
                            try log.write(logRows, on: connection)
                        }
                    }
                }
            }
            for message in messages { try? message.ack() }
            metrics.output("policy_validation_completed", count: completed)
            metrics.output("violation", count: records.count)
            metrics.output("dead_letter", count: deadLettered)
            for record in records { metrics.violation(domain: "policy", severity: record.violation.severity.subjectToken) }
            let seconds = Self.seconds(since: started)
            for _ in messages { metrics.processingLatency("decision", seconds: seconds) }
            return true
        } catch {
            logger.error("batch not processed; redelivering", metadata: ["error": "\(error)", "messages": "\(messages.count)"])
            if !(error is StepFailure) { metrics.error("processing_failed") }
            for message in messages { try? message.nak(delay: .milliseconds(Int64(configuration.retryDelay * 1000))) }
            return false
        }
    }

    private struct StepFailure: Error, CustomStringConvertible {
        var reason: String
        var underlying: any Error
        var description: String { "\(reason): \(underlying)" }
    }

    private func step(_ reason: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            metrics.error(reason)
            throw StepFailure(reason: reason, underlying: error)
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
