public import Foundation
import Synchronization

/// Alerts in memory, for unit tests and the simulator.
public final class InMemoryAlertStore: AlertStore, Sendable {
    private struct State {
        var alerts: [String: Alert] = [:]
        var transitions: [AlertTransition] = []
        var policies: [EscalationPolicy] = []
        var suppressions: [Suppression] = []
    }

    private let state = Mutex(State())

    /// Creates a store with `policies` and `suppressions`.
    public init(policies: [EscalationPolicy] = [], suppressions: [Suppression] = []) {
        state.withLock {
            $0.policies = policies
            $0.suppressions = suppressions
        }
    }

    public func activeAlert(dedupKey: String) throws -> Alert? {
        state.withLock { $0.alerts.values.first { $0.dedupKey == dedupKey && $0.status.isActive } }
    }

    public func alert(id: String) throws -> Alert? { state.withLock { $0.alerts[id] } }

    public func save(_ alert: Alert, transitions: [AlertTransition]) throws {
        state.withLock {
            $0.alerts[alert.id] = alert
            $0.transitions.append(contentsOf: transitions)
        }
    }

    public func escalationPolicies() throws -> [EscalationPolicy] { state.withLock { $0.policies } }

    public func activeSuppressions(at now: Date) throws -> [Suppression] {
        state.withLock { $0.suppressions.filter { $0.isActive(at: now) } }
    }

    /// Adds or replaces a window.
    public func put(_ suppression: Suppression) {
        state.withLock { state in
            state.suppressions.removeAll { $0.id == suppression.id }
            state.suppressions.append(suppression)
        }
    }

    /// The audit trail so far.
    public var transitions: [AlertTransition] { state.withLock { $0.transitions } }

    /// Every alert.
    public var alerts: [Alert] { state.withLock { Array($0.alerts.values) } }
}

/// Escalation timers in memory, with the same claim/lease semantics as the Redis store.
public final class InMemoryEscalationTimers: EscalationTimerStore {
    private struct State {
        var scores: [DueTimer: Int64] = [:]
        var current: [String: DueTimer] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    public func schedule(alertID: String, at deadline: Date?) throws {
        state.withLock { Self.set(&$0, alertID: alertID, deadline) }
    }

    public func claimDue(now: Date, limit: Int, lease: TimeInterval) throws -> [DueTimer] {
        let nowMillis = AlertStateMachine.ms(now)
        return state.withLock { state in
            let due = state.scores.filter { $0.value <= nowMillis }
                .sorted { ($0.value, $0.key.alertID) < ($1.value, $1.key.alertID) }.prefix(limit).map(\.key)
            for timer in due { state.scores[timer] = nowMillis + Int64(lease * 1000) }
            return due
        }
    }

    public func settle(_ timer: DueTimer, next deadline: Date?) throws {
        state.withLock { state in
            state.scores[timer] = nil
            Self.set(&state, alertID: timer.alertID, deadline)
        }
    }

    /// Pending timers, soonest first.
    public var pending: [DueTimer] { state.withLock { $0.scores.sorted { $0.value < $1.value }.map(\.key) } }

    private static func set(_ state: inout State, alertID: String, _ deadline: Date?) {
        if let old = state.current.removeValue(forKey: alertID) { state.scores[old] = nil }
        guard let deadline else { return }
        let timer = DueTimer(alertID: alertID, deadlineMillis: AlertStateMachine.ms(deadline))
        state.scores[timer] = timer.deadlineMillis
        state.current[alertID] = timer
    }
}
