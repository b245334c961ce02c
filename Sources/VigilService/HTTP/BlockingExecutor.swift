import Foundation
import Synchronization

/// A small fixed pool of dedicated OS threads for blocking work requested from async code (REST
/// validation may wait on Redis). Work never runs on Swift's cooperative pool, and the number of
/// threads stays bounded however many requests arrive: extra work waits in a queue.
final class BlockingExecutor: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var stopped = false
    }

    private let state = Mutex(State())
    // Counts queued jobs; a worker waits on it, so idle threads cost no CPU.
    private let available = DispatchSemaphore(value: 0)
    private let threadCount: Int

    /// Starts `threads` worker threads named `name-index`.
    init(name: String, threads: Int) {
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [self] in work() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.jobs.append { continuation.resume(with: Result { try body() }) }
                return true
            }
            if accepted {
                available.signal()
            } else {
                continuation.resume(throwing: BlockingExecutorStopped())
            }
        }
    }

    /// Lets queued work finish, then ends the threads; later `run` calls throw.
    func shutdown() {
        state.withLock { $0.stopped = true }
        for _ in 0..<threadCount { available.signal() }
    }

    private func work() {
        while true {
            available.wait()
            let job = state.withLock { state -> (@Sendable () -> Void)? in
                state.jobs.isEmpty ? nil : state.jobs.removeFirst()
            }
            if let job {
                job()
            } else if state.withLock({ $0.stopped }) {
                return
            }
        }
    }
}

/// The executor was shut down before the work could start.
struct BlockingExecutorStopped: Error, CustomStringConvertible {
    var description: String { "the service is shutting down" }
}
