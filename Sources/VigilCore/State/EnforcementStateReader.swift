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
    /// Both at once; a store should answer in one round trip (the default asks twice).
    func snapshot(scopes: Set<String>, features: Set<String>) throws -> EnforcementSnapshot
}

extension EnforcementStateReader {
    /// Reads breakers, then quarantine.
    public func snapshot(scopes: Set<String>, features: Set<String>) throws -> EnforcementSnapshot {
        EnforcementSnapshot(breakers: scopes.isEmpty ? [:] : try breakers(for: scopes),
                            quarantined: features.isEmpty ? [:] : try quarantined(features: features))
    }
}

/// Breaker and quarantine state read once for a whole batch.
public struct EnforcementSnapshot: Sendable, Equatable {
    /// Scopes whose breaker is not closed.
    public var breakers: [String: BreakerState]
    /// Quarantined features with their reasons.
    public var quarantined: [String: String]

    /// Creates a snapshot (empty: every breaker closed, nothing quarantined).
    public init(breakers: [String: BreakerState] = [:], quarantined: [String: String] = [:]) {
        self.breakers = breakers
        self.quarantined = quarantined
    }
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
