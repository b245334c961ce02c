import Foundation
@testable import VigilCore

/// Shared builders for the alerting tests.
enum AlertFixtures {
    static let start = Date(timeIntervalSince1970: 1_750_500_000)

    /// Three levels, 60 s / 120 s / 300 s, with `repeats` repeats of the last.
    static func policy(repeats: Int = 0) -> EscalationPolicy {
        EscalationPolicy(name: "default", levels: [
            EscalationLevel(name: "L1 Operator", recipients: ["ops"], timeoutSeconds: 60),
            EscalationLevel(name: "L2 Engineering", recipients: ["eng"], timeoutSeconds: 120),
            EscalationLevel(name: "L4 Executive", recipients: ["exec"], timeoutSeconds: 300),
        ], repeats: repeats)
    }

    static func signal(key: String = "pit:price", severity: Severity = .medium, at: Date = start,
                       labels: [String: String] = ["feature": "price"], source: String = "pit") -> AlertSignal {
        AlertSignal(dedupKey: key, severity: severity, source: source, title: "PIT violation on \(key)",
                    description: "future leakage", labels: labels, at: at)
    }

    static func window(id: String = "s1", _ matchers: [AlertMatcher], from: Date = start.addingTimeInterval(-10),
                       to: Date = start.addingTimeInterval(600)) -> Suppression {
        Suppression(id: id, matchers: matchers, startsAt: from, endsAt: to, createdBy: "alice", comment: "maintenance",
                    createdAt: from)
    }
}

/// A lifecycle over in-memory stores with a manual clock: the unit-test harness.
final class AlertHarness {
    let clock = ManualClock(AlertFixtures.start)
    let store: InMemoryAlertStore
    let timers = InMemoryEscalationTimers()
    let notifier = RecordingNotifier()
    let lifecycle = AlertLifecycle()
    var events: [OutboundEvent] = []

    init(policy: EscalationPolicy = AlertFixtures.policy(), suppressions: [Suppression] = []) {
        store = InMemoryAlertStore(policies: [policy], suppressions: suppressions)
    }

    @discardableResult
    func raise(_ signals: AlertSignal...) throws -> AlertOutcome {
        record(try lifecycle.raise(signals, store: store, timers: timers, now: clock.now()))
    }

    /// Moves the clock by `seconds` and fires whatever is due.
    @discardableResult
    func advance(_ seconds: TimeInterval) throws -> AlertOutcome {
        clock.advance(by: seconds)
        return record(try lifecycle.fireDue(limit: 100, store: store, timers: timers, now: clock.now()))
    }

    func ack(_ id: String, note: String = "on it") throws -> AlertOutcome? {
        try lifecycle.acknowledgeOutcome(id: id, by: "bob", note: note, store: store, timers: timers, now: clock.now()).map(record)
    }

    func resolve(_ id: String) throws -> AlertOutcome? {
        try lifecycle.resolve(id: id, by: "bob", note: "fixed", store: store, timers: timers, now: clock.now()).map(record)
    }

    var only: Alert? { store.alerts.count == 1 ? store.alerts[0] : nil }

    private func record(_ outcome: AlertOutcome) -> AlertOutcome {
        events += outcome.events
        outcome.notifications.forEach(notifier.deliver)
        return outcome
    }
}
