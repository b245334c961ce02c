import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// One worker of `vigil.report.violations`. Per batch: fetch from the durable pull consumer,
/// decode (bad input → DLQ event), run the violations through the ``ViolationSink`` inside one
/// PostgreSQL transaction, publish every event with `Nats-Msg-Id`, then ack. Any failure naks the
/// batch with a delay; the sink is idempotent by violation id and re-emits the same events, so a
/// retry changes nothing but publishes what may have been lost.
struct ReportPipeline {
    let subscription: PullSubscription
    let publisher: JetStream
    let database: PostgresClient
    let processor: ReportedViolationProcessor
    let sink: any ViolationSink
    let configuration: VigilConfiguration.DecisionConsumer
    let metrics: VigilMetrics
    let logger: Logger

    /// Loops until `stop` is set; the batch in flight is finished first.
    func run(until stop: StopSignal) {
        subscription.consume(batchSize: configuration.batchSize, fetchWait: configuration.fetchWait, until: stop, input: "report",
                             metrics: metrics, logger: logger) { handle($0) }
    }

    /// Processes one fetched batch; returns whether it was acked.
    @discardableResult
    func handle(_ messages: [JetStreamMessage]) -> Bool {
        metrics.input("reported_violation", count: messages.count)
        let inputs = messages.map {
            InboundMessage(subject: $0.subject, payload: Data($0.payload), streamSequence: $0.streamSequence)
        }
        do {
            var events: [OutboundEvent] = []
            var violations: [DetectedViolation] = []
            for outcome in try processor.process(inputs) {
                switch outcome {
                case .detected(let violation, let event):
                    violations.append(violation)
                    events.append(event)
                case .deadLettered(let event, let error):
                    metrics.error(error.code.rawValue)
                    logger.notice("report dead-lettered", metadata: ["reason": "\(error)"])
                    events.append(event)
                }
            }
            if !violations.isEmpty {
                events += try database.withConnection { connection in
                    try connection.transaction { connection in try sink.handle(violations, on: connection) }
                }
            }
            let outbound = events.map { OutboundMessage(subject: $0.subject, payload: Array($0.payload), messageID: $0.id) }
            try publisher.publishBatch(outbound, timeout: .seconds(10))
            for message in messages { try? message.ack() }
            for violation in violations { metrics.violation(domain: "reported", severity: violation.severity.subjectToken) }
            return true
        } catch {
            logger.error("report batch not processed; redelivering", metadata: ["error": "\(error)", "messages": "\(messages.count)"])
            metrics.error("processing_failed")
            for message in messages { try? message.nak(delay: .milliseconds(Int64(configuration.retryDelay * 1000))) }
            return false
        }
    }
}
