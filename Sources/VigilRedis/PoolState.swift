import Dispatch

/// A pooled connection, handed to one lessee at a time.
// @unchecked Sendable: the pool only moves it between threads under its lock, with one user at a time.
final class PooledConnection: @unchecked Sendable {
    let connection: RedisConnection
    init(_ connection: RedisConnection) { self.connection = connection }
}

/// Someone waiting for a lease: a blocked thread or a suspended task.
enum PoolWaiter: Sendable {
    case blocking(DispatchSemaphore)
    case async(CheckedContinuation<Void, Never>)

    /// Hands the lease over (or, after `close`, lets the waiter see that the pool is closed).
    func wake() {
        switch self {
        case .blocking(let semaphore): semaphore.signal()
        case .async(let continuation): continuation.resume()
        }
    }
}

/// The pool's bookkeeping, only touched under ``RedisClient``'s mutex. Does no I/O.
struct PoolState {
    /// What `acquire` decided.
    enum Acquire {
        case granted
        /// The blocked thread must wait on this semaphore.
        case wait(DispatchSemaphore)
        /// The async waiter was queued; its continuation resumes when a lease is free.
        case queued
        case closed
    }

    /// Leases that may still be handed out; a lease covers an idle or a new connection.
    var permits: Int
    var idle: [PooledConnection] = []
    var waiters: [PoolWaiter] = []
    var isClosed = false

    init(permits: Int) { self.permits = permits }

    /// Takes a permit, or queues the caller (`nil` waiter: a blocking thread gets a semaphore).
    mutating func acquire(waiter: PoolWaiter?) -> Acquire {
        if isClosed { return .closed }
        if permits > 0 {
            permits -= 1
            return .granted
        }
        if let waiter {
            waiters.append(waiter)
            return .queued
        }
        let semaphore = DispatchSemaphore(value: 0)
        waiters.append(.blocking(semaphore))
        return .wait(semaphore)
    }

    /// Returns a permit (and a healthy connection, if given); the caller must wake the waiter
    /// returned, who now holds the permit.
    mutating func release(_ connection: PooledConnection?) -> PoolWaiter? {
        if let connection { idle.append(connection) }
        if !waiters.isEmpty { return waiters.removeFirst() }
        permits += 1
        return nil
    }

    /// Marks the pool closed; returns idle connections to close and waiters to wake.
    mutating func close() -> ([PooledConnection], [PoolWaiter]) {
        isClosed = true
        defer {
            idle = []
            waiters = []
        }
        return (idle, waiters)
    }
}
