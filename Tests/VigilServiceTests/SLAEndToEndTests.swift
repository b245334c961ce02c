import Foundation
import Synchronization
import Testing
import VigilCore
import VigilNATS
import VigilPostgres
import VigilService

extension EndToEnd {
    /// Dispatch events in through the real `vigil` binary, SLA warnings and breaches out. The LOW
    /// (P3) policy is set to 1 s / 2 s for the test and restored after; other suites send no
    /// dispatch events, so they are not affected.
    @Suite("SLA timers end to end", .serialized)
    struct SLAEndToEndTests {
        @Test("warnings and breaches fire once each, cancellation and acknowledgement stop them, a restart loses no timer")
        func slaEventsThroughTheBinary() throws {
            let token = TestStack.uniqueToken()
            let region = "r\(token)"
            let stream = "E2E_DISPATCH_\(token.uppercased())"
            let inputPrefix = "e2e.\(token).dispatch"
            let database = try TestStack.postgres()
            defer { database.close() }
            let repository = SLAPolicyRepository()
            try Migrations.apply(configuration: try PostgresConfiguration(url: try TestStack.value("VIGIL_DATABASE_URL")), directory: TestStack.repositoryRoot
                .appendingPathComponent("schemas/sql"), logger: TestStack.quietLogger)
            let saved = try #require(try repository.load(on: database)[.low])
            try repository.upsert([SLAPolicy(severity: .low, acknowledgeWithin: 1, resolveWithin: 2)], on: database)
            defer { try? repository.upsert([saved], on: database) }

            let vigil = try VigilProcess(portfolios: ["pf-\(token)"], overrides: [
                "sla.stream.name": stream, "sla.stream.subjects": "\(inputPrefix).>", "sla.durable_name": "e2e-dispatch-\(token)",
                "redis.key_prefix": "vigil-e2e:\(token):", "sla.timer_interval": "50ms", "sla.timer_lease": "2s",
                "sla.snapshot_interval": "0",
                // A batch fetched but not acked when vigil is killed comes back after the ack wait; keep it
                // short so the bad event's DLQ entry arrives within the test's wait whatever the kill hits.
                "sla.ack_wait": "1s",
            ])
            defer {
                vigil.tearDown()
                if let nats = try? TestStack.nats(), let jetStream = try? nats.jetStream() {
                    try? jetStream.deleteStream(name: stream)
                    nats.close()
                }
            }
            try vigil.start()
            let sla = try StreamTap(stream: "VIGIL_EVENTS", filter: "vigil.events.sla.*.\(region)")
            defer { sla.close() }
            let dlq = try StreamTap(stream: "VIGIL_DLQ", filter: "vigil.dlq.\(inputPrefix).>")
            defer { dlq.close() }

            let nats = try TestStack.nats(name: "vigil-e2e-dispatch")
            defer { nats.close() }
            let jetStream = try nats.jetStream()
            func send(_ id: String, _ kind: String, at time: Date = Date()) throws {
                let json = #"{"dispatch_id":"\#(id)","event":"\#(kind)","severity":"P3","region":"\#(region)","timestamp":"\#(RFC3339.format(time))"}"#
                try jetStream.publishBatch([OutboundMessage(subject: "\(inputPrefix).\(region)", payload: Array(json.utf8))])
            }
            let (a, b, c, d) = ("a-\(token)", "b-\(token)", "c-\(token)", "d-\(token)")
            try send(a, "created")
            try send(b, "created")
            try send(b, "acknowledged")
            try send(c, "created")
            try send(c, "cancelled")
            try jetStream.publishBatch([OutboundMessage(subject: "\(inputPrefix).\(region)", payload: Array(#"{"dispatch_id":"x"}"#.utf8))])
            try send(d, "created")
            // Kill vigil once d is durable, before any of its timers is due, and stay down past all of them.
            let stored = try eventually(timeout: .seconds(5), interval: .milliseconds(10)) {
                try !database.query("SELECT 1 FROM dispatches WHERE dispatch_id = $1", [.text(d)]).rows.isEmpty
            }
            try #require(stored, "dispatch d was not stored\n\(vigil.logTail())")
            #expect(vigil.stop(signal: SIGKILL) != nil)
            Thread.sleep(forTimeInterval: 2.2)
            try vigil.start()

            let expected = 4 + 2 + 4
            let messages = try sla.collect(timeout: .seconds(15)) { $0.count >= expected }
            Thread.sleep(forTimeInterval: 0.5)
            let extra = try sla.collect(timeout: .milliseconds(300)) { _ in false }
            let events = try (messages + extra).events()
            let seen = events.map { event -> String in
                let data = event.json["data"] as? [String: Any] ?? [:]
                return "\(data["dispatch_id"] as? String ?? "?") \(data["target"] as? String ?? "?") \(data["stage"] as? String ?? "?")"
            }
            var wanted: [String] = []
            for id in [a, d] { for target in ["acknowledge", "resolve"] { for stage in ["warning", "breach"] { wanted.append("\(id) \(target) \(stage)") } } }
            wanted += ["\(b) resolve warning", "\(b) resolve breach"]
            #expect(seen.sorted() == wanted.sorted(), "each warning and breach exactly once\n\(vigil.logTail())")
            #expect(Set(events.compactMap(\.messageID)).count == events.count)
            #expect(events.allSatisfy { $0.subject.hasPrefix("vigil.events.sla.") && $0.subject.hasSuffix(".\(region)") })
            let rows = try database.query("SELECT count(*) AS n FROM sla_events WHERE region = $1", [.text(region)]).rows.first
            #expect(try rows?.int("n") == expected)
            let dead = try dlq.collect(timeout: .seconds(5)) { !$0.isEmpty }
            #expect(dead.count == 1)
        }

        @Test("throughput: dispatch events through the binary (printed for docs/performance.md)")
        func dispatchThroughput() throws {
            let token = TestStack.uniqueToken()
            let stream = "E2E_DISPATCH_\(token.uppercased())"
            let inputPrefix = "e2e.\(token).dispatch"
            let durable = "e2e-dispatch-\(token)"
            let vigil = try VigilProcess(portfolios: ["pf-\(token)"], overrides: [
                "sla.stream.name": stream, "sla.stream.subjects": "\(inputPrefix).>", "sla.durable_name": durable,
                "redis.key_prefix": "vigil-e2e:\(token):", "sla.snapshot_interval": "250ms",
                "sla.snapshot_subject": "e2e.\(token).dashboard",
            ])
            defer {
                vigil.tearDown()
                if let nats = try? TestStack.nats(), let jetStream = try? nats.jetStream() {
                    try? jetStream.deleteStream(name: stream)
                    nats.close()
                }
            }
            try vigil.start()
            let received = Mutex<[Data]>([])
            let listener = try TestStack.nats(name: "vigil-e2e-dashboard")
            defer { listener.close() }
            let subscription = try listener.subscribe(subject: "e2e.\(token).dashboard") { message in
                received.withLock { $0.append(Data(message.payload)) }
            }
            defer { try? subscription.drain(timeout: .seconds(1)) }
            let nats = try TestStack.nats(name: "vigil-e2e-dispatch-bulk")
            defer { nats.close() }
            let jetStream = try nats.jetStream()
            let dispatches = 10_000
            let start = Date()
            var messages: [OutboundMessage] = []
            for index in 0..<dispatches {
                for (offset, kind) in ["created", "acknowledged", "resolved"].enumerated() {
                    let json = #"{"dispatch_id":"t-\#(index)","event":"\#(kind)","severity":"P2","region":"r\#(index % 8)","timestamp":"\#(RFC3339.format(start.addingTimeInterval(Double(offset))))"}"#
                    messages.append(OutboundMessage(subject: "\(inputPrefix).r\(index % 8)", payload: Array(json.utf8)))
                }
            }
            try jetStream.publishBatch(messages, timeout: .seconds(60))
            let clock = ContinuousClock()
            let began = clock.now
            let drained = try eventually(timeout: .seconds(120), interval: .milliseconds(50)) {
                let info = try jetStream.consumerInfo(stream: stream, durable: durable)
                return info.pending == 0 && info.ackPending == 0
            }
            let elapsed = clock.now - began
            try #require(drained, "not drained\n\(vigil.logTail())")
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("dispatch throughput: \(messages.count) events in \(String(format: "%.2f", seconds)) s = \(Int(Double(messages.count) / seconds)) events/s")
            let database = try TestStack.postgres()
            defer { database.close() }
            let rows = try database.query("SELECT count(*) AS n FROM dispatch_events WHERE dispatch_id LIKE 't-%' AND region LIKE 'r_' AND occurred_at >= $1",
                                          [.timestamp(start.addingTimeInterval(-1))]).rows.first
            #expect(try (rows?.int("n") ?? 0) >= messages.count)

            // The published snapshot (computed from the shared Redis counters) shows the whole run.
            func latest() -> [String: Any]? {
                received.withLock { $0.last }.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
            }
            func day(_ snapshot: [String: Any]) -> [String: Any]? {
                (snapshot["windows"] as? [[String: Any]])?.first { $0["window"] as? String == "24h" }
            }
            let complete = eventually(timeout: .seconds(5), interval: .milliseconds(50)) {
                latest().flatMap(day).flatMap { ($0["events"] as? [String: Any])?["resolved"] as? Int } == dispatches
            }
            #expect(complete, "no snapshot with every resolution")
            let last = try #require(latest())
            #expect(last["active_dispatches"] as? Int == 0 && last["pending_dispatches"] as? Int == 0)
            let window = try #require(day(last))
            #expect((window["events"] as? [String: Any])?["created"] as? Int == dispatches)
            let acknowledge = try #require(window["time_to_acknowledge"] as? [String: Any])
            #expect(acknowledge["mean"] as? Double == 1 && acknowledge["count"] as? Int == dispatches)
            #expect(abs((acknowledge["p50"] as? Double ?? 0) - 1) <= 0.05, "histogram percentile within its documented error")
            #expect((window["time_to_resolve"] as? [String: Any])?["mean"] as? Double == 2)
            #expect((last["regions"] as? [[String: Any]])?.count == 8)
            let rest = try HTTPProbe.get(port: vigil.httpPort, path: "/api/v1/dashboard", timeoutSeconds: 5)
            #expect(rest.status == 200 && rest.body.contains("\"pending_dispatches\":0"))
        }
    }
}
