public import Foundation
import Synchronization

/// ``SLATimerStore`` in memory, for unit tests and the simulator. Same semantics as the Redis
/// store: a queue ordered by due time and an in-flight set with lease expiries.
public final class InMemorySLATimerStore: SLATimerStore {
    private struct State {
        var timers: [String: SLATimer] = [:]
        var queued: [String: Date] = [:]
        var leased: [String: Date] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    public func schedule(_ timers: [SLATimer]) throws {
        state.withLock { state in
            for timer in timers {
                state.timers[timer.key] = timer
                state.queued[timer.key] = timer.due
            }
        }
    }

    public func cancel(_ keys: [String]) throws {
        state.withLock { state in
            for key in keys {
                state.timers[key] = nil
                state.queued[key] = nil
                state.leased[key] = nil
            }
        }
    }

    public func claimDue(at now: Date, lease: TimeInterval, limit: Int) throws -> [SLATimer] {
        state.withLock { state in
            // Expired leases go back to the queue, due now: their claimer never completed.
            for (key, until) in state.leased where until <= now {
                state.leased[key] = nil
                state.queued[key] = min(state.queued[key] ?? now, now)
            }
            let due = state.queued.filter { $0.value <= now }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.prefix(max(0, limit))
            return due.compactMap { key, _ in
                state.queued[key] = nil
                state.leased[key] = now.addingTimeInterval(lease)
                return state.timers[key]
            }
        }
    }

    public func complete(_ keys: [String]) throws {
        state.withLock { state in
            for key in keys where state.leased.removeValue(forKey: key) != nil && state.queued[key] == nil {
                state.timers[key] = nil
            }
        }
    }

    public func count() throws -> Int {
        state.withLock { Set($0.queued.keys).union($0.leased.keys).count }
    }
}
