import Foundation
import Synchronization
import Testing
@testable import VigilCore
import VigilPostgres
import VigilRedis
@testable import VigilService

/// Breaker state in the redis-server and PostgreSQL of `scripts/stack.sh up`.
@Suite("Violation windows, breakers and incidents with Redis and PostgreSQL", .serialized)
struct BreakerRedisTests {
    static func redis() throws -> RedisClient {
        try RedisClient(configuration: RedisConfiguration(url: try TestStack.value("VIGIL_REDIS_URL")), poolSize: 2)
    }

    static func prefix() -> String { "vigil-test:\(TestStack.uniqueToken()):" }

    @Test("conformance with Redis", arguments: ViolationWindowConformance.all)
    func conformance(_ scenario: ViolationWindowConformance) throws {
        let client = try Self.redis()
        defer { client.close() }
        let prefix = Self.prefix()
        let problems = try scenario.run(windows: RedisViolationWindowStore(client: client, keyPrefix: prefix),
                                        breakers: RedisBreakerStore(client: client, keyPrefix: prefix), scope: "s")
        #expect(problems.isEmpty, "\(scenario.name): \(problems.joined(separator: "; "))")
    }

    @Test func theValidatorReadsATrippedBreakerAndAQuarantine() throws {
        let client = try Self.redis()
        defer { client.close() }
        let prefix = Self.prefix()
        let store = RedisBreakerStore(client: client, keyPrefix: prefix)
        let controller = BreakerController(machine: BreakerStateMachine(), store: store)
        let trip = BreakerStateMachine.Event.trip(reason: "1 CRITICAL", severity: .critical, count: 1, window: 0, cause: "v", at: Date())
        _ = try controller.apply(trip, scope: "portfolio:p1")
        _ = try store.quarantine(feature: "momentum_5d", reason: "FUTURE_LEAKAGE", cause: "v")
        let snapshot = try RedisEnforcementState(client: client, keyPrefix: prefix)
            .snapshot(scopes: ["portfolio:p1", "global"], features: ["momentum_5d"])
        #expect(snapshot.breakers["portfolio:p1"] == .open(reason: "1 CRITICAL"))
        #expect(snapshot.breakers["global"] == nil)
        #expect(snapshot.quarantined["momentum_5d"] == "FUTURE_LEAKAGE")
        _ = try controller.apply(.halfOpen(note: "", at: Date()), scope: "portfolio:p1")
        let half = try RedisEnforcementState(client: client, keyPrefix: prefix).breakers(for: ["portfolio:p1"])
        #expect(half["portfolio:p1"] == .halfOpen(percent: 10))
    }

    @Test func threeInstancesRacingTripOnce() throws {
        let prefix = Self.prefix()
        let clients = try (0..<3).map { _ in try Self.redis() }
        defer { clients.forEach { $0.close() } }
        let trips = Mutex<[BreakerTransition]>([])
        let at = Date()
        // Ten MEDIUM violations spread over three instances, each batch of the same violations
        // also redelivered to another instance: exactly one trip of each scope.
        let violations = (0..<10).map {
            DetectedViolation(id: "v\($0)", domain: .reported, violationType: "ARRIVAL_DELAY", severity: .medium, description: "d",
                              serviceName: "svc", detectedAt: at)
        }
        DispatchQueue.concurrentPerform(iterations: 6) { index in
            let client = clients[index % 3]
            let engine = EnforcementEngine(policy: EnforcementPolicy(), windows: RedisViolationWindowStore(client: client, keyPrefix: prefix),
                                           breakers: RedisBreakerStore(client: client, keyPrefix: prefix))
            for violation in violations.shuffled() {
                if let outcome = try? engine.respond([violation], at: at) {
                    trips.withLock { $0 += outcome.transitions }
                }
            }
        }
        let made = trips.withLock { $0 }
        // A redelivery of the tripping violation may re-emit its trip (same sequence): count distinct ones.
        let distinct = Set(made.map { "\($0.scope)#\($0.sequence)" })
        #expect(distinct == ["global#1", "service:svc#1"])
        #expect(try RedisBreakerStore(client: clients[0], keyPrefix: prefix).status("global").sequence == 1)
    }
}

