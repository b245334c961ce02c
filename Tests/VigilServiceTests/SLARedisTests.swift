import Dispatch
import Foundation
import Synchronization
import Testing
import VigilCore
import VigilRedis
import VigilService

/// The redis-server of `scripts/stack.sh up` (VIGIL_REDIS_URL); a missing setting fails the test.
private func redisClient() throws -> RedisClient {
    guard let url = ProcessInfo.processInfo.environment["VIGIL_REDIS_URL"], !url.isEmpty else {
        throw SLAError("VIGIL_REDIS_URL is not set: run scripts/test.sh, or scripts/stack.sh up and source .vigil/env")
    }
    return try RedisClient(configuration: RedisConfiguration(url: url), poolSize: 2)
}

private func uniquePrefix() -> String { "vigil-test:\(UInt64.random(in: 0...UInt64.max)):" }

private let start = Date(timeIntervalSince1970: 1_750_500_000)

private func timers(_ count: Int) -> [SLATimer] {
    (0..<count).flatMap { index in
        SLAStage.allCases.map { stage in
            SLATimer(dispatchID: "d-\(index)", target: .acknowledge, stage: stage, severity: .critical, region: "eu",
                     startedAt: start, deadline: start.addingTimeInterval(10), due: start.addingTimeInterval(stage == .warning ? 8 : 10))
        }
    }
}

