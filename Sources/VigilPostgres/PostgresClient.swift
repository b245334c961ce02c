import Dispatch
import Logging
import Synchronization

/// A small fixed pool of `PostgresConnection`s shared by threads and tasks.
///
/// Connections are opened lazily up to `configuration.poolSize`; a borrower gets one
/// connection exclusively for the duration of its closure. The synchronous API blocks the
/// calling thread (meant for Vigil's dedicated worker threads); the `async` API runs the same
/// work on a dedicated DispatchQueue, never on Swift's cooperative pool.
public final class PostgresClient: Sendable {
    /// The settings every pooled connection is made with.
    public let configuration: PostgresConfiguration
    private let logger: Logger
    private let permits: DispatchSemaphore
    private let idle = Mutex<[PooledConnection]>([])
    private let closed = Atomic<Bool>(false)
    private let blockingQueue = DispatchQueue(label: "vigil.postgres.client", attributes: .concurrent)

    /// Creates the pool; no connection is opened until first use.
    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "vigil.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.permits = DispatchSemaphore(value: max(1, configuration.poolSize))
    }

    /// Runs `body` with a connection borrowed exclusively, blocking until one is free (at most
    /// `poolAcquireTimeout`, then a `timeout` error). A connection that is closed or broken
    /// when `body` returns is dropped and replaced on a later borrow.
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        guard !closed.load(ordering: .acquiring) else {
            throw PostgresError(code: .connection, message: "client is closed")
        }
        let wait = configuration.poolAcquireTimeout.components
        let nanoseconds = wait.seconds * 1_000_000_000 + wait.attoseconds / 1_000_000_000
        guard permits.wait(timeout: .now() + .nanoseconds(Int(clamping: nanoseconds))) == .success else {
            throw PostgresError(code: .timeout, message: "no PostgreSQL connection free within the acquire timeout")
        }
        defer { permits.signal() }
        let pooled = try idle.withLock { $0.popLast() } ?? PooledConnection(
            connection: PostgresConnection(configuration: configuration, logger: logger))
        defer {
            // A broken connection still resets itself on next use; only closed ones are dropped.
            if !closed.load(ordering: .acquiring), pooled.connection.isOpen {
                idle.withLock { $0.append(pooled) }
            }
        }
        return try body(pooled.connection)
    }

    /// Runs `body` like `withConnection(_:)` on a dedicated DispatchQueue thread and resumes
    /// the caller when it finishes. Cancellation does not interrupt a running statement.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            blockingQueue.async {
                continuation.resume(with: Result { try self.withConnection(body) })
            }
        }
    }

    /// Closes idle connections and refuses new borrows; borrowed ones close when returned.
    public func close() {
        closed.store(true, ordering: .releasing)
        let connections = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle
        }
        for pooled in connections { pooled.connection.close() }
    }
}

/// Carries a connection between borrowers through the pool's mutex.
// @unchecked Sendable: only one borrower holds it at a time; the mutex hands it over.
private final class PooledConnection: @unchecked Sendable {
    let connection: PostgresConnection
    init(connection: PostgresConnection) { self.connection = connection }
}
