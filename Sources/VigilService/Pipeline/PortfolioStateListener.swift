import Foundation
import Logging
import VigilCore
import VigilNATS

/// Stores snapshots published on `trading.portfolios.<id>.state` in Redis (newest `as_of` wins),
/// for decisions that carry no state. Bad snapshots are dead-lettered like any other input.
struct PortfolioStateListener {
    let connection: NATSConnection
    let publisher: NATSConnection
    let store: any PortfolioStateStore
    let processor: DecisionProcessor
    let limits: InputLimits
    let metrics: VigilMetrics
    let logger: Logger

    func subscribe(subject: String, queue: String) throws -> NATSSubscription {
        let decoder = InputDecoder(limits: limits)
        return try connection.subscribe(subject: subject, queue: queue) { [self] message in
            metrics.input("portfolio_state")
            do {
                let state = try decoder.decode(PortfolioState.self, from: Data(message.payload))
                try store.save(state)
                metrics.output("portfolio_state")
            } catch let error as InputError {
                metrics.error(error.code.rawValue)
                let input = InboundMessage(subject: message.subject, payload: Data(message.payload))
                if let event = try? processor.deadLetter(input, error) {
                    try? publisher.publish(subject: event.subject, payload: Array(event.payload), headers: ["Nats-Msg-Id": event.id])
                }
            } catch {
                metrics.error("state_store_failed")
                logger.error("portfolio state not stored", metadata: ["subject": "\(message.subject)", "error": "\(error)"])
            }
        }
    }
}