@Suite("SLA timers and dispatch state in Redis", .serialized)
struct SLARedisTests {
    @Test func twoInstancesRacingClaimEachTimerExactlyOnce() throws {
        let prefix = uniquePrefix()
        let stores = try (0..<2).map { _ in RedisSLATimerStore(client: try redisClient(), keyPrefix: prefix) }
        try stores[0].schedule(timers(400))
        let claimed = Mutex<[String: Int]>([:])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { instance in
            do {
                while true {
                    let batch = try stores[instance].claimDue(at: start.addingTimeInterval(11), lease: 30, limit: 7)
                    if batch.isEmpty { break }
                    claimed.withLock { for timer in batch { $0[timer.key, default: 0] += 1 } }
                    try stores[instance].complete(batch.map(\.key))
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let counts = claimed.withLock { $0 }
        #expect(counts.count == 800, "every warning and breach claimed")
        #expect(counts.values.allSatisfy { $0 == 1 }, "none claimed twice")
        #expect(try stores[1].count() == 0)
    }

    @Test func aClaimThatIsNeverCompletedFiresAgainAfterItsLease() throws {
        let prefix = uniquePrefix()
        let crashed = RedisSLATimerStore(client: try redisClient(), keyPrefix: prefix)
        try crashed.schedule(timers(1))
        let first = try crashed.claimDue(at: start.addingTimeInterval(9), lease: 5, limit: 10)
        #expect(first.map(\.stage) == [.warning])
        // The claimer "crashes": a new instance (new client) takes over.
        let survivor = RedisSLATimerStore(client: try redisClient(), keyPrefix: prefix)
        #expect(try survivor.claimDue(at: start.addingTimeInterval(13.9), lease: 5, limit: 10).map(\.stage) == [.breach],
                "the warning is leased; the breach is due")
        let again = try survivor.claimDue(at: start.addingTimeInterval(14), lease: 5, limit: 10)
        #expect(again == first, "the warning is re-fired once its lease ends")
        try survivor.complete(again.map(\.key))
        #expect(try survivor.claimDue(at: start.addingTimeInterval(100), lease: 5, limit: 10).map(\.stage) == [.breach],
                "the uncompleted breach comes back too, the completed warning does not")
    }

    @Test func cancelRemovesQueuedAndInFlightTimersAndRescheduleMoves() throws {
        let store = RedisSLATimerStore(client: try redisClient(), keyPrefix: uniquePrefix())
        let pair = timers(1)
        try store.schedule(pair)
        _ = try store.claimDue(at: start.addingTimeInterval(8), lease: 5, limit: 1)
        try store.cancel(pair.map(\.key))
        #expect(try store.count() == 0)
        var moved = pair[1]
        try store.schedule([pair[1]])
        moved.due = start.addingTimeInterval(50)
        try store.schedule([moved])
        #expect(try store.claimDue(at: start.addingTimeInterval(20), lease: 5, limit: 10).isEmpty)
        #expect(try store.claimDue(at: start.addingTimeInterval(50), lease: 5, limit: 10) == [moved])
    }

    @Test func monitorsOnTwoInstancesAgreeOnDispatchStateAndFireOnce() throws {
        let prefix = uniquePrefix()
        let clock = ManualClock(start)
        let monitors = try (0..<2).map { _ in
            let client = try redisClient()
            return SLAMonitor(lifecycle: DispatchLifecycle(), states: RedisDispatchStateStore(client: client, keyPrefix: prefix),
                              timers: RedisSLATimerStore(client: client, keyPrefix: prefix), clock: clock)
        }
        let kinds: [DispatchEventKind] = [.created, .assigned, .acknowledged]
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { instance in
            do {
                for index in 0..<100 {
                    // Both instances get every event of every dispatch (at-least-once delivery, racing).
                    _ = try monitors[instance].ingest(kinds.map {
                        DispatchEvent(dispatchID: "d-\(index)", kind: $0, severity: .high, region: "eu",
                                      timestamp: start.addingTimeInterval(Double($0.stage)))
                    })
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let states = RedisDispatchStateStore(client: try redisClient(), keyPrefix: prefix)
        #expect(try states.countByStatus().filter { $0.value > 0 } == [.acknowledged: 100])
        #expect(try states.load("d-7")?.record.status == .acknowledged)
        clock.advance(by: 10 * 86400)
        var fired: [SLAFiring] = []
        while true {
            let batch = try monitors[fired.count % 2].claimDue(lease: 30, limit: 64)
            if batch.isEmpty { break }
            try monitors[0].complete(batch)
            fired += batch
        }
        #expect(fired.count == 200 && Set(fired.map(\.id)).count == 200, "each resolve warning and breach fires once")
        #expect(fired.allSatisfy { $0.target == .resolve }, "no acknowledge timer survives the acknowledgements")
    }
}

@Suite("SLA engine throughput on Redis")
struct SLAEngineThroughputTests {
    @Test("engine alone on Redis: events/s (printed for docs/performance.md)")
    func engineThroughput() throws {
        let prefix = uniquePrefix()
        let client = try redisClient()
        let monitor = SLAMonitor(lifecycle: DispatchLifecycle(), states: RedisDispatchStateStore(client: client, keyPrefix: prefix),
                                 timers: RedisSLATimerStore(client: client, keyPrefix: prefix), clock: ManualClock(start))
        let events = (0..<3000).flatMap { index in
            [DispatchEventKind.created, .acknowledged, .resolved].enumerated().map { offset, kind in
                DispatchEvent(dispatchID: "t-\(index)", kind: kind, severity: .medium, region: "r\(index % 8)",
                              timestamp: start.addingTimeInterval(Double(offset)))
            }
        }
        let clock = ContinuousClock()
        let began = clock.now
        let updates = try monitor.ingest(events)
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("SLA engine on Redis: \(events.count) events in \(String(format: "%.2f", seconds)) s = \(Int(Double(events.count) / seconds)) events/s")
        #expect(updates.allSatisfy { $0.transition.outcome == .applied })
        #expect(try RedisSLATimerStore(client: client, keyPrefix: prefix).count() == 0, "every clock stopped")
    }
}

@Suite("Dispatch metrics in Redis")
struct DispatchMetricsRedisTests {
    @Test func twoInstancesAddIntoOnePictureThatExpires() throws {
        let prefix = uniquePrefix()
        let stores = try (0..<2).map { _ in RedisDispatchMetricsStore(client: try redisClient(), keyPrefix: prefix) }
        let minute = DispatchMetricFields.minute(of: Date())
        try stores[0].add([minute: ["e:created": 2, "ta:n": 1], minute - 3: ["e:created": 1]])
        try stores[1].add([minute: ["e:created": 3]])
        let read = try stores[1].buckets((minute - 10)...minute)
        #expect(read == [minute: ["e:created": 5, "ta:n": 1], minute - 3: ["e:created": 1]])
        let ttl = try redisClient().withConnection { try $0.command("PTTL", RedisArgument("\(prefix)dispatch:metrics:\(minute)")) }.int ?? 0
        #expect(ttl > 24 * 3600 * 1000 && ttl <= 25 * 3600 * 1000)
    }
}
