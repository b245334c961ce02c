import Foundation
import Testing
@testable import VigilCore

@Suite("SLA monitor with timers")
struct SLAMonitorTests {
    let clock = ManualClock(t0)
    let timers = InMemorySLATimerStore()
    var monitor: SLAMonitor {
        SLAMonitor(lifecycle: DispatchLifecycle(policies: shortPolicies), states: InMemoryDispatchStateStore(), timers: timers, clock: clock)
    }

    func fire(_ monitor: SLAMonitor) throws -> [String] {
        let firings = try monitor.claimDue(lease: 30, limit: 100)
        try monitor.complete(firings)
        return firings.map { "\($0.target.rawValue) \($0.stage.rawValue)" }
    }

    @Test func warningAtEightyPercentThenBreachEachOnce() throws {
        let monitor = monitor
        _ = try monitor.ingest([dispatchEvent(.created, at: 0)])
        clock.advance(by: 79.9)
        #expect(try fire(monitor).isEmpty)
        clock.advance(by: 0.1)
        #expect(try fire(monitor) == ["acknowledge warning"])
        #expect(try fire(monitor).isEmpty, "fired once")
        clock.advance(by: 20)
        #expect(try fire(monitor) == ["acknowledge breach"])
        clock.advance(by: 2000)
        #expect(try fire(monitor) == ["resolve warning", "resolve breach"])
        #expect(try timers.count() == 0)
    }

    @Test func acknowledgementCancelsTheAcknowledgeTimers() throws {
        let monitor = monitor
        _ = try monitor.ingest([dispatchEvent(.created, at: 0)])
        clock.advance(by: 85)
        #expect(try fire(monitor) == ["acknowledge warning"])
        _ = try monitor.ingest([dispatchEvent(.acknowledged, at: 90)])
        clock.advance(by: 100)
        #expect(try fire(monitor).isEmpty, "no acknowledge breach after acknowledgement")
        #expect(try timers.count() == 2)
    }

    @Test func cancellationStopsEverything() throws {
        let monitor = monitor
        _ = try monitor.ingest([dispatchEvent(.created, at: 0), dispatchEvent(.cancelled, at: 1)])
        clock.advance(by: 5000)
        #expect(try fire(monitor).isEmpty)
        #expect(try timers.count() == 0)
    }

    @Test func redeliveredEventsScheduleNothingTwice() throws {
        let monitor = monitor
        _ = try monitor.ingest([dispatchEvent(.created, at: 0)])
        clock.advance(by: 100)
        #expect(try fire(monitor) == ["acknowledge warning", "acknowledge breach"])
        let again = try monitor.ingest([dispatchEvent(.created, at: 0)])
        #expect(again[0].transition.outcome == .duplicate)
        #expect(try fire(monitor).isEmpty, "a redelivered created does not re-arm fired timers")
    }

    @Test func aLateAcknowledgementReportsTheBreachWithTheTimersId() throws {
        let monitor = monitor
        let updates = try monitor.ingest([dispatchEvent(.created, at: 0), dispatchEvent(.acknowledged, at: 150)])
        let ids = updates[1].firings.map(\.id)
        #expect(ids == [SLAFiring.id(dispatchID: "d-1", target: .acknowledge, stage: .warning),
                        SLAFiring.id(dispatchID: "d-1", target: .acknowledge, stage: .breach)])
        #expect(updates[1].firings.last?.violation?.violationType == "SLA_ACKNOWLEDGE_BREACH")
    }

    @Test func anUncompletedClaimIsReleasedAfterItsLease() throws {
        let monitor = monitor
        _ = try monitor.ingest([dispatchEvent(.created, at: 0)])
        clock.advance(by: 80)
        let crashed = try monitor.claimDue(lease: 30, limit: 10)
        #expect(crashed.map(\.stage) == [.warning])
        clock.advance(by: 15)
        #expect(try monitor.claimDue(lease: 30, limit: 10).isEmpty, "leased, and the breach is not due yet")
        clock.advance(by: 15)
        let refired = try monitor.claimDue(lease: 30, limit: 10)
        #expect(refired.map(\.id).contains(crashed[0].id), "the crashed claim fires again with the same id")
    }

    @Test func eventsCarryTheContractSubjects() throws {
        let timer = SLATimer(dispatchID: "d-1", target: .resolve, stage: .breach, severity: .high, region: "us.east 1",
                             startedAt: t0, deadline: t0.addingTimeInterval(10), due: t0.addingTimeInterval(10))
        let events = try SLAEventFactory().events(for: SLAFiring(timer: timer, firedAt: t0.addingTimeInterval(11)))
        #expect(events.map(\.subject) == ["vigil.events.sla.breach.us_east_1", "vigil.events.violation.sla.high"])
        let warning = SLAFiring(timer: SLATimer(dispatchID: "d", target: .acknowledge, stage: .warning, severity: .low, region: "r",
                                                startedAt: t0, deadline: t0, due: t0), firedAt: t0)
        #expect(try SLAEventFactory().events(for: warning).map(\.subject) == ["vigil.events.sla.warning.r"])
        #expect(warning.alert.dedupKey == "sla:acknowledge:d" && warning.alert.labels["region"] == "r")
    }
}

@Suite("SLA monitor against stale timers")
struct SLAStaleTimerTests {
    @Test func aTimerWrittenAfterItsClockStoppedDoesNotFire() throws {
        let clock = ManualClock(t0)
        let timers = InMemorySLATimerStore()
        let monitor = SLAMonitor(lifecycle: DispatchLifecycle(policies: shortPolicies), states: InMemoryDispatchStateStore(),
                                 timers: timers, clock: clock)
        let created = try monitor.ingest([dispatchEvent(.created, at: 0), dispatchEvent(.acknowledged, at: 5)])
        // Another instance's late write of the creation's timers, after the acknowledgement cancelled them.
        try timers.schedule(DispatchLifecycle(policies: shortPolicies).apply(created[0].event, to: nil).schedule)
        clock.advance(by: 2000)
        let fired = try monitor.claimDue(lease: 30, limit: 10)
        #expect(fired.map(\.target) == [.resolve, .resolve])
        #expect(try timers.count() == 2, "only the fired ones await completion")
    }

    @Test func aTimerWithAStaleDueTimeIsPutBackAtTheRightTime() throws {
        let clock = ManualClock(t0)
        let timers = InMemorySLATimerStore()
        let monitor = SLAMonitor(lifecycle: DispatchLifecycle(policies: shortPolicies), states: InMemoryDispatchStateStore(),
                                 timers: timers, clock: clock)
        _ = try monitor.ingest([dispatchEvent(.created, at: 0)])
        var early = DispatchLifecycle(policies: shortPolicies).apply(dispatchEvent(.created, at: 0), to: nil).schedule[1]
        early.due = t0.addingTimeInterval(10)
        try timers.schedule([early])
        clock.advance(by: 10)
        #expect(try monitor.claimDue(lease: 30, limit: 10).isEmpty)
        clock.advance(by: 90)
        #expect(try monitor.claimDue(lease: 30, limit: 10).map(\.stage) == [.warning, .breach])
    }
}