@Suite("Enforcement responder with Redis and PostgreSQL", .serialized)
struct EnforcementResponderTests {
    /// A responder over the test Redis (a key prefix of its own) and a manual clock; close the client.
    static func responder(alerts: any AlertSink) throws -> (RedisClient, ManualClock, EnforcementResponder) {
        try APITestServer.migrate()
        let client = try BreakerRedisTests.redis()
        let prefix = BreakerRedisTests.prefix()
        let clock = ManualClock(Date())
        let engine = EnforcementEngine(policy: EnforcementPolicy(), windows: RedisViolationWindowStore(client: client, keyPrefix: prefix),
                                       breakers: RedisBreakerStore(client: client, keyPrefix: prefix))
        return (client, clock, EnforcementResponder(engine: engine, alerts: alerts, clock: clock))
    }

    @Test func tenMediumTripOnceWithRowsAndIncidentAndRedeliveryChangesNothing() throws {
        let (client, clock, responder) = try Self.responder(alerts: NoResponse())
        defer { client.close() }
        let service = "svc-\(TestStack.uniqueToken())"
        let batch = (0..<10).map {
            DetectedViolation(id: "\(service)-v\($0)", domain: .reported, violationType: "ARRIVAL_DELAY", severity: .medium,
                              description: "late", serviceName: service, occurredAt: clock.now().addingTimeInterval(-30),
                              detectedAt: clock.now())
        }
        let connection = try TestStack.postgres()
        let first = try connection.transaction { try responder.handle(batch, on: $0) }
        let scope = "service:\(service)"
        #expect(first.map(\.subject).contains("vigil.events.breaker.tripped.\(SubjectToken.sanitize(scope))"))
        #expect(first.map(\.subject).contains("vigil.events.enforcement.stop_trading"))
        clock.advance(by: 1)
        let second = try connection.transaction { try responder.handle(batch, on: $0) }
        #expect(Set(second.map(\.id)).isSubset(of: Set(first.map(\.id))), "a redelivery re-emits only the same event ids")
        let rows = try connection.query("SELECT count(*) AS n FROM breaker_transitions WHERE scope = $1", [.text(scope)])
        #expect(try rows.rows[0].int("n") == 1)
        let actions = try connection.query("SELECT count(*) AS n FROM enforcement_actions WHERE service_name = $1", [.text(service)])
        #expect(try actions.rows[0].int("n") == 10)
        let incident = try connection.query("""
            SELECT i.id, i.mttd_seconds FROM incidents i JOIN incident_causes c ON c.incident_id = i.id
            WHERE c.kind = 'breaker' AND c.target = $1
            """, [.text(scope)])
        #expect(incident.rows.count == 1)
        #expect(try incident.rows.first?.string("id").hasPrefix("PIT-") == true)
        #expect(try incident.rows.first?.double("mttd_seconds") ?? 0 >= 30)
    }
}

/// An alert sink that remembers the signals it was handed.
private final class RecordingAlerts: AlertSink, Sendable {
    let signals = Mutex<[AlertSignal]>([])
    func raise(_ signals: [AlertSignal], on connection: PostgresConnection) throws -> [OutboundEvent] {
        self.signals.withLock { $0 += signals }
        return []
    }
}

private struct Rollback: Error {}

extension EnforcementResponderTests {
    @Test("a batch whose transaction was rolled back gets its actions and alerts when redelivered, and only once")
    func aRolledBackBatchIsRespondedToAgain() throws {
        let alerts = RecordingAlerts()
        let (client, clock, responder) = try Self.responder(alerts: alerts)
        defer { client.close() }
        let service = "svc-\(TestStack.uniqueToken())"
        let batch = (0..<3).map {
            DetectedViolation(id: "\(service)-v\($0)", domain: .reported, violationType: "ARRIVAL_DELAY", severity: .medium,
                              description: "late", serviceName: service, detectedAt: clock.now())
        }
        let connection = try TestStack.postgres()
        func actionRows() throws -> Int {
            try connection.query("SELECT count(*) AS n FROM enforcement_actions WHERE service_name = $1", [.text(service)]).rows[0].int("n")
        }

        // The first attempt counts the violations in Redis, but its transaction is rolled back
        // (another row of the batch was refused, or the database went away).
        #expect(throws: Rollback.self) {
            try connection.transaction { connection in
                _ = try responder.handle(batch, on: connection)
                throw Rollback()
            }
        }
        #expect(try actionRows() == 0)
        #expect(alerts.signals.withLock { $0.count } == 3)

