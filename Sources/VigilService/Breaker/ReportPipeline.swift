import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// One worker of `vigil.report.violations`, run by ``StagedConsumer``. Prepare: decode (bad input →
/// DLQ event). Commit: run the violations through the ``ViolationSink`` inside one PostgreSQL
/// transaction, publish every event with `Nats-Msg-Id`; the inputs are acked after that. Any
/// failure naks the batch with a delay; the sink is idempotent by violation id and re-emits the
/// same events, so a retry changes nothing but publishes what may have been lost.
struct ReportPipeline: BatchStages {
    let subscription: PullSubscription
    let publisher: JetStream
    let database: PostgresClient
    let processor: ReportedViolationProcessor
    let sink: any ViolationSink
    let configuration: VigilConfiguration.DecisionConsumer
    let metrics: VigilMetrics
    let logger: Logger

    var inputKind: String { "reported_violation" }

    /// A decoded batch: its violations and the DLQ events of what could not be decoded.
    struct Prepared: Sendable {
        var violations: [DetectedViolation] = []
        var events: [OutboundEvent] = []
    }

    var batching: Batching {
        Batching(batchSize: configuration.batchSize, fetchWait: configuration.fetchWait, retryDelay: configuration.retryDelay,
                 commitInterval: configuration.commitInterval)
    }

    func prepare(_ messages: [JetStreamMessage]) throws -> Prepared {
        let inputs = messages.map(InboundMessage.init)
        var prepared = Prepared()
        for outcome in try processor.process(inputs) {
            switch outcome {
            case .detected(let violation, let event):
                prepared.violations.append(violation)
                prepared.events.append(event)
            case .deadLettered(let event, let error):
                metrics.error(error.code.rawValue)
                logger.notice("report dead-lettered", metadata: ["reason": "\(error)"])
                prepared.events.append(event)
            }
        }
        return prepared
    }

    func commit(_ prepared: Prepared) throws {
        var events = prepared.events
        if !prepared.violations.isEmpty {
            events += try PipelineStepFailure.step("database_failed", metrics: metrics) {
                try database.withConnection { connection in
                    try connection.transaction { connection in try sink.handle(prepared.violations, on: connection) }
                }
            }
        }
        try publishEvents(events.map(OutboundMessage.init))
        for violation in prepared.violations { metrics.violation(domain: "reported", severity: violation.severity.subjectToken) }
    }

    func deadLetter(_ message: InboundMessage, _ error: InputError) throws -> OutboundEvent {
        try processor.deadLetter(message, error, at: Date())
    }

    static func merge(_ batches: [Prepared]) -> Prepared {
        Prepared(violations: batches.flatMap(\.violations), events: batches.flatMap(\.events))
    }
}
