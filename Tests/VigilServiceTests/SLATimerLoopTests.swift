import Foundation
import Testing
import VigilCore
import VigilNATS
import VigilPostgres
import VigilRedis
@testable import VigilService

/// The timer loop against the Redis, PostgreSQL and NATS of `scripts/stack.sh up`.
@Suite("SLA timer loop", .serialized)
struct SLATimerLoopTests {
    @Test("a timer PostgreSQL refuses (a NUL stored before input checks refused it) is dropped; the others fire")
    func aRefusedTimerDoesNotHoldBackTheOthers() throws {
        try TestStack.requireAll()
        try APITestServer.migrate()
        let token = TestStack.uniqueToken()
        let redis = try RedisClient(configuration: RedisConfiguration(url: try TestStack.value("VIGIL_REDIS_URL")), poolSize: 2)
        defer { redis.close() }
        let nats = try TestStack.nats()
        defer { nats.close() }
        let jetStream = try nats.jetStream()
        try jetStream.ensureStream(VigilConfiguration().streams.events.streamConfiguration)
        let database = PostgresClient(configuration: try PostgresConfiguration(url: try TestStack.value("VIGIL_DATABASE_URL")))
        let prefix = "vigil-test:\(token):"
        let start = Date().addingTimeInterval(-30 * 86_400)
        let clock = ManualClock(start)
        let engine = SLAEngine(
            states: RedisDispatchStateStore(client: redis, keyPrefix: prefix), timers: RedisSLATimerStore(client: redis, keyPrefix: prefix),
            metricsStore: RedisDispatchMetricsStore(client: redis, keyPrefix: prefix), policies: SLAPolicyBook(), clock: clock,
            factory: SLAEventFactory(), decoder: InputDecoder(), violations: NoResponse(), alerts: NoResponse())
        // Dispatch state as an older build could store it: Redis takes the NUL, PostgreSQL will not.
        let (good, bad) = ("ok-\(token)", "nul-\(token)")
        _ = try engine.monitor().ingest([
            DispatchEvent(dispatchID: good, kind: .created, severity: .high, region: "eu", timestamp: start),
            DispatchEvent(dispatchID: bad, kind: .created, severity: .high, region: "eu\u{0}", timestamp: start),
            DispatchEvent(dispatchID: good + "-2", kind: .created, severity: .high, region: "us", timestamp: start),
        ])
        clock.advance(by: 10 * 86_400)
        let loop = SLATimerLoop(engine: engine, publisher: jetStream, database: database, configuration: SLAConfiguration(),
                                metrics: VigilMetrics(), logger: TestStack.quietLogger)
        var claimed = 0
        while true {
            let count = try loop.tick()
            if count == 0 { break }
            claimed += count
        }
        #expect(claimed >= 6, "every dispatch's timers were claimed (\(claimed))")
        let connection = try TestStack.postgres()
        defer { connection.close() }
        func rows(_ dispatch: String) throws -> Int {
            try connection.query("SELECT count(*)::int8 AS n FROM sla_events WHERE dispatch_id = $1", [.text(dispatch)]).rows[0].int("n")
        }
        #expect(try rows(good) >= 2 && rows(good + "-2") >= 2, "the valid dispatches' warnings and breaches fired")
        #expect(try rows(bad) == 0)
        #expect(try engine.monitor().claimDue(lease: 30, limit: 100).isEmpty, "the refused timers are gone, not retried for ever")
    }
}
