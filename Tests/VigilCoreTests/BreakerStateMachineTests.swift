import Foundation
import Testing
@testable import VigilCore

@Suite("Breaker state machine")
struct BreakerStateMachineTests {
    let machine = BreakerStateMachine(halfOpenSteps: [10, 25, 50, 100], stepInterval: 300)
    let t0 = Date(timeIntervalSince1970: 1_750_500_000)

    func trip(at seconds: Double = 0) -> BreakerStateMachine.Event {
        .trip(reason: "10 MEDIUM", severity: .medium, count: 10, window: 900, cause: "v10", at: t0.addingTimeInterval(seconds))
    }

    @Test func closedTripsToOpen() throws {
        let (status, transition) = try #require(machine.handle(trip(), .closed("global")))
        #expect(status.phase == .open && status.percent == 0 && status.sequence == 1)
        #expect(transition.from == .closed && transition.to == .open && !transition.manual)
        #expect(transition.severity == .medium && transition.count == 10 && transition.window == 900 && transition.cause == "v10")
        #expect(status.lastTrip == transition)
    }

    @Test func openIgnoresTripsTicksAndHalfOpenOnlyFromOpen() throws {
        let (open, _) = try #require(machine.handle(trip(), .closed("global")))
        #expect(machine.handle(trip(at: 1), open) == nil, "a second trip while open changes nothing")
        #expect(machine.handle(.tick(at: t0.addingTimeInterval(9999)), open) == nil, "open never half-opens by itself")
        #expect(machine.handle(.reset(note: "n", at: t0), .closed("global")) == nil)
        #expect(machine.handle(.halfOpen(note: "n", at: t0), .closed("global")) == nil)
        #expect(machine.handle(.tick(at: t0), .closed("global")) == nil)
    }

    @Test func halfOpenStepsUpEveryIntervalThenCloses() throws {
        let (open, _) = try #require(machine.handle(trip(), .closed("global")))
        var (status, transition) = try #require(machine.handle(.halfOpen(note: "fixed", at: t0.addingTimeInterval(60)), open))
        #expect(status.phase == .halfOpen && status.percent == 10 && transition.manual)
        #expect(machine.handle(.tick(at: t0.addingTimeInterval(60 + 299.999)), status) == nil, "not before the interval")
        var seen: [Int] = []
        var at = 60.0
        while status.phase == .halfOpen {
            at += 300
            (status, transition) = try #require(machine.handle(.tick(at: t0.addingTimeInterval(at)), status))
            seen.append(status.percent)
        }
        #expect(seen == [25, 50, 100, 100])
        #expect(status.phase == .closed && transition.to == .closed && !transition.manual && status.sequence == 6)
    }

    @Test func halfOpenReTripsAndResets() throws {
        let (open, _) = try #require(machine.handle(trip(), .closed("global")))
        let (half, _) = try #require(machine.handle(.halfOpen(note: "", at: t0), open))
        #expect(half.reason == open.reason, "an empty note keeps the trip's reason")
        let (reopened, retrip) = try #require(machine.handle(trip(at: 10), half))
        #expect(reopened.phase == .open && retrip.from == .halfOpen && retrip.to == .open)
        let (closed, reset) = try #require(machine.handle(.reset(note: "root cause fixed", at: t0), half))
        #expect(closed.phase == .closed && closed.percent == 100 && reset.manual && reset.reason == "root cause fixed")
        let (closedFromOpen, _) = try #require(machine.handle(.reset(note: "x", at: t0), open))
        #expect(closedFromOpen.phase == .closed)
    }

    @Test func controllerAppliesOnceUnderCompareAndSet() throws {
        let store = InMemoryBreakerStore()
        let controller = BreakerController(machine: machine, store: store)
        #expect(try controller.apply(trip(), scope: "global") != nil)
        #expect(try controller.apply(trip(at: 1), scope: "global") == nil)
        #expect(try store.status("global").phase == .open)
    }
}
