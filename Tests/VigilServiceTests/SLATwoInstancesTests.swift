import Foundation
import Testing
import VigilCore
import VigilNATS
import VigilPostgres
import VigilService

extension EndToEnd.SLAEndToEndTests {
    @Test("two vigil instances sharing the dispatch stream and Redis fire each warning and breach exactly once")
    func twoInstancesFireEachTimerOnce() throws {
        let token = TestStack.uniqueToken()
        let region = "r2\(token)"
        let stream = "E2E_DISPATCH2_\(token.uppercased())"
        let inputPrefix = "e2e.\(token).dispatch2"
        let database = try TestStack.postgres()
        defer { database.close() }
        let repository = SLAPolicyRepository()
        try Migrations.apply(configuration: try PostgresConfiguration(url: try TestStack.value("VIGIL_DATABASE_URL")),
                             directory: TestStack.repositoryRoot.appendingPathComponent("schemas/sql"), logger: TestStack.quietLogger)
        let saved = try #require(try repository.load(on: database)[.low])
        try repository.upsert([SLAPolicy(severity: .low, acknowledgeWithin: 1, resolveWithin: 2)], on: database)
        defer { try? repository.upsert([saved], on: database) }

        // Both instances consume one stream through one durable consumer and share one Redis prefix:
        // two instances of one deployment.
        let shared = [
            "sla.stream.name": stream, "sla.stream.subjects": "\(inputPrefix).>", "sla.durable_name": "e2e-dispatch2-\(token)",
            "redis.key_prefix": "vigil-e2e2:\(token):", "sla.timer_interval": "20ms", "sla.timer_lease": "2s",
            "sla.snapshot_interval": "0",
        ]
        let instances = try (0..<2).map { try VigilProcess(portfolios: ["pf-\(token)-\($0)"], overrides: shared) }
        defer {
            for vigil in instances { vigil.tearDown() }
            if let nats = try? TestStack.nats(), let jetStream = try? nats.jetStream() {
                try? jetStream.deleteStream(name: stream)
                nats.close()
            }
        }
        for vigil in instances { try vigil.start() }
        let sla = try StreamTap(stream: "VIGIL_EVENTS", filter: "vigil.events.sla.*.\(region)")
        defer { sla.close() }

        let nats = try TestStack.nats(name: "vigil-e2e-dispatch2")
        defer { nats.close() }
        let ids = (0..<6).map { "two-\(token)-\($0)" }
        let now = Date()
        try nats.jetStream().publishBatch(ids.map { id in
            let json = #"{"dispatch_id":"\#(id)","event":"created","severity":"P3","region":"\#(region)","timestamp":"\#(RFC3339.format(now))"}"#
            return OutboundMessage(subject: "\(inputPrefix).\(region)", payload: Array(json.utf8))
        })

        // Per dispatch: acknowledge warning (0.8 s) and breach (1 s), resolve warning (1.6 s) and breach (2 s).
        let expected = ids.count * 4
        let messages = try sla.collect(timeout: .seconds(20)) { $0.count >= expected }
        let late = try sla.collect(timeout: .milliseconds(1_000)) { _ in false }
        let seen = try (messages + late).events().map { event -> String in
            let data = event.json["data"] as? [String: Any] ?? [:]
            return "\(data["dispatch_id"] as? String ?? "?") \(data["target"] as? String ?? "?") \(data["stage"] as? String ?? "?")"
        }
        var wanted: [String] = []
        for id in ids { for target in ["acknowledge", "resolve"] { for stage in ["warning", "breach"] { wanted.append("\(id) \(target) \(stage)") } } }
        #expect(seen.sorted() == wanted.sorted(),
                "each warning and breach exactly once across two instances\n\(instances[0].logTail())\n\(instances[1].logTail())")
        let rows = try database.query("SELECT count(*) AS n FROM sla_events WHERE region = $1", [.text(region)]).rows.first
        #expect(try rows?.int("n") == expected)
    }
}
