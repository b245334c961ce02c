import Dispatch
import Foundation
import Synchronization
import Testing
import VigilCore
import VigilPostgres
import VigilRedis
@testable import VigilService

/// Alerts against the stack's PostgreSQL and Redis: the audit trail, CRUD, and two instances
/// racing on the same escalation timers.
@Suite("Alerts with PostgreSQL and Redis", .serialized)
struct AlertIntegrationTests {
    // Each instance (and its connection) is used by one thread at a time.
    struct Instance: @unchecked Sendable {
        let responder: AlertResponder
        let notifier: RecordingNotifier
        let postgres: PostgresConnection
    }

    static func instance(prefix: String, clock: ManualClock) throws -> Instance {
        let redis = try RedisClient(configuration: RedisConfiguration(url: try TestStack.value("VIGIL_REDIS_URL")), poolSize: 1)
        let notifier = RecordingNotifier()
        let responder = AlertResponder(lifecycle: AlertLifecycle(lease: 30), timers: RedisEscalationTimers(client: redis, keyPrefix: prefix),
                                       notifier: notifier, clock: clock)
        return Instance(responder: responder, notifier: notifier, postgres: try TestStack.postgres())
    }

    static func signal(_ key: String, at: Date, labels: [String: String] = [:]) -> AlertSignal {
        AlertSignal(dedupKey: key, severity: .high, source: "pit", title: "PIT \(key)", description: "leak", labels: labels, at: at)
    }

    @Test func twoInstancesFireEachEscalationOnce() throws {
        try APITestServer.migrate()
        let token = TestStack.uniqueToken()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_900_000_000 + Double(Int.random(in: 0..<1_000_000))))
        let instances = try (0..<2).map { _ in try Self.instance(prefix: "vigil-test:\(token):", clock: clock) }
        let keys = (0..<30).map { "race-\(token)-\($0)" }
        let signals = keys.map { Self.signal($0, at: clock.now()) }
        _ = try instances[0].postgres.transaction { try instances[0].responder.raise(signals, on: $0) }
        let published = Mutex<[String]>([])
        // Standard policy: 300 s, then 900 s, then 1800 s to L4.
        for step in [300.0, 900, 1800, 3600] {
            clock.advance(by: step)
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                while true {
                    let outcome = try? instances[index].responder.fireDue(limit: 4, on: instances[index].postgres) { events in
                        published.withLock { $0 += events.map(\.id) }
                    }
                    if outcome?.events.isEmpty ?? true, outcome?.alerts.isEmpty ?? true { break }
                }
            }
        }
        let escalations = instances.flatMap(\.notifier.calls).filter { $0.kind == .escalated }
        #expect(escalations.count == keys.count * 3, "L2, L3, L4 once each per alert")
        #expect(Set(published.withLock { $0 }).count == published.withLock { $0 }.count, "no event twice")
        #expect(published.withLock { $0 }.count == keys.count * 3)
        let rows = try instances[0].postgres.query("""
            SELECT t.to_status, count(*) AS n FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id
            WHERE a.dedup_key LIKE $1 GROUP BY t.to_status
            """, [.text("race-\(token)-%")]).rows
        let counts = try Dictionary(uniqueKeysWithValues: rows.map { (try $0.string("to_status"), try $0.int("n")) })
        #expect(counts == ["open": keys.count, "escalated": keys.count * 3])
    }

    @Test func theAuditTrailRecordsWhoWhenAndWhy() throws {
        try APITestServer.migrate()
        let token = TestStack.uniqueToken()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_900_000_000))
        let node = try Self.instance(prefix: "vigil-test:\(token):", clock: clock)
        let events = try node.postgres.transaction { try node.responder.raise([Self.signal("audit-\(token)", at: clock.now())], on: $0) }
        #expect(events.map(\.subject) == ["vigil.events.alert.opened"])
        // By key, not from a listing: the listing is newest first, and a long-lived test database
        // holds alerts of other runs opened at later (test-clock) times.
        let id = try #require(try node.postgres.query("SELECT id FROM alerts WHERE dedup_key = $1", [.text("audit-\(token)")])
            .rows.first?.string("id"))
        clock.advance(by: 10)
        var subjects: [String] = []
        let acked = try node.responder.act(.acknowledge, id: id, user: "carol", note: "looking", on: node.postgres) { subjects += $0.map(\.subject) }
        #expect(acked?.status == .acknowledged)
        clock.advance(by: 20)
        _ = try node.responder.act(.resolve, id: id, user: "dave", note: "feature fixed", on: node.postgres) { subjects += $0.map(\.subject) }
        #expect(subjects == ["vigil.events.alert.acknowledged", "vigil.events.alert.resolved"])
        #expect(throws: AlertingError.self) { try node.responder.act(.resolve, id: id, user: "dave", note: "", on: node.postgres) { _ in } }
        let trail = try AlertAdministration().transitions(of: id, on: node.postgres)
        #expect(trail.map { "\($0.from?.rawValue ?? "-")>\($0.to.rawValue) \($0.actor): \($0.note)" } == [
            "->open system: opened", "open>acknowledged carol: looking", "acknowledged>resolved dave: feature fixed",
        ])
        #expect(trail.map(\.at) == [clock.now().addingTimeInterval(-30), clock.now().addingTimeInterval(-20), clock.now()])
        #expect(node.notifier.calls.map(\.kind) == [.opened, .acknowledged, .resolved])
    }

    @Test func policiesAndSuppressionsAreStoredAndExpiringAWindowReleasesItsAlerts() throws {
        try APITestServer.migrate()
        let token = TestStack.uniqueToken()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_900_000_000))
        let node = try Self.instance(prefix: "vigil-test:\(token):", clock: clock)
        let administration = AlertAdministration()
        let policy = EscalationPolicy(name: "p-\(token)", severities: [], levels: [EscalationLevel(name: "L1 Operator", recipients: ["a"], timeoutSeconds: 5)], repeats: 1)
        try administration.put(policy, on: node.postgres)
        #expect(try administration.policies(on: node.postgres).contains(policy))
        #expect(throws: AlertingError.self) { try administration.put(EscalationPolicy(name: "bad-\(token)", levels: []), on: node.postgres) }
        #expect(try administration.deletePolicy(named: policy.name, on: node.postgres))

        let window = Suppression(id: "w-\(token)", matchers: [try AlertMatcher(name: "run", op: .equal, value: token)],
                                 startsAt: clock.now(), endsAt: clock.now().addingTimeInterval(3600), createdBy: "erin",
                                 comment: "deploy", createdAt: clock.now())
        try administration.add(window, on: node.postgres)
        let events = try node.postgres.transaction {
            try node.responder.raise([Self.signal("sup-\(token)", at: clock.now(), labels: ["run": token])], on: $0)
        }
        #expect(events.map(\.subject) == ["vigil.events.alert.suppressed"])
        #expect(node.notifier.calls.isEmpty)
        clock.advance(by: 60)
        let expired = try node.responder.expire(suppression: window.id, on: node.postgres)
        #expect(expired?.endsAt == clock.now())
        let outcome = try node.responder.fireDue(limit: 10, on: node.postgres) { _ in }
        #expect(outcome.events.map(\.subject) == ["vigil.events.alert.opened"])
        #expect(node.notifier.calls.map(\.kind) == [.opened])
    }
}
