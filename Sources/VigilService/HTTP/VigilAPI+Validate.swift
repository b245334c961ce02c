import Foundation
import Hummingbird
import Logging
import VigilCore
import VigilPostgres

extension VigilAPI {
    /// POST /api/v1/validate: a pre-trade check like `vigil.validate`: it publishes no event and
    /// writes no violation row (decisions are recorded through the `trading.decisions.>` stream),
    /// but the validation is committed to the decision log before it is answered.
    func validate(_ request: Request) async throws -> Response {
        let payload = try await body(request)
        let processor = self.processor, log = self.log
        do {
            let result = try await executor.run {
                let started = ContinuousClock.now
                let result = try processor.validate(payload)
                try log.record(ValidationLogRow(result: result, source: .rest, id: UUID(), validatedAt: Date(),
                                                durationSeconds: Elapsed.seconds(since: started)))
                return result
            }
            return APIResponse.json(.ok, result.verdict.response)
        } catch let error as InputError {
            throw APIError(error.code == .tooLarge ? .contentTooLarge : .badRequest, error)
        } catch is BlockingExecutorStopped {
            throw APIError.unavailable("validation")
        } catch {
            // A store (portfolio snapshots, the decision log), not the request, is at fault.
            logger.warning("validation could not complete", metadata: ["error": "\(error)"])
            throw APIError.unavailable(error is ValidationLogError ? "the decision log" : "the portfolio state store")
        }
    }
}
