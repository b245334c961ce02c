import Foundation
import Synchronization

/// ``BreakerStore`` in process memory, for tests and a single instance.
public final class InMemoryBreakerStore: BreakerStore {
    private struct State {
        var breakers: [String: BreakerStatus] = [:]
        var quarantine: [String: (reason: String, cause: String)] = [:]
        var monitoring: [String: String] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    public func status(_ scope: String) throws -> BreakerStatus {
        state.withLock { $0.breakers[scope] ?? .closed(scope) }
    }

    public func all() throws -> [BreakerStatus] {
        state.withLock { $0.breakers.values.sorted { $0.scope < $1.scope } }
    }

    public func compareAndSet(_ status: BreakerStatus, expected: Int) throws -> Bool {
        state.withLock {
            guard ($0.breakers[status.scope]?.sequence ?? 0) == expected else { return false }
            $0.breakers[status.scope] = status
            return true
        }
    }

    public func quarantine(feature: String, reason: String, cause: String) throws -> Bool {
        state.withLock {
            guard $0.quarantine[feature] == nil else { return false }
            $0.quarantine[feature] = (reason, cause)
            return true
        }
    }

    public func quarantineCause(feature: String) throws -> String? {
        state.withLock { $0.quarantine[feature]?.cause }
    }

    public func release(feature: String) throws -> Bool {
        state.withLock { $0.quarantine.removeValue(forKey: feature) != nil }
    }

    public func quarantined() throws -> [String: String] {
        state.withLock { $0.quarantine.mapValues(\.reason) }
    }

    public func flagMonitoring(scope: String, reason: String, seconds: Double) throws {
        state.withLock { $0.monitoring[scope] = reason }
    }

    /// Scopes flagged for enhanced monitoring (tests; the flags do not expire here).
    public func monitored() -> [String: String] { state.withLock { $0.monitoring } }
}
