import Foundation
import Testing
@testable import VigilCore

@Suite("Alert lifecycle")
struct AlertLifecycleTests {
    @Test func aSignalOpensAnAlertAtTheFirstLevel() throws {
        let harness = AlertHarness()
        try harness.raise(AlertFixtures.signal())
        let alert = try #require(harness.only)
        #expect(alert.status == .open)
        #expect(alert.level == 1)
        #expect(alert.nextEscalationAt == AlertFixtures.start.addingTimeInterval(60))
        #expect(harness.notifier.calls.map(\.kind) == [.opened])
        #expect(harness.notifier.calls.first?.recipients == ["ops"])
        #expect(harness.events.map(\.subject) == ["vigil.events.alert.opened"])
        #expect(harness.store.transitions.map(\.to) == [.open])
        #expect(harness.store.transitions.first?.from == nil)
    }

    @Test func repeatedSignalsUpdateOneAlert() throws {
        let harness = AlertHarness()
        try harness.raise(AlertFixtures.signal(severity: .medium))
        try harness.raise(AlertFixtures.signal(severity: .critical, at: AlertFixtures.start.addingTimeInterval(5)))
        try harness.raise(AlertFixtures.signal(severity: .low, at: AlertFixtures.start.addingTimeInterval(9)))
        let alert = try #require(harness.only)
        #expect(alert.count == 3)
        #expect(alert.severity == .critical, "the highest severity seen stays")
        #expect(alert.lastSeen == AlertFixtures.start.addingTimeInterval(9))
        #expect(harness.events.count == 1, "updates are not transitions")
        #expect(harness.notifier.calls.count == 1)
    }

    @Test func aRedeliveredSignalCountsOnce() throws {
        let harness = AlertHarness()
        try harness.raise(AlertFixtures.signal())
        try harness.raise(AlertFixtures.signal())
        #expect(harness.only?.count == 1)
        #expect(harness.events.count == 1)
    }

    @Test func acknowledgeStopsEscalation() throws {
        let harness = AlertHarness()
        try harness.raise(AlertFixtures.signal())
        let id = try #require(harness.only?.id)
        try harness.advance(30)
        _ = try harness.ack(id)
        #expect(harness.only?.status == .acknowledged)
        #expect(harness.only?.acknowledgedBy == "bob")
        #expect(harness.only?.nextEscalationAt == nil)
        #expect(harness.timers.pending.isEmpty)
        try harness.advance(10_000)
        #expect(harness.only?.level == 1, "no escalation after ack")
        #expect(harness.notifier.calls.map(\.kind) == [.opened, .acknowledged])
        #expect(harness.events.map(\.subject) == ["vigil.events.alert.opened", "vigil.events.alert.acknowledged"])
        let last = try #require(harness.store.transitions.last)
        #expect((last.from, last.to, last.actor, last.note) == (.open, .acknowledged, "bob", "on it"))
    }

    @Test func resolveClosesAndANewSignalOpensANewAlert() throws {
        let harness = AlertHarness()
        try harness.raise(AlertFixtures.signal())
        let first = try #require(harness.only?.id)
        _ = try harness.ack(first)
        _ = try harness.resolve(first)
        #expect(try harness.store.alert(id: first)?.status == .resolved)
        #expect(harness.store.transitions.map(\.to) == [.open, .acknowledged, .resolved])
        try harness.raise(AlertFixtures.signal()) // the opening signal again: a redelivery, ignored
        #expect(harness.store.alerts.count == 1)
        harness.clock.advance(by: 100)
        try harness.raise(AlertFixtures.signal(at: harness.clock.now()))
        #expect(harness.store.alerts.count == 2)
        #expect(harness.store.alerts.filter { $0.status == .open }.count == 1)
    }

    @Test func resolvingAnOpenAlertNotifiesAndStopsTimers() throws {
        let harness = AlertHarness()
        try harness.raise(AlertFixtures.signal())
        let id = try #require(harness.only?.id)
        _ = try harness.resolve(id)
        #expect(harness.timers.pending.isEmpty)
        #expect(harness.notifier.calls.map(\.kind) == [.opened, .resolved])
        #expect(harness.events.last?.subject == "vigil.events.alert.resolved")
    }

    @Test func invalidTransitionsAreRefused() throws {
        let harness = AlertHarness()
        try harness.raise(AlertFixtures.signal())
        let id = try #require(harness.only?.id)
        _ = try harness.ack(id)
        #expect(throws: AlertingError.self) { try harness.ack(id) }
        _ = try harness.resolve(id)
        #expect(throws: AlertingError.self) { try harness.resolve(id) }
        #expect(throws: AlertingError.self) { try harness.ack(id) }
        #expect(try harness.lifecycle.acknowledgeOutcome(id: "nope", by: "bob", note: "", store: harness.store,
                                                         timers: harness.timers, now: harness.clock.now()) == nil)
    }

    @Test func idsAreDeterministic() throws {
        let one = AlertHarness(), two = AlertHarness()
        try one.raise(AlertFixtures.signal())
        try two.raise(AlertFixtures.signal())
        #expect(one.only?.id == two.only?.id)
        #expect(one.events.map(\.id) == two.events.map(\.id))
    }

    @Test func policiesAreSelectedBySeverity() {
        let critical = EscalationPolicy(name: "critical", severities: [.critical], levels: AlertFixtures.policy().levels)
        #expect(EscalationPolicy.select(for: .critical, from: [AlertFixtures.policy(), critical]).name == "critical")
        #expect(EscalationPolicy.select(for: .low, from: [critical]).name == "default")
        #expect(throws: AlertingError(field: "levels[0].timeout_seconds", "must be a positive number of seconds")) {
            try EscalationPolicy(name: "x", levels: [EscalationLevel(name: "L1", recipients: [], timeoutSeconds: 0)]).validate()
        }
    }
}
