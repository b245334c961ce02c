import Foundation
import Logging
import VigilCore
import VigilNATS

/// Answers `vigil.validate` requests (queue group, so each request is answered by one instance)
/// with a PolicyValidationResponse, or an ``ErrorReply`` with header `Vigil-Error: <code>`.
/// Request-reply is a pre-trade check: it publishes no events and writes no rows; decisions are
/// recorded through the `trading.decisions.>` stream.
struct ValidationResponder {
    let connection: NATSConnection
    let processor: DecisionProcessor
    let log: ValidationLog
    let metrics: VigilMetrics
    let logger: Logger

    func subscribe(subject: String, queue: String) throws -> NATSSubscription {
        try connection.subscribe(subject: subject, queue: queue) { [self] message in
            respond(to: message)
        }
    }

    func reply(for payload: Data) -> (body: Data, error: String?) {
        let encoder = OutputEncoder()
        do {
            let started = ContinuousClock.now
            let result = try processor.validate(payload)
            // Recorded before the reply: a caller never acts on a validation the log does not hold.
            try log.record(ValidationLogRow(result: result, source: .requestReply, id: UUID(), validatedAt: Date(),
                                            durationSeconds: Elapsed.seconds(since: started)))
            return (try encoder.encode(result.verdict.response), nil)
        } catch let error as InputError {
            return ((try? encoder.encode(ErrorReply(error))) ?? Data(), error.code.rawValue)
        } catch {
            logger.error("validation failed", metadata: ["error": "\(error)"])
            let body = ErrorReply(code: "unavailable", message: "validation could not complete; retry")
            return ((try? encoder.encode(body)) ?? Data(), "unavailable")
        }
    }

    private func respond(to message: NATSMessage) {
        let started = ContinuousClock.now
        metrics.input("validation_request")
        guard message.reply != nil else {
            metrics.error("no_reply_subject")
            return
        }
        let (body, error) = reply(for: Data(message.payload))
        var headers = NATSHeaders()
        if let error {
            headers["Vigil-Error"] = error
            metrics.error(error)
        }
        do {
            try connection.respond(to: message, payload: Array(body), headers: headers)
            metrics.output("validation_reply")
        } catch {
            metrics.error("reply_failed")
            logger.warning("could not send validation reply", metadata: ["error": "\(error)"])
        }
        metrics.processingLatency("validation_request", seconds: Elapsed.seconds(since: started))
    }
}
