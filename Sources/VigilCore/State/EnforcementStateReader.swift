import Synchronization

/// A circuit breaker's state as the decision validator sees it (written by the breaker logic).
public enum BreakerState: Sendable, Equatable {
    /// Decisions pass.
    case closed
    /// Every decision in the scope is rejected.
    case open(reason: String)
    /// Only decisions whose id hashes below `percent` (0...100) pass.
    case halfOpen(percent: Int)
}

/// Reads breaker and quarantine state. The validator only reads; the PIT capability writes.
/// Scopes are `global`, `portfolio:<id>` and `strategy:<name>`.
public protocol EnforcementStateReader: Sendable {
    /// States of the given scopes that are not closed.
    func breakers(for scopes: Set<String>) throws -> [String: BreakerState]
    /// Which of the given features are quarantined, with the reason.
    func quarantined(features: Set<String>) throws -> [String: String]
}

/// In-memory ``EnforcementStateReader`` with setters, for tests and the simulator.
public final class InMemoryEnforcementState: EnforcementStateReader {
    private let state = Mutex<(breakers: [String: BreakerState], quarantine: [String: String])>(([:], [:]))

    /// Creates a state with every breaker closed and nothing quarantined.
    public init() {}

    public func breakers(for scopes: Set<String>) throws -> [String: BreakerState] {
        state.withLock { $0.breakers.filter { scopes.contains($0.key) && $0.value != .closed } }
    }

    public func quarantined(features: Set<String>) throws -> [String: String] {
        state.withLock { $0.quarantine.filter { features.contains($0.key) } }
    }

    /// Sets a scope's breaker.
    public func setBreaker(_ scope: String, _ value: BreakerState) {
        state.withLock { $0.breakers[scope] = value }
    }

    /// Quarantines (reason) or releases (nil) a feature.
    public func setQuarantine(_ feature: String, reason: String?) {
        state.withLock { $0.quarantine[feature] = reason }
    }
}
