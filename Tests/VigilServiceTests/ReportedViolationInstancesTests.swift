import Foundation
import Testing
import VigilNATS
import VigilPostgres

extension EndToEnd {
    @Suite("Three vigil instances on one report stream")
    struct ReportedViolationInstancesTests {
        @Test("10 MEDIUM reports (each sent twice) over three instances trip each scope exactly once")
        func threeInstancesTripOnce() throws {
            let token = TestStack.uniqueToken()
            let service = "svc-\(token)"
            let reports = "e2e.\(token).reports"
            let shared = [
                "redis.key_prefix": "vigil-e2e-\(token):",
                "breaker.reports.subject": reports,
                "breaker.reports.stream": "E2E_REPORTS_\(token.uppercased())",
                "breaker.reports.durable_name": "e2e-reports-\(token)",
                "breaker.reports.batch_size": "2",
                "breaker.admin_subject_prefix": "e2e.\(token).admin",
            ]
            let instances = try (0..<3).map { try VigilProcess(portfolios: ["pf-\(token)-\($0)"], overrides: shared) }
            defer { instances.forEach { $0.tearDown() } }
            for instance in instances { try instance.start() }
            let tripped = try StreamTap(stream: "VIGIL_EVENTS", filter: "vigil.events.breaker.tripped.>", deliver: .new)
            defer { tripped.close() }
            let nats = try TestStack.nats()
            defer { nats.close() }
            let jetStream = try nats.jetStream()
            defer { try? jetStream.deleteStream(name: "E2E_REPORTS_\(token.uppercased())") }
            let database = try TestStack.postgres()
            defer { database.close() }

            for _ in 0..<2 {
                for index in 0..<10 {
                    let payload = ReportedViolationStreamTests.report(index, service: service)
                    _ = try jetStream.publish(subject: reports, payload: Array(payload.utf8))
                }
            }
            let drained = try eventually(timeout: .seconds(15)) {
                let info = try jetStream.consumerInfo(stream: "E2E_REPORTS_\(token.uppercased())", durable: "e2e-reports-\(token)")
                return info.pending == 0 && info.ackPending == 0
            }
            #expect(drained)
            let actions = try database.query("SELECT count(*) AS n FROM enforcement_actions WHERE service_name = $1", [.text(service)])
            #expect(try actions.rows[0].int("n") == 10)
            let rows = try database.query("SELECT scope, count(*) AS n FROM breaker_transitions WHERE scope = 'service:' || $1 GROUP BY scope",
                                          [.text(service)])
            #expect(rows.rows.count == 1)
            #expect(try rows.rows.first?.int("n") == 1)
            let events = try tripped.collect(timeout: .seconds(3)) { _ in false }.events()
                .filter { ($0.json["subject"] as? String) == "service:\(service)" }
            #expect(Set(events.compactMap(\.id)).count == 1, "one trip event (a re-emission carries the same id)")
        }
    }
}
