import Foundation
import Testing
import VigilNATS
import VigilPostgres

extension EndToEnd {
    @Suite("Reported violations, breakers and the validator")
    struct ReportedViolationStreamTests {
        static func report(_ index: Int, service: String, severity: String = "MEDIUM") -> String {
            """
            {"type":"ARRIVAL_DELAY","subtype":"feed","severity":"\(severity)","description":"late \(index)",\
            "timestamp":"2025-06-21T10:00:0\(index % 10)Z","entity":"e\(index)","details":{"service":"\(service)"}}
            """
        }

        @Test("9 MEDIUM never trip, a redelivery changes nothing, the 10th trips once and decisions are then rejected")
        func tenMediumTripOnce() throws {
            let token = TestStack.uniqueToken()
            let service = "svc-\(token)", portfolio = "pf-\(token)"
            let reports = "e2e.\(token).reports"
            let vigil = try VigilProcess(portfolios: [portfolio], overrides: [
                "redis.key_prefix": "vigil-e2e-\(token):",
                "breaker.reports.subject": reports,
                "breaker.reports.stream": "E2E_REPORTS_\(token.uppercased())",
                "breaker.reports.durable_name": "e2e-reports-\(token)",
                "breaker.admin_subject_prefix": "e2e.\(token).admin",
                "http.admin_token": "e2e-admin-\(token)",
            ])
            defer { vigil.tearDown() }
            try vigil.start()
            let scope = "service:\(service)"
            let tripped = try StreamTap(stream: "VIGIL_EVENTS", filter: "vigil.events.breaker.tripped.>", deliver: .new)
            defer { tripped.close() }
            let nats = try TestStack.nats()
            defer { nats.close() }
            let jetStream = try nats.jetStream()
            defer { try? jetStream.deleteStream(name: "E2E_REPORTS_\(token.uppercased())") }
            let database = try TestStack.postgres()
            defer { database.close() }
            func count(_ sql: String) throws -> Int { try database.query(sql, [.text(service)]).rows[0].int("n") }
            let actions = "SELECT count(*) AS n FROM enforcement_actions WHERE service_name = $1"
            let transitions = "SELECT count(*) AS n FROM breaker_transitions WHERE scope = 'service:' || $1"

            for index in 0..<9 { _ = try jetStream.publish(subject: reports, payload: Array(Self.report(index, service: service).utf8)) }
            #expect(try eventually(timeout: .seconds(10)) { try count(actions) == 9 }, "\(vigil.logTail())")
            // The same nine again (as a redelivery would bring them): counted once, still no trip.
            for index in 0..<9 { _ = try jetStream.publish(subject: reports, payload: Array(Self.report(index, service: service).utf8)) }
            _ = try jetStream.publish(subject: reports, payload: Array(#"{"type":"X","severity":"SEVERE"}"#.utf8))
            // Processed and acknowledged: nothing left to deliver and nothing awaiting an ack.
            let drained = try eventually(timeout: .seconds(10)) {
                let info = try jetStream.consumerInfo(stream: "E2E_REPORTS_\(token.uppercased())", durable: "e2e-reports-\(token)")
                return info.pending == 0 && info.ackPending == 0
            }
            #expect(drained)
            #expect(try count(actions) == 9)
            #expect(try count(transitions) == 0)

            _ = try jetStream.publish(subject: reports, payload: Array(Self.report(9, service: service).utf8))
            #expect(try eventually(timeout: .seconds(10)) { try count(transitions) == 1 }, "\(vigil.logTail())")
            let events = try tripped.collect(timeout: .seconds(5)) { messages in
                messages.contains { $0.subject.hasSuffix(service) }
            }.events().filter { ($0.json["subject"] as? String) == scope }
            #expect(events.count == 1)
            #expect(events.first?.messageID == events.first?.id)

            // The validator reads the tripped breakers (global and this service's; the decision is in global).
            let reply = try nats.request(subject: vigil.validationSubject,
                                         payload: Array(Payloads.decision(id: "d-\(token)", portfolio: portfolio).utf8), timeout: .seconds(5))
            let response = try #require(try JSONSerialization.jsonObject(with: Data(reply.payload)) as? [String: Any])
            #expect(response["is_compliant"] as? Bool == false)
            let violations = response["violations"] as? [[String: Any]] ?? []
            #expect(violations.contains { $0["policy_name"] as? String == "circuit_breaker:global" }, "\(response)")

            // NATS admin: the token is required; the tripped breaker is listed.
            let adminSubject = "e2e.\(token).admin.breakers.list"
            let refused = try nats.request(subject: adminSubject, headers: ["Vigil-Admin-Token": "wrong"], timeout: .seconds(5))
            #expect(refused.headers["Vigil-Error"] == "unauthorized")
            let listedOverNATS = try nats.request(subject: adminSubject, headers: ["Vigil-Admin-Token": "e2e-admin-\(token)"],
                                                  timeout: .seconds(5))
            #expect(listedOverNATS.headers["Vigil-Error"] == nil)
            let breakers = (try JSONSerialization.jsonObject(with: Data(listedOverNATS.payload)) as? [String: Any])?["breakers"] as? [[String: Any]]
            #expect(breakers?.contains { $0["scope"] as? String == scope && $0["state"] as? String == "open" } == true)
            // A request with a wrong type or a missing field names it.
            for (body, field) in [(#"{"scope":5,"note":"x"}"#, "scope"), (#"{"note":"x"}"#, "scope")] {
                let bad = try nats.request(subject: "e2e.\(token).admin.breakers.reset", payload: Array(body.utf8),
                                           headers: ["Vigil-Admin-Token": "e2e-admin-\(token)"], timeout: .seconds(5))
                let error = (try JSONSerialization.jsonObject(with: Data(bad.payload)) as? [String: Any])?["error"] as? [String: Any]
                #expect(bad.headers["Vigil-Error"] != nil && error?["field"] as? String == field, "\(body): \(String(decoding: bad.payload, as: UTF8.self))")
            }

            // The CLI: list, the incident's report, reset with a note (resolving the incident once
            // both scopes are reset), and decisions pass again.
            let prefix = ["--set", "redis.key_prefix=vigil-e2e-\(token):"]
            let (listed, listing, _) = try APICLITests.vigil(["breakers", "list"] + prefix)
            #expect(listed == 0 && listing.contains("\(scope)\topen"), "\(listing)")
            let incident = try database.query(
                "SELECT incident_id FROM incident_causes WHERE kind = 'breaker' AND target = 'service:' || $1", [.text(service)])
                .rows[0].string("incident_id")
            let (reported, report, _) = try APICLITests.vigil(["incidents", "report", incident])
            #expect(reported == 0 && report.contains("- **Incident ID**: \(incident)") && report.contains("## Prevention Measures"), "\(report)")
            for target in [scope, "global"] {
                let (status, out, err) = try APICLITests.vigil(["breakers", "reset", target, "--note", "feed fixed"] + prefix)
                #expect(status == 0 && out.contains("\(target) closed"), "\(out) \(err)")
            }
            let row = try database.query("SELECT status FROM incidents WHERE id = $1", [.text(incident)]).rows[0]
            #expect(try row.string("status") == "resolved")
            let again = try nats.request(subject: vigil.validationSubject,
                                         payload: Array(Payloads.decision(id: "d2-\(token)", portfolio: portfolio).utf8), timeout: .seconds(5))
            let accepted = try #require(try JSONSerialization.jsonObject(with: Data(again.payload)) as? [String: Any])
            #expect(accepted["is_compliant"] as? Bool == true, "\(accepted)")
        }
    }
}
