import Foundation
public import VigilCore
public import VigilPostgres

/// The service's ``AlertSink``: alert state and audit trail in PostgreSQL (inside the caller's
/// transaction), escalation timers in Redis, deliveries through an ``AlertNotifier``.
public struct AlertResponder: Sendable {
    /// The lifecycle rules.
    public let lifecycle: AlertLifecycle
    /// Shared escalation deadlines.
    public let timers: any EscalationTimerStore
    /// Who delivers.
    public let notifier: any AlertNotifier
    /// The engine clock.
    public let clock: any WallClock

    /// Creates a responder.
    public init(lifecycle: AlertLifecycle, timers: any EscalationTimerStore, notifier: any AlertNotifier, clock: any WallClock) {
        self.lifecycle = lifecycle
        self.timers = timers
        self.notifier = notifier
        self.clock = clock
    }

    /// Opens or updates alerts for `signals` on `connection` (the batch's transaction); delivers
    /// and returns the events to publish.
    public func raise(_ signals: [AlertSignal], on connection: PostgresConnection) throws -> [OutboundEvent] {
        // Dedup keys are locked in key order (stable within a key), so two instances raising
        // overlapping keys wait for each other instead of deadlocking.
        let ordered = signals.enumerated().sorted { ($0.element.dedupKey, $0.offset) < ($1.element.dedupKey, $1.offset) }.map(\.element)
        let outcome = try lifecycle.raise(ordered, store: PostgresAlertStore(connection: connection), timers: timers, now: clock.now())
        outcome.notifications.forEach(notifier.deliver)
        return outcome.events
    }

    /// One pass of the escalation loop: in one transaction, claims due timers, fires them and
    /// hands the events to `publish` before committing (ids are deterministic, so a retried pass
    /// republishes duplicates JetStream drops); delivers after the commit.
    @discardableResult
    public func fireDue(limit: Int, on connection: PostgresConnection,
                        publish: ([OutboundEvent]) throws -> Void) throws -> AlertOutcome {
        let now = clock.now()
        let outcome = try connection.transaction { connection in
            let outcome = try lifecycle.fireDue(limit: limit, store: PostgresAlertStore(connection: connection), timers: timers, now: now)
            if !outcome.events.isEmpty { try publish(outcome.events) }
            return outcome
        }
        outcome.notifications.forEach(notifier.deliver)
        return outcome
    }

    /// Acknowledges or resolves alert `id` for `user` (REST, NATS admin, CLI); nil when unknown.
    public func act(_ action: AlertAction, id: String, user: String, note: String, on connection: PostgresConnection,
                    publish: ([OutboundEvent]) throws -> Void) throws -> Alert? {
        let now = clock.now()
        let outcome = try connection.transaction { connection -> AlertOutcome? in
            let store = PostgresAlertStore(connection: connection)
            let outcome = switch action {
            case .acknowledge: try lifecycle.acknowledgeOutcome(id: id, by: user, note: note, store: store, timers: timers, now: now)
            case .resolve: try lifecycle.resolve(id: id, by: user, note: note, store: store, timers: timers, now: now)
            }
            if let outcome, !outcome.events.isEmpty { try publish(outcome.events) }
            return outcome
        }
        outcome?.notifications.forEach(notifier.deliver)
        return outcome?.alerts.last
    }

    /// Ends suppression window `id` now and has the alerts it held re-checked at once.
    public func expire(suppression id: String, on connection: PostgresConnection) throws -> Suppression? {
        let now = clock.now()
        return try connection.transaction { connection in
            let administration = AlertAdministration()
            guard let window = try administration.expire(suppression: id, at: now, on: connection) else { return nil }
            try lifecycle.recheck(try administration.alertsSuppressed(by: id, on: connection),
                                  store: PostgresAlertStore(connection: connection), timers: timers, now: now)
            return window
        }
    }
}

/// An operator's move on an alert.
public enum AlertAction: String, Sendable {
    /// Take it: escalation stops.
    case acknowledge
    /// Close it.
    case resolve
}

extension AlertResponder: AlertSink {}
