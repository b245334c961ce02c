import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// One worker of the decision slice, run by ``StagedConsumer``. Prepare: decode and evaluate the
/// fetched batch, publish every event (with `Nats-Msg-Id`) and wait for JetStream's acks. Commit:
/// write the violation rows and the decision-log rows in one transaction; the inputs are acked
/// after that. Any failure naks the whole batch with a delay; ids are deterministic, so the retry
/// publishes duplicates JetStream drops and inserts rows that conflict.
struct DecisionPipeline: BatchStages {
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

    var inputKind: String { "decision" }

    /// What a prepared batch still has to make durable.
    struct Prepared: Sendable {
        var records: [ViolationRecord] = []
        var logRows: [ValidationLogRow] = []
        var completed = 0
        var deadLettered = 0
    }

    var batching: Batching {
        Batching(batchSize: configuration.batchSize, fetchWait: configuration.fetchWait, retryDelay: configuration.retryDelay,
                 commitInterval: configuration.commitInterval)
    }

    func prepare(_ messages: [JetStreamMessage]) throws -> Prepared {
        let started = ContinuousClock.now
        let inputs = messages.map(InboundMessage.init)
        let outcomes = try processor.process(inputs)
        var prepared = Prepared()
        var outbound: [OutboundMessage] = []
        let validatedAt = Date(), elapsed = Elapsed.seconds(since: started)
        for outcome in outcomes {
            switch outcome {
            case .validated(let result):
                prepared.completed += 1
                prepared.records += result.violations
                let decision = result.request.decision
                prepared.logRows.append(ValidationLogRow(
                    result: result, source: .stream,
                    id: ValidationLogRow.streamID(portfolioID: decision.portfolioID, decisionID: decision.decisionID),
                    validatedAt: validatedAt, durationSeconds: elapsed))
                for event in result.events {
                    outbound.append(OutboundMessage(event))
                }
            case .deadLettered(let event, let error):
                prepared.deadLettered += 1
                deadLettered(event, error, into: &outbound)
            }
        }
        try publishEvents(outbound)
        return prepared
    }

    func commit(_ prepared: Prepared) throws {
        if !prepared.records.isEmpty || !prepared.logRows.isEmpty {
            try PipelineStepFailure.step("database_failed", metrics: metrics) {
                // One statement (the violations as a WITH clause): one round trip, atomic without BEGIN/COMMIT.
                let inserts = [try writer.insert(prepared.records), log.insert(prepared.logRows)]
                _ = try database.withConnection { try $0.insert(inserts) }
            }
        }
        metrics.output("policy_validation_completed", count: prepared.completed)
        metrics.output("violation", count: prepared.records.count)
        metrics.output("dead_letter", count: prepared.deadLettered)
        for record in prepared.records { metrics.violation(domain: "policy", severity: record.violation.severity.subjectToken) }
    }

    func deadLetter(_ message: InboundMessage, _ error: InputError) throws -> OutboundEvent {
        try processor.deadLetter(message, error)
    }

    static func merge(_ batches: [Prepared]) -> Prepared {
        Prepared(records: batches.flatMap(\.records), logRows: batches.flatMap(\.logRows),
                 completed: batches.reduce(0) { $0 + $1.completed }, deadLettered: batches.reduce(0) { $0 + $1.deadLettered })
    }
}
