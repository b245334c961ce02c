import Foundation

/// Breaker, quarantine and monitoring state shared by every instance (Redis in service, layout in
/// docs/windows.md and docs/breaker.md). Writes are compare-and-set so only one instance applies
/// a transition.
public protocol BreakerStore: Sendable {
    /// The scope's status (closed, sequence 0, when never written).
    func status(_ scope: String) throws -> BreakerStatus
    /// Every breaker ever written.
    func all() throws -> [BreakerStatus]
    /// Stores `status` only if the stored sequence is still `expected`; false when someone else won.
    func compareAndSet(_ status: BreakerStatus, expected: Int) throws -> Bool
    /// Quarantines `feature`; false when it already was (nothing changed).
    func quarantine(feature: String, reason: String, cause: String) throws -> Bool
    /// The violation that quarantined `feature`, if it is quarantined.
    func quarantineCause(feature: String) throws -> String?
    /// Releases `feature`; false when it was not quarantined.
    func release(feature: String) throws -> Bool
    /// Quarantined features → reason.
    func quarantined() throws -> [String: String]
    /// Flags `scope` for enhanced monitoring for `seconds`.
    func flagMonitoring(scope: String, reason: String, seconds: Double) throws
}

/// Applies breaker events through a store with compare-and-set, retrying on conflicts, so of several
/// instances racing to trip a scope exactly one gets the transition.
public struct BreakerController: Sendable {
    /// The rules.
    public var machine: BreakerStateMachine
    /// The state.
    public var store: any BreakerStore

    /// Creates a controller.
    public init(machine: BreakerStateMachine, store: any BreakerStore) {
        self.machine = machine
        self.store = store
    }

    /// Applies `event` to `scope`; returns the transition this call made, nil when none.
    public func apply(_ event: BreakerStateMachine.Event, scope: String) throws -> BreakerTransition? {
        for _ in 0..<16 {
            let current = try store.status(scope)
            guard let (next, transition) = machine.handle(event, current) else { return nil }
            if try store.compareAndSet(next, expected: current.sequence) { return transition }
        }
        throw BreakerStoreError("breaker '\(scope.prefix(100))' kept changing under 16 compare-and-set attempts")
    }
}

/// A breaker store failure, safe to log.
public struct BreakerStoreError: Error, CustomStringConvertible, Equatable {
    /// What went wrong.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
