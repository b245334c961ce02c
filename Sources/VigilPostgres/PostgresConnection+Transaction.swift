import CLibPQ
import Logging

extension PostgresConnection {
    /// Runs `body` inside BEGIN/COMMIT; rolls back and rethrows if `body` throws.
    ///
    /// Nested calls are refused (`invalidArgument`) rather than silently joining the outer
    /// transaction, since the inner caller would believe its work committed on return.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        guard transactionStatus == PQTRANS_IDLE || !isHealthy else {
            throw PostgresError(code: .invalidArgument, message: "a transaction is already open on this connection")
        }
        try execute("BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackAfterFailure()
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            rollbackAfterFailure()
            throw error
        }
        return value
    }

    /// Best effort: on a lost connection the server has already rolled back.
    private func rollbackAfterFailure() {
        guard isHealthy, transactionStatus != PQTRANS_IDLE else { return }
        do {
            try execute("ROLLBACK")
        } catch {
            logger.warning("ROLLBACK failed", metadata: ["error": "\(error)"])
        }
    }
}