        // The redelivery finds them counted but not recorded: actions and alerts are made again.
        clock.advance(by: 1)
        _ = try connection.transaction { try responder.handle(batch, on: $0) }
        #expect(try actionRows() == 3)
        #expect(alerts.signals.withLock { $0.count } == 6)

        // A redelivery after a committed attempt changes nothing.
        clock.advance(by: 1)
        _ = try connection.transaction { try responder.handle(batch, on: $0) }
        #expect(try actionRows() == 3)
        #expect(alerts.signals.withLock { $0.count } == 6)
    }
}

@Suite("Enforcement admin with PostgreSQL", .serialized)
struct EnforcementAdminTests {
    @Test func halfOpenStepsUpOnTicksThenClosesAndResolvesTheIncident() throws {
        try APITestServer.migrate()
        let database = PostgresClient(configuration: try APITestServer.databaseConfiguration(), logger: TestStack.quietLogger)
        defer { database.close() }
        let clock = ManualClock(Date())
        let store = InMemoryBreakerStore()
        let engine = EnforcementEngine(policy: EnforcementPolicy(), windows: InMemoryViolationWindowStore(), breakers: store)
        let responder = EnforcementResponder(engine: engine, alerts: NoResponse(), clock: clock)
        let admin = EnforcementAdmin(controller: BreakerController(machine: BreakerStateMachine(), store: store), database: database, clock: clock)
        let token = TestStack.uniqueToken()
        let critical = DetectedViolation(id: "crit-\(token)", domain: .reported, violationType: "FUTURE_LEAKAGE", severity: .critical,
                                         description: "leak", portfolioID: "pf-\(token)", occurredAt: clock.now().addingTimeInterval(-2),
                                         detectedAt: clock.now())
        let events = try database.withConnection { connection in try connection.transaction { try responder.handle([critical], on: $0) } }
        #expect(events.filter { $0.subject.hasPrefix("vigil.events.breaker.tripped.") }.count == 2, "global and the portfolio")
        let scope = "portfolio:pf-\(token)"
        #expect(try admin.halfOpen(scope: scope, note: "fixed").transition?.percent == 10)
        var percents: [Int] = []
        for _ in 0..<4 {
            clock.advance(by: 300)
            let stepped = try admin.tick().filter { $0.subject.hasPrefix("vigil.events.breaker.") && $0.subject.hasSuffix(SubjectToken.sanitize(scope)) }
            percents.append(try store.status(scope).percent)
            #expect(stepped.count == 1)
        }
        #expect(percents == [25, 50, 100, 100])
        #expect(try store.status(scope).phase == .closed)
        _ = try admin.reset(scope: "global", note: "fixed")
        let connection = try TestStack.postgres()
        defer { connection.close() }
        let incident = try connection.query("""
            SELECT i.status, i.mttd_seconds, i.mttr_seconds FROM incidents i JOIN incident_causes c ON c.incident_id = i.id
            WHERE c.kind = 'breaker' AND c.target = $1
            """, [.text(scope)]).rows[0]
        #expect(try incident.string("status") == "resolved")
        #expect(try incident.double("mttd_seconds") == 2)
        #expect(try incident.double("mttr_seconds") == 1200)
        let timeline = try connection.query("""
            SELECT count(*) AS n FROM incident_timeline t JOIN incident_causes c ON c.incident_id = t.incident_id
            WHERE c.kind = 'breaker' AND c.target = $1
            """, [.text(scope)]).rows[0]
        #expect(try timeline.int("n") >= 6, "trips, half-open, steps and reset")
    }
}
