import Foundation
import Testing
@testable import VigilCore

/// Short policies so due times are easy to read: P0 acknowledge 100 s, resolve 1000 s, warn at 80%.
let shortPolicies: [Severity: SLAPolicy] = [.critical: SLAPolicy(severity: .critical, acknowledgeWithin: 100, resolveWithin: 1000)]
let t0 = Date(timeIntervalSince1970: 1_750_500_000)

func dispatchEvent(_ kind: DispatchEventKind, at offset: TimeInterval, id: String = "d-1", severity: Severity = .critical) -> DispatchEvent {
    DispatchEvent(dispatchID: id, kind: kind, severity: severity, region: "eu-west", timestamp: t0.addingTimeInterval(offset))
}

@Suite("Dispatch lifecycle")
struct DispatchLifecycleTests {
    let lifecycle = DispatchLifecycle(policies: shortPolicies)

    func run(_ events: [DispatchEvent]) -> [DispatchTransition] {
        var record: DispatchRecord?
        return events.map { event in
            let transition = lifecycle.apply(event, to: record)
            record = transition.record
            return transition
        }
    }

    @Test func createdStartsBothClocksWithWarningAtEightyPercent() {
        let transition = lifecycle.apply(dispatchEvent(.created, at: 0), to: nil)
        #expect(transition.record.status == .created)
        let due = Dictionary(uniqueKeysWithValues: transition.schedule.map { ($0.key, $0.due.timeIntervalSince(t0)) })
        #expect(due == ["acknowledge|warning|d-1": 80, "acknowledge|breach|d-1": 100, "resolve|warning|d-1": 800, "resolve|breach|d-1": 1000])
    }

    @Test func fullLifecycleInOrder() {
        let steps = run([dispatchEvent(.created, at: 0), dispatchEvent(.assigned, at: 10), dispatchEvent(.acknowledged, at: 20),
                         dispatchEvent(.resolved, at: 300)])
        #expect(steps.map(\.record.status) == [.created, .assigned, .acknowledged, .resolved])
        #expect(steps.map(\.outcome) == [.applied, .applied, .applied, .applied])
        #expect(steps[1].schedule.isEmpty && steps[1].cancel.isEmpty, "assignment stops no clock")
        #expect(steps[2].cancel == ["acknowledge|breach|d-1", "acknowledge|warning|d-1"])
        #expect(steps[3].cancel == ["resolve|breach|d-1", "resolve|warning|d-1"])
        #expect(steps[3].record.timeToAcknowledge == 20 && steps[3].record.timeToResolve == 300)
    }

    @Test func acknowledgedBeforeAssignedKeepsTheFurthestStatus() {
        let steps = run([dispatchEvent(.created, at: 0), dispatchEvent(.acknowledged, at: 20), dispatchEvent(.assigned, at: 10)])
        #expect(steps.map(\.record.status) == [.created, .acknowledged, .acknowledged])
        #expect(steps[2].outcome == .applied && steps[2].record.times[.assigned] == t0.addingTimeInterval(10))
        #expect(steps[2].schedule.isEmpty && steps[2].cancel.isEmpty)
    }

    @Test func duplicatesChangeNothingButAnEarlierCopyWins() {
        let steps = run([dispatchEvent(.created, at: 0), dispatchEvent(.acknowledged, at: 20), dispatchEvent(.acknowledged, at: 20),
                         dispatchEvent(.acknowledged, at: 30), dispatchEvent(.acknowledged, at: 15)])
        #expect(steps.map(\.outcome) == [.applied, .applied, .duplicate, .duplicate, .applied])
        #expect(steps[4].record.timeToAcknowledge == 15)
        #expect(steps[4].cancel.isEmpty, "the acknowledge clock was already stopped")
    }

    @Test func resolvedTwiceIsADuplicate() {
        let steps = run([dispatchEvent(.created, at: 0), dispatchEvent(.resolved, at: 50), dispatchEvent(.resolved, at: 60)])
        #expect(steps[1].cancel.count == 4, "resolving without acknowledgement stops both clocks")
        #expect(steps[2].outcome == .duplicate)
    }

