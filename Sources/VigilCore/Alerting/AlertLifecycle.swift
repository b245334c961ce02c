public import Foundation

/// What a lifecycle call produced: events to publish and deliveries to make (after the change is
/// stored).
public struct AlertOutcome: Sendable {
    /// `vigil.events.alert.<status>` events, one per transition.
    public var events: [OutboundEvent] = []
    /// Deliveries for the notifier.
    public var notifications: [AlertNotification] = []
    /// The alerts changed, last state of each.
    public var alerts: [Alert] = []

    mutating func merge(_ other: AlertOutcome) {
        events += other.events
        notifications += other.notifications
        alerts += other.alerts
    }
}

/// Runs the ``AlertStateMachine`` against stores: loads the alert, decides, saves the alert and
/// its audit lines, schedules the next timer, and builds the events. The caller supplies stores
/// bound to its transaction and delivers the notifications once it has committed.
public struct AlertLifecycle: Sendable {
    private let machine = AlertStateMachine()
    private let events: AlertEventBuilder
    /// Seconds a claimed timer stays hidden from other instances.
    public var lease: TimeInterval

    /// Creates a lifecycle publishing events with `eventSource` as CloudEvents source.
    public init(eventSource: String = "/vigil", lease: TimeInterval = 30) {
        self.events = AlertEventBuilder(source: eventSource)
        self.lease = lease
    }

    /// Opens or updates one alert per signal (in order).
    public func raise(_ signals: [AlertSignal], store: some AlertStore, timers: some EscalationTimerStore, now: Date) throws -> AlertOutcome {
        guard !signals.isEmpty else { return AlertOutcome() }
        let policies = try store.escalationPolicies()
        let windows = try store.activeSuppressions(at: now)
        var outcome = AlertOutcome()
        for signal in signals {
            let existing = try store.activeAlert(dedupKey: signal.dedupKey)
            if existing == nil,
               try store.alert(id: AlertStateMachine.alertID(dedupKey: signal.dedupKey, openedAt: signal.at)) != nil {
                continue  // the signal that opened an alert since resolved, redelivered
            }
            let policy = existing.map { self.policy(named: $0.policyName, policies) }
                ?? EscalationPolicy.select(for: signal.severity, from: policies)
            let change = machine.raise(signal, existing: existing, policy: policy, suppressions: windows, now: now)
            if let existing, change.alert == existing { continue }  // a redelivery that changes nothing
            outcome.merge(try apply(change, previous: existing, store: store, timers: timers))
        }
        return outcome
    }

    /// Claims due timers and fires each; returns what they produced. Call repeatedly from a loop.
    public func fireDue(limit: Int, store: some AlertStore, timers: some EscalationTimerStore, now: Date) throws -> AlertOutcome {
        var outcome = AlertOutcome()
        for timer in try timers.claimDue(now: now, limit: limit, lease: lease) {
            outcome.merge(try fire(timer, store: store, timers: timers, now: now))
        }
        return outcome
    }

    /// Fires one claimed timer (a stale one changes nothing) and settles it.
    public func fire(_ timer: DueTimer, store: some AlertStore, timers: some EscalationTimerStore, now: Date) throws -> AlertOutcome {
        guard let alert = try store.alert(id: timer.alertID) else {
            try timers.settle(timer, next: nil)
            return AlertOutcome()
        }
        let policies = try store.escalationPolicies()
        let windows = try store.activeSuppressions(at: now)
        guard let change = machine.timerFired(alert, deadline: timer.deadline, policy: policy(named: alert.policyName, policies),
                                              suppressions: windows, now: now) else {
            try timers.settle(timer, next: alert.nextEscalationAt)
            return AlertOutcome()
        }
        try store.save(change.alert, transitions: change.transitions)
        try timers.settle(timer, next: change.alert.nextEscalationAt)
        return try outcome(of: change)
    }

    /// Acknowledges alert `id`; nil when there is no such alert.
    public func acknowledge(id: String, by user: String, note: String, store: some AlertStore,
                            timers: some EscalationTimerStore, now: Date) throws -> Alert? {
        guard let alert = try store.alert(id: id) else { return nil }
        let change = try machine.acknowledge(alert, by: user, note: note, now: now)
        return try apply(change, previous: alert, store: store, timers: timers).alerts.last
    }

    /// Resolves alert `id`; nil when there is no such alert. Also returns the outcome.
    public func resolve(id: String, by user: String, note: String, store: some AlertStore,
                        timers: some EscalationTimerStore, now: Date) throws -> AlertOutcome? {
        guard let alert = try store.alert(id: id) else { return nil }
        let change = try machine.resolve(alert, by: user, note: note, now: now)
        return try apply(change, previous: alert, store: store, timers: timers)
    }

    /// Acknowledges alert `id` and returns the full outcome (events, notifications).
    public func acknowledgeOutcome(id: String, by user: String, note: String, store: some AlertStore,
                                   timers: some EscalationTimerStore, now: Date) throws -> AlertOutcome? {
        guard let alert = try store.alert(id: id) else { return nil }
        let change = try machine.acknowledge(alert, by: user, note: note, now: now)
        return try apply(change, previous: alert, store: store, timers: timers)
    }

    /// Brings the timers of suppressed alerts `ids` forward to `now`, so the next loop pass
    /// re-checks them (used when a window is expired early).
    public func recheck(_ ids: [String], store: some AlertStore, timers: some EscalationTimerStore, now: Date) throws {
        for id in ids {
            guard var alert = try store.alert(id: id), alert.status == .suppressed else { continue }
            alert.nextEscalationAt = Date(timeIntervalSince1970: Double(AlertStateMachine.ms(now)) / 1000)
            try store.save(alert, transitions: [])
            try timers.schedule(alertID: id, at: alert.nextEscalationAt)
        }
    }

    private func apply(_ change: AlertChange, previous: Alert?, store: some AlertStore,
                       timers: some EscalationTimerStore) throws -> AlertOutcome {
        try store.save(change.alert, transitions: change.transitions)
        if change.alert.nextEscalationAt != previous?.nextEscalationAt || previous == nil {
            try timers.schedule(alertID: change.alert.id, at: change.alert.nextEscalationAt)
        }
        return try outcome(of: change)
    }

    private func outcome(of change: AlertChange) throws -> AlertOutcome {
        var outcome = AlertOutcome(events: [], notifications: change.notifications, alerts: [change.alert])
        for transition in change.transitions {
            outcome.events.append(try events.event(for: transition, alert: change.alert, notifications: change.notifications))
        }
        return outcome
    }

    private func policy(named name: String, _ policies: [EscalationPolicy]) -> EscalationPolicy {
        policies.first { $0.name == name } ?? (name == EscalationPolicy.standard.name ? EscalationPolicy.standard : nil)
            ?? EscalationPolicy.select(for: .low, from: policies)
    }
}
