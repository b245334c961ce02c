import Foundation
import ServiceLifecycle
import Synchronization

/// Set when a loop on a dedicated thread must finish its current unit of work and return.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Creates an unset signal.
    public init() {}

    /// Whether a stop was requested.
    public var isSet: Bool { flag.load(ordering: .acquiring) }

    /// Requests a stop.
    public func set() { flag.store(true, ordering: .releasing) }

    /// Sleeps up to `seconds` in short steps, returning early when a stop is requested.
    public func sleep(_ seconds: Double) {
        var left = seconds
        while left > 0, !isSet {
            let step = min(left, 0.05)
            Thread.sleep(forTimeInterval: step)
            left -= step
        }
    }
}

/// Runs blocking loops (NATS fetches, libpq, hiredis) on their own OS threads, never on Swift's
/// cooperative pool, as a `Service`: graceful shutdown sets the stop signal, and `run` returns once
/// every loop has finished its in-flight work.
public struct DedicatedThreadService: Service {
    private let name: String
    private let threads: Int
    private let body: @Sendable (Int, StopSignal) -> Void

    /// Creates a service running `body(index, stop)` on `threads` threads named `name-index`.
    public init(name: String, threads: Int = 1, body: @escaping @Sendable (Int, StopSignal) -> Void) {
        self.name = name
        self.threads = threads
        self.body = body
    }

    public func run() async throws {
        let stop = StopSignal()
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<threads {
                        group.addTask { await runThread(index: index, stop: stop) }
                    }
                }
            } onCancel: {
                stop.set()
            }
        } onGracefulShutdown: {
            stop.set()
        }
    }

    private func runThread(index: Int, stop: StopSignal) async {
        let body = self.body
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                body(index, stop)
                continuation.resume()
            }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 4 << 20
            thread.start()
        }
    }
}