    @Test func eventsAfterCancelAreIgnored() {
        let steps = run([dispatchEvent(.created, at: 0), dispatchEvent(.cancelled, at: 5), dispatchEvent(.acknowledged, at: 6),
                         dispatchEvent(.resolved, at: 7)])
        #expect(steps[1].record.status == .cancelled && steps[1].cancel.count == 4)
        #expect(steps[2].outcome == .ignoredAfterTerminal && steps[3].outcome == .ignoredAfterTerminal)
        #expect(steps[3].record.status == .cancelled)
    }

    @Test func cancelAfterResolveIsIgnoredButLateEarlierStagesFillIn() {
        let steps = run([dispatchEvent(.created, at: 0), dispatchEvent(.resolved, at: 50), dispatchEvent(.cancelled, at: 60),
                         dispatchEvent(.acknowledged, at: 30)])
        #expect(steps[2].outcome == .ignoredAfterTerminal)
        #expect(steps[3].outcome == .applied && steps[3].record.status == .resolved && steps[3].record.timeToAcknowledge == 30)
        #expect(steps[3].schedule.isEmpty)
    }

    @Test func eventBeforeCreatedStartsTheClockAndALateCreatedMovesItBack() {
        let steps = run([dispatchEvent(.assigned, at: 10), dispatchEvent(.created, at: 0)])
        #expect(steps[0].record.startedAt == t0.addingTimeInterval(10) && steps[0].schedule.count == 4)
        #expect(steps[1].record.startedAt == t0 && steps[1].record.status == .assigned)
        #expect(steps[1].schedule.first { $0.key == "acknowledge|breach|d-1" }?.due == t0.addingTimeInterval(100), "clocks re-timed")
    }

    @Test func severityChangeRetimesTheRunningClocks() {
        let lifecycle = DispatchLifecycle(policies: shortPolicies.merging(
            [.high: SLAPolicy(severity: .high, acknowledgeWithin: 200, resolveWithin: 2000)]) { a, _ in a })
        let first = lifecycle.apply(dispatchEvent(.created, at: 0, severity: .high), to: nil)
        let second = lifecycle.apply(dispatchEvent(.assigned, at: 5, severity: .critical), to: first.record)
        #expect(first.schedule.first { $0.key == "acknowledge|breach|d-1" }?.due == t0.addingTimeInterval(200))
        #expect(second.schedule.first { $0.key == "acknowledge|breach|d-1" }?.due == t0.addingTimeInterval(100))
    }

    @Test func policyValidationNamesTheField() {
        #expect(SLAPolicy(severity: .low, acknowledgeWithin: 0, resolveWithin: 1).problem?.hasPrefix("acknowledge_within_seconds") == true)
        #expect(SLAPolicy(severity: .low, acknowledgeWithin: 1, resolveWithin: 1, warningFraction: 1).problem?.hasPrefix("warning_fraction") == true)
        #expect(SLAPolicy.defaults.values.allSatisfy { $0.problem == nil })
    }

    @Test func decodesTheWireFormatAndRejectsUnknownEvents() throws {
        let decoder = InputDecoder()
        let json = #"{"dispatch_id":"d-9","event":"acknowledged","severity":"P1","region":"us.east","timestamp":"2025-06-21T10:00:00Z","unit_id":"u-1"}"#
        let event = try decoder.decode(DispatchEvent.self, from: Data(json.utf8))
        #expect(event.kind == .acknowledged && event.severity == .high && event.unitID == "u-1")
        let bad = json.replacingOccurrences(of: "acknowledged", with: "teleported")
        #expect(throws: InputError.self) { try decoder.decode(DispatchEvent.self, from: Data(bad.utf8)) }
        do {
            _ = try decoder.decode(DispatchEvent.self, from: Data(bad.utf8))
        } catch {
            #expect(error.field == "event")
        }
    }
}
