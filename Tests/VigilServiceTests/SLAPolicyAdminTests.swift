import Foundation
import Logging
import Testing
import VigilCore
import VigilPostgres
@testable import VigilService

/// SLA policy administration: REST round trip, auth and field-naming errors, the CLI tasks, and
/// that a stored change reaches a running instance's policy book through the reloader. Changes
/// HIGH (REST) and CRITICAL (CLI) and restores them; no other suite sends dispatch events with
/// those severities. Serialized so the two never race on the table.
@Suite("SLA policy administration", .serialized)
struct SLAPolicyAdminTests {
    let token = APITestServer.adminToken

    /// Runs `body` with `severities`' stored policies restored afterwards.
    func preserving<T>(_ severities: [Severity], _ body: () async throws -> T) async throws -> T {
        try APITestServer.migrate()
        let database = try TestStack.postgres()
        defer { database.close() }
        let saved = try SLAPolicyRepository().load(on: database)
        defer { try? SLAPolicyRepository().upsert(severities.compactMap { saved[$0] }, on: database) }
        return try await body()
    }

    @Test("PUT stores, GET by priority or name and the list show it, a running reloader picks it up")
    func restRoundTripReachesTheReloader() async throws {
        try await preserving([.high]) {
            let book = SLAPolicyBook()
            let reloader = SLAPolicyReloader(configuration: try APITestServer.databaseConfiguration(), book: book, metrics: VigilMetrics(),
                                             logger: Logger(label: "sla-policy-test"))
            let stop = StopSignal()
            let thread = Thread { reloader.run(until: stop) }
            thread.start()
            defer { stop.set() }
            try await APITestServer.with { server in
                let body: [String: Any] = ["acknowledge_within_seconds": 123, "resolve_within_seconds": 4567, "warning_fraction": 0.5,
                                           "priority": "p1"]
                let put = try await server.send("PUT", "/api/v1/sla/policies/p1", json: body, token: token)
                #expect(put.status == 200, "\(put.text)")
                #expect(put.object["severity"] as? String == "HIGH")
                #expect(put.object["priority"] as? String == "P1")
                let got = try await server.send("GET", "/api/v1/sla/policies/high")
                #expect(got.status == 200)
                #expect(got.object["acknowledge_within_seconds"] as? Double == 123)
                #expect(got.object["resolve_within_seconds"] as? Double == 4567)
                #expect(got.object["warning_fraction"] as? Double == 0.5)
                let list = try await server.send("GET", "/api/v1/sla/policies").json as? [[String: Any]] ?? []
                #expect(list.map { $0["priority"] as? String } == ["P0", "P1", "P2", "P3"])
                #expect(list.first { $0["priority"] as? String == "P1" }?["resolve_within_seconds"] as? Double == 4567)
                // A running instance's book: the reloader loads at start and again on the trigger's NOTIFY.
                let expected = SLAPolicy(severity: .high, acknowledgeWithin: 123, resolveWithin: 4567, warningFraction: 0.5)
                #expect(try await Self.eventually { book.current[.high] == expected })
                // Leaving warning_fraction out means the default, not "keep the old one".
                let again = try await server.send("PUT", "/api/v1/sla/policies/HIGH",
                                                  json: ["acknowledge_within_seconds": 60, "resolve_within_seconds": 600], token: token)
                #expect(again.object["warning_fraction"] as? Double == 0.8)
                #expect(try await Self.eventually { book.current[.high]?.acknowledgeWithin == 60 })
            }
        }
    }

