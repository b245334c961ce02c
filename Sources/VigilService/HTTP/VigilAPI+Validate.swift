import Foundation
import Hummingbird
import Logging
import VigilCore
import VigilPostgres

extension VigilAPI {
    /// POST /api/v1/validate: a pre-trade check like `vigil.validate`; it records nothing and
    /// publishes nothing (decisions are recorded through the `trading.decisions.>` stream).
    func validate(_ request: Request) async throws -> Response {
        let payload = try await body(request)
        let processor = self.processor
        do {
            let result = try await executor.run { try processor.validate(payload) }
            return APIResponse.json(.ok, result.verdict.response)
        } catch let error as InputError {
            throw APIError(error.code == .tooLarge ? .contentTooLarge : .badRequest, error)
        } catch is BlockingExecutorStopped {
            throw APIError.unavailable("validation")
        } catch {
            // Reading a stored portfolio snapshot failed: the store, not the request, is at fault.
            logger.warning("validation could not complete", metadata: ["error": "\(error)"])
            throw APIError.unavailable("the portfolio state store")
        }
    }
}
