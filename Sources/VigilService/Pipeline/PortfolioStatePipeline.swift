import Foundation
import Logging
import VigilCore
import VigilNATS

/// One worker of the portfolio-state stream (`trading.portfolios.<id>.state`), run by
/// ``StagedConsumer``: snapshots are stored in Redis for decisions that carry no state (the newest
/// `as_of` wins, so redeliveries and several instances converge), and bad snapshots are
/// dead-lettered like any other input.
///
/// The stream keeps the latest snapshot per portfolio, so one published while no instance runs
/// is stored when one starts, instead of being lost as on a core NATS subscription.
struct PortfolioStatePipeline: BatchStages {
    let subscription: PullSubscription
    let publisher: JetStream
    let store: any PortfolioStateStore
    let processor: DecisionProcessor
    let limits: InputLimits
    let configuration: VigilConfiguration.DecisionConsumer
    let metrics: VigilMetrics
    let logger: Logger

    var inputKind: String { "portfolio_state" }

    /// A decoded batch: the snapshots to store and the DLQ events of what could not be decoded.
    struct Prepared: Sendable {
        var states: [PortfolioState] = []
        var deadLetters: [OutboundMessage] = []
    }

    var batching: Batching {
        Batching(batchSize: configuration.batchSize, fetchWait: configuration.fetchWait, retryDelay: configuration.retryDelay,
                 commitInterval: configuration.commitInterval)
    }

    func prepare(_ messages: [JetStreamMessage]) throws -> Prepared {
        let decoder = InputDecoder(limits: limits)
        var prepared = Prepared()
        for message in messages {
            let input = InboundMessage(message)
            do {
                prepared.states.append(try decoder.decode(PortfolioState.self, from: input.payload))
            } catch {  // typed: decoding throws only InputError
                deadLettered(try deadLetter(input, error), error, into: &prepared.deadLetters)
            }
        }
        return prepared
    }

    /// Stores the snapshots (each an atomic newest-wins replace), then publishes the DLQ events.
    func commit(_ prepared: Prepared) throws {
        try PipelineStepFailure.step("state_store_failed", metrics: metrics) {
            for state in prepared.states { try store.save(state) }
        }
        try publishEvents(prepared.deadLetters)
        metrics.output("portfolio_state", count: prepared.states.count)
    }

    func deadLetter(_ message: InboundMessage, _ error: InputError) throws -> OutboundEvent {
        try processor.deadLetter(message, error)
    }

    static func merge(_ batches: [Prepared]) -> Prepared {
        Prepared(states: batches.flatMap(\.states), deadLetters: batches.flatMap(\.deadLetters))
    }
}