    @Test("admin token required; invalid bodies are 400 naming the field and store nothing; unknown severity 404")
    func rejections() async throws {
        try await preserving([.high]) {
            try await APITestServer.with { server in
                let path = "/api/v1/sla/policies/P1"
                let fields = ["acknowledge_within_seconds", "resolve_within_seconds", "warning_fraction"]
                func current() async throws -> [Double?] {
                    let object = try await server.send("GET", path).object
                    return fields.map { object[$0] as? Double }
                }
                let before = try await current()
                let good: [String: Any] = ["acknowledge_within_seconds": 10, "resolve_within_seconds": 20]
                #expect(try await server.send("PUT", path, json: good).status == 401)
                #expect(try await server.send("PUT", path, json: good, token: "nope").status == 401)
                let cases: [(body: [String: Any], field: String)] = [
                    (["acknowledge_within_seconds": 10, "resolve_within_seconds": 20, "warning_fraction": 1.5], "warning_fraction"),
                    (["acknowledge_within_seconds": 0, "resolve_within_seconds": 20], "acknowledge_within_seconds"),
                    (["acknowledge_within_seconds": 10], "resolve_within_seconds"),
                    (["acknowledge_within_seconds": "10", "resolve_within_seconds": 20], "acknowledge_within_seconds"),
                    (["acknowledge_within_seconds": 10, "resolve_within_seconds": 20, "ack_within": 5], "ack_within"),
                    (["acknowledge_within_seconds": 10, "resolve_within_seconds": 20, "severity": "LOW"], "severity"),
                ]
                for (body, field) in cases {
                    let reply = try await server.send("PUT", path, json: body, token: token)
                    #expect(reply.status == 400, "\(body)")
                    #expect(reply.error["field"] as? String == field, "\(body): \(reply.text)")
                    #expect((reply.error["message"] as? String)?.contains("P1") == true, "\(reply.text)")
                }
                #expect(try await server.send("PUT", path, body: Data("{".utf8), token: token).status == 400)
                #expect(try await current() == before)
                #expect(try await server.send("PUT", "/api/v1/sla/policies/P4", json: good, token: token).status == 404)
                #expect(try await server.send("GET", "/api/v1/sla/policies/P4").error["field"] as? String == "severity")
            }
            try await APITestServer.with(adminToken: nil) { server in
                let reply = try await server.send("PUT", "/api/v1/sla/policies/P1",
                                                  json: ["acknowledge_within_seconds": 10, "resolve_within_seconds": 20], token: token)
                #expect(reply.status == 403)
            }
        }
    }

    @Test("CLI apply is all or nothing and names the severity and field; list shows every severity")
    func cliApplyAndList() async throws {
        try await preserving([.critical, .high]) {
            var configuration = VigilConfiguration()
            configuration.database.url = try TestStack.value("VIGIL_DATABASE_URL")
            let before = try VigilTasks.listSLAPolicies(configuration)
            #expect(before.map(\.priority) == ["P0", "P1", "P2", "P3"])
            // P0 is valid, P1 is not: nothing may be stored.
            let broken = """
            sla_policies:
              P0: {acknowledge_within_seconds: 30, resolve_within_seconds: 300}
              HIGH: {acknowledge_within_seconds: 60, resolve_within_seconds: 600, warning_fraction: 0}
            """
            #expect(throws: SLAPolicyInputError(severity: .high, field: "warning_fraction", "must be between 0 and 1 (exclusive)")) {
                try VigilTasks.applySLAPolicies(configuration, yaml: broken)
            }
            #expect(try VigilTasks.listSLAPolicies(configuration) == before)
            let good = """
            P0: {acknowledge_within_seconds: 30, resolve_within_seconds: 300, warning_fraction: 0.9}
            high:
              acknowledge_within_seconds: 60
              resolve_within_seconds: 600
            """
            let applied = try VigilTasks.applySLAPolicies(configuration, yaml: good)
            #expect(applied.map(\.priority) == ["P0", "P1"])
            let after = try VigilTasks.listSLAPolicies(configuration)
            #expect(after.first?.acknowledgeWithinSeconds == 30 && after.first?.warningFraction == 0.9)
            #expect(after[1].resolveWithinSeconds == 600 && after[1].warningFraction == 0.8)
            #expect(Array(after[2...]) == Array(before[2...]))
        }
    }

    @Test("policy files: severities by name or priority, duplicates, unknown keys and non-mappings are rejected")
    func fileParsing() throws {
        #expect(throws: SLAPolicyInputError(severity: nil, field: "P7", "is not a severity (P0..P3 or CRITICAL, HIGH, MEDIUM, LOW)")) {
            try SLAPolicyInput.policies(fromYAML: "P7: {acknowledge_within_seconds: 1, resolve_within_seconds: 2}")
        }
        #expect(throws: SLAPolicyInputError.self) {
            try SLAPolicyInput.policies(fromYAML: """
            P0: {acknowledge_within_seconds: 1, resolve_within_seconds: 2}
            CRITICAL: {acknowledge_within_seconds: 1, resolve_within_seconds: 2}
            """)
        }
        #expect(throws: SLAPolicyInputError(severity: .low, field: "resolve_within", "is not a known field")) {
            try SLAPolicyInput.policies(fromYAML: "LOW: {acknowledge_within_seconds: 1, resolve_within: 2}")
        }
        #expect(throws: SLAPolicyInputError.self) { try SLAPolicyInput.policies(fromYAML: "- P0") }
        #expect(throws: SLAPolicyInputError.self) { try SLAPolicyInput.policies(fromYAML: "") }
        let parsed = try SLAPolicyInput.policies(fromYAML: "p3: {acknowledge_within_seconds: 1.5, resolve_within_seconds: 2}")
        #expect(parsed == [SLAPolicy(severity: .low, acknowledgeWithin: 1.5, resolveWithin: 2)])
    }

    /// Polls `condition` for up to 10 s: waiting for another thread's reload, not timing logic.
    static func eventually(_ condition: @Sendable () -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}
