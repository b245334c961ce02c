import Foundation
import Logging
import Synchronization
import VigilCore
import VigilPostgres

/// Group commit for decision-log rows of request-reply and REST validations: callers block until
/// their row is committed (so a reply is never sent for an unrecorded validation), while one
/// writer thread commits everything that queued meanwhile in one statement. The log is batched,
/// never the bottleneck of a single request, and never drops a row: a failed commit fails the
/// callers' validations instead.
public final class ValidationLog: Sendable {
    private final class Waiter: Sendable {
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
    }

    private struct State {
        var pending: [(ValidationLogRow, Waiter)] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let database: PostgresClient
    private let maxBatch: Int
    private let logger: Logger
    private let writer = ValidationLogWriter()

    /// Creates a log writing through `database`, at most `maxBatch` rows per statement.
    public init(database: PostgresClient, maxBatch: Int = 1000, logger: Logger) {
        self.database = database
        self.maxBatch = maxBatch
        self.logger = logger
    }

    /// Queues `row` and blocks until it is committed; throws when it could not be.
    public func record(_ row: ValidationLogRow, timeout: Double = 10) throws {
        let waiter = Waiter()
        let accepted = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.pending.append((row, waiter))
            return true
        }
        guard accepted else { throw ValidationLogError(message: "the decision log is shut down") }
        wake.signal()
        guard waiter.done.wait(timeout: .now() + timeout) == .success else {
            throw ValidationLogError(message: "the decision log did not commit within \(timeout)s")
        }
        if let failure = waiter.failure.withLock({ $0 }) { throw failure }
    }

    /// The writer loop; returns after `stop` once every queued row is written or failed.
    public func run(until stop: StopSignal) {
        while true {
            _ = wake.wait(timeout: .now() + 0.1)
            let stopping = stop.isSet
            let batch = state.withLock { state -> [(ValidationLogRow, Waiter)] in
                if stopping { state.stopped = true }
                let count = min(state.pending.count, maxBatch)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return batch
            }
            if !batch.isEmpty { commit(batch) }
            let remaining = state.withLock { $0.pending.count }
            if remaining > 0 { wake.signal() }
            if stopping, remaining == 0 { return }
        }
    }

    private func commit(_ batch: [(ValidationLogRow, Waiter)]) {
        let failures = attempt(batch.map(\.0)[...])
        for ((_, waiter), failure) in zip(batch, failures) {
            waiter.failure.withLock { $0 = failure }
            waiter.done.signal()
        }
    }

    /// Writes `rows` in one statement; the error each row's caller gets (nil when recorded). When
    /// PostgreSQL refuses a value (which validation already checks), the rows are split in halves
    /// and retried, so only the refused ones fail, in about 2 × log2(n) statements per refused
    /// row rather than one per row.
    private func attempt(_ rows: ArraySlice<ValidationLogRow>) -> [(any Error)?] {
        do {
            _ = try database.withConnection { try writer.write(Array(rows), on: $0) }
            return Array(repeating: nil, count: rows.count)
        } catch let error as PostgresError where error.isDataRejection && rows.count > 1 {
            logger.warning("decision log refused a group commit; retrying it in halves", metadata: ["rows": "\(rows.count)", "error": "\(error)"])
            let middle = rows.startIndex + rows.count / 2
            return attempt(rows[..<middle]) + attempt(rows[middle...])
        } catch {
            return Array(repeating: failure(error, rows: rows.count), count: rows.count)
        }
    }

    /// What the callers of a failed write get: a refused value is an input error (the caller's
    /// request is at fault and retrying will not help); anything else is the log being unavailable.
    private func failure(_ error: any Error, rows: Int) -> any Error {
        if let postgres = error as? PostgresError, postgres.isDataRejection, rows == 1 {
            return InputError(.rejectedByDatabase, "PostgreSQL refused to store this validation: \(postgres.messageWithState)")
        }
        logger.error("decision log commit failed", metadata: ["rows": "\(rows)", "error": "\(error)"])
        return ValidationLogError(message: "the decision log could not be written: \(error)")
    }
}

/// The decision log could not record a validation.
struct ValidationLogError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
