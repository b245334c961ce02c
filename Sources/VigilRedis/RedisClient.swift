import Dispatch
public import Logging
import Synchronization

/// A fixed-size pool of ``RedisConnection``s shared by several threads and by async code.
///
/// Connections open lazily, at most `poolSize` at once. A connection whose call broke it (I/O,
/// timeout, protocol error) is closed and replaced by a fresh one on a later lease.
public final class RedisClient: Sendable {
    /// The configuration every pooled connection uses.
    public let configuration: RedisConfiguration
    /// The most connections open (and leased) at once.
    public let poolSize: Int
    private let logger: Logger
    private let state: Mutex<PoolState>
    /// Runs the blocking work of async callers; at most `poolSize` blocks run at once, because
    /// each holds a lease, so it never grows past `poolSize` threads.
    private let queue = DispatchQueue(label: "vigil.redis.client", attributes: .concurrent)

    /// Creates the pool without connecting; the first lease connects. Default pool size 4.
    public init(configuration: RedisConfiguration, poolSize: Int = 4, logger: Logger = Logger(label: "vigil.redis")) throws {
        try configuration.validate()
        guard poolSize >= 1 else { throw RedisError.configuration("poolSize \(poolSize) must be at least 1") }
        self.configuration = configuration
        self.poolSize = poolSize
        self.logger = logger
        self.state = Mutex(PoolState(permits: poolSize))
    }

    /// Leases a connection to `body` on the calling thread, blocking until one is free.
    ///
    /// For dedicated worker threads only: it blocks, so do not call it from async code.
    public func withConnection<T>(_ body: (RedisConnection) throws -> T) throws -> T {
        let decision = state.withLock { $0.acquire(waiter: nil) }
        switch decision {
        case .granted: break
        case .closed: throw closedError
        case .wait(let semaphore): semaphore.wait()
        case .queued: break
        }
        return try leased(body)
    }

    /// Leases a connection to `body`, which runs on the client's own dispatch queue, so the
    /// cooperative pool never blocks. Waiting for a free connection does not block a thread;
    /// that wait is not cancellable, but a task already cancelled is refused at once.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws -> T) async throws -> T {
        try Task.checkCancellation()
        var refused = false
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            switch state.withLock({ $0.acquire(waiter: .async(continuation)) }) {
            case .granted: continuation.resume()
            case .closed:
                refused = true
                continuation.resume()
            case .queued, .wait: break
            }
        }
        if refused { throw closedError }
        // The body escapes into the queue's block, which may be released only after the
        // continuation resumes, so it must be @escaping (withoutActuallyEscaping traps here).
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try self.leased(body) })
            }
        }
    }

    /// Sends `PING` on a pooled connection (blocking; for worker threads).
    public func ping() throws {
        try withConnection { try $0.ping() }
    }

    /// Sends `PING` on a pooled connection without blocking the caller's thread.
    public func ping() async throws {
        try await withConnection { try $0.ping() }
    }

    /// Closes idle connections now and leased ones when returned; later leases throw `.closed`.
    /// Calling it again does nothing.
    public func close() {
        let (idle, waiters) = state.withLock { $0.close() }
        for pooled in idle { pooled.connection.close() }
        for waiter in waiters { waiter.wake() }
    }

    /// Runs `body` while holding a lease (a permit); always gives the permit back.
    private func leased<T>(_ body: (RedisConnection) throws -> T) throws -> T {
        let pooled: PooledConnection
        do {
            pooled = try checkOut()
        } catch {
            state.withLock { $0.release(nil) }?.wake()
            throw error
        }
        defer { checkIn(pooled) }
        return try body(pooled.connection)
    }

    private func checkOut() throws -> PooledConnection {
        let idle: PooledConnection?? = state.withLock { $0.isClosed ? .none : .some($0.idle.popLast()) }
        guard let idle else { throw closedError }
        if let idle { return idle }
        // Connect outside the lock: it blocks for up to connectTimeout.
        return PooledConnection(try RedisConnection(configuration: configuration, logger: logger))
    }

    private func checkIn(_ pooled: PooledConnection) {
        let keep = !pooled.connection.needsReconnect
        if !keep {
            logger.notice("redis pool replaces a broken connection", metadata: ["redis.endpoint": "\(configuration.endpoint)"])
        }
        let (waiter, closeIt) = state.withLock { state in
            let closeIt = !keep || state.isClosed
            return (state.release(closeIt ? nil : pooled), closeIt)
        }
        if closeIt { pooled.connection.close() }
        waiter?.wake()
    }

    private var closedError: RedisError {
        RedisError(code: .closed, message: "Redis client for \(configuration.endpoint) was closed")
    }
}
