import Foundation
import Testing
@testable import VigilCore

@Suite("Escalation timing")
struct EscalationTimingTests {
    @Test func escalatesExactlyAtTheTimeoutAndNotBefore() throws {
        let harness = AlertHarness()
        try harness.raise(AlertFixtures.signal())
        try harness.advance(59.999)
        #expect(harness.only?.level == 1)
        #expect(harness.only?.status == .open)
        try harness.advance(0.001)
        #expect(harness.only?.level == 2)
        #expect(harness.only?.status == .escalated)
        #expect(harness.notifier.calls.last == RecordingNotifier.Call(kind: .escalated, alertID: harness.only!.id,
                                                                       level: "L2 Engineering", recipients: ["eng"], isRepeat: false))
        #expect(harness.events.last?.subject == "vigil.events.alert.escalated")
        try harness.advance(119.999)
        #expect(harness.only?.level == 2)
        try harness.advance(0.001)
        #expect(harness.only?.level == 3)
        #expect(harness.only?.nextEscalationAt == nil, "last level, no repeats: nothing more is due")
        try harness.advance(100_000)
        #expect(harness.notifier.calls.map(\.kind) == [.opened, .escalated, .escalated])
    }

    @Test func theLastLevelRepeats() throws {
        let harness = AlertHarness(policy: AlertFixtures.policy(repeats: 2))
        try harness.raise(AlertFixtures.signal())
        try harness.advance(60)
        try harness.advance(120)
        #expect(harness.only?.level == 3)
        try harness.advance(299)
        #expect(harness.notifier.calls.count == 3)
        try harness.advance(1)
        try harness.advance(300)
        try harness.advance(300)
        let calls = harness.notifier.calls
        #expect(calls.map(\.isRepeat) == [false, false, false, true, true])
        #expect(calls.suffix(2).allSatisfy { $0.level == "L4 Executive" })
        #expect(harness.only?.repeatsSent == 2)
        #expect(harness.timers.pending.isEmpty)
    }

    @Test func aLateLoopCatchesUpOneLevelPerFireWithoutDrift() throws {
        let harness = AlertHarness()
        try harness.raise(AlertFixtures.signal())
        try harness.advance(70)  // 10 s late
        #expect(harness.only?.nextEscalationAt == AlertFixtures.start.addingTimeInterval(180), "deadlines chain from the due time")
    }

    @Test func ackBetweenLevelsStopsFurtherEscalation() throws {
        let harness = AlertHarness()
        try harness.raise(AlertFixtures.signal())
        try harness.advance(60)
        _ = try harness.ack(try #require(harness.only?.id))
        try harness.advance(1_000)
        #expect(harness.only?.level == 2)
        #expect(harness.store.transitions.map(\.to) == [.open, .escalated, .acknowledged])
    }

    @Test func aStaleOrEarlyTimerChangesNothing() throws {
        let machine = AlertStateMachine()
        let policy = AlertFixtures.policy()
        let change = machine.raise(AlertFixtures.signal(), existing: nil, policy: policy, suppressions: [], now: AlertFixtures.start)
        let due = try #require(change.alert.nextEscalationAt)
        #expect(machine.timerFired(change.alert, deadline: due, policy: policy, suppressions: [], now: due.addingTimeInterval(-0.001)) == nil)
        #expect(machine.timerFired(change.alert, deadline: due.addingTimeInterval(-5), policy: policy, suppressions: [], now: due) == nil)
        #expect(machine.timerFired(change.alert, deadline: due, policy: policy, suppressions: [], now: due) != nil)
    }

    @Test func aClaimedTimerIsHiddenForItsLeaseAndComesBack() throws {
        let timers = InMemoryEscalationTimers()
        try timers.schedule(alertID: "a", at: AlertFixtures.start)
        let claimed = try timers.claimDue(now: AlertFixtures.start, limit: 10, lease: 30)
        #expect(claimed.map(\.alertID) == ["a"])
        #expect(try timers.claimDue(now: AlertFixtures.start.addingTimeInterval(29), limit: 10, lease: 30).isEmpty)
        #expect(try timers.claimDue(now: AlertFixtures.start.addingTimeInterval(30), limit: 10, lease: 30) == claimed,
                "an unsettled claim returns with its original deadline")
    }
}
