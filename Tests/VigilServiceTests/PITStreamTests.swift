import Foundation
import Logging
import Testing
import VigilCore
import VigilNATS
import VigilPostgres
import VigilService

extension EndToEnd {
    @Suite("Feature writes through vigil")
    struct PITStreamTests {
        static func write(_ feature: String, entity: String = "AAPL", value: String = "0.5", event: String = "2025-06-21T10:00:00Z",
                          asOf: String = "2025-06-21T10:00:01Z", arrival: String = "2025-06-21T10:00:02Z") -> String {
            #"{"feature_name":"\#(feature)","entity_id":"\#(entity)","value":\#(value),"event_timestamp":"\#(event)","as_of_timestamp":"\#(asOf)","arrival_timestamp":"\#(arrival)","version":1,"is_revision":false,"service_name":"e2e-features"}"#
        }

        static func rows(_ features: [String]) throws -> [String: String] {
            let connection = try TestStack.postgres()
            defer { connection.close() }
            let result = try connection.query(
                "SELECT id::text AS id, violation_type FROM pit_violations WHERE feature_name = ANY($1::text[])", [.textArray(features)])
            return Dictionary(try result.rows.map { (try $0.string("id"), try $0.string("violation_type")) }) { a, _ in a }
        }

        @Test("writes become pit_violations rows and events, bad input is dead-lettered, republishing changes nothing")
        func featureWrites() throws {
            let token = TestStack.uniqueToken()
            let contracted = "m\(token)", uncontracted = "u\(token)"
            let database = try PostgresConfiguration(url: try TestStack.value("VIGIL_DATABASE_URL"))
            try Migrations.apply(configuration: database, directory: TestStack.repositoryRoot.appendingPathComponent("schemas/sql"),
                                 logger: TestStack.quietLogger)
            let connection = try TestStack.postgres()
            try FeatureContractRepository().upsert([FeatureContract(featureName: contracted, valueType: .number, minimum: 0, maximum: 1,
                                                                    expectedLatencySeconds: 60, timestampGranularitySeconds: 1)],
                                                   on: connection)
            defer {
                _ = try? FeatureContractRepository().delete(contracted, on: connection)
                connection.close()
            }
            let subjects = [contracted, uncontracted].map { "features.writes.\($0)" }
            let vigil = try VigilProcess(portfolios: ["pf-\(token)"], overrides: ["pit.stream.subjects": subjects.joined(separator: ",")])
            defer { vigil.tearDown() }
            try vigil.start()
            let events = try StreamTap(stream: "VIGIL_EVENTS", filter: "vigil.events.violation.pit.>")
            defer { events.close() }
            let dlq = try StreamTap(stream: "VIGIL_DLQ", filter: "vigil.dlq.\(subjects[0])")
            defer { dlq.close() }

            let valid = [
                (subjects[0], Self.write(contracted)),                                                  // clean
                (subjects[0], Self.write(contracted, entity: "MSFT", event: "2025-06-21T10:00:05Z")),   // FUTURE_LEAKAGE
                (subjects[0], Self.write(contracted, value: "0.7")),                                    // HISTORICAL_REVISION
                (subjects[0], Self.write(contracted, entity: "TSLA", asOf: "2025-06-21T10:00:01")),    // TIMESTAMP_DRIFT
                (subjects[0], Self.write(contracted, entity: "NVDA", value: "1.5")),                   // CONTRACT_VIOLATION
                (subjects[1], Self.write(uncontracted)),                                                // CONFIG_WARNING
            ]
            let nats = try TestStack.nats()
            defer { nats.close() }
            let jetStream = try nats.jetStream()
            for (subject, payload) in valid { _ = try jetStream.publish(subject: subject, payload: Array(payload.utf8)) }
            _ = try jetStream.publish(subject: subjects[0], payload: Array(Self.write(contracted, event: "whenever").utf8))

            let expected = ["FUTURE_LEAKAGE", "HISTORICAL_REVISION", "TIMESTAMP_DRIFT", "CONTRACT_VIOLATION", "CONFIG_WARNING"]
            let mine = { (all: [ReceivedEvent]) in all.filter { [contracted, uncontracted].contains($0.data["feature_name"] as? String ?? "") } }
            let received = mine(try events.collect(timeout: .seconds(15)) { (try? mine($0.events()).count) ?? 0 >= expected.count }.events())
            #expect(received.map { $0.data["violation_type"] as? String ?? "" }.sorted() == expected.sorted(), "\(vigil.logTail())")
            #expect(received.allSatisfy { $0.messageID == $0.id && $0.subject.hasPrefix("vigil.events.violation.pit.") })
            #expect(received.first { $0.data["violation_type"] as? String == "FUTURE_LEAKAGE" }?.subject == "vigil.events.violation.pit.critical")
            let dead = try dlq.collect(timeout: .seconds(10)) { !$0.isEmpty }.events()
            #expect(dead.count == 1)
            #expect((dead.first?.data["error"] as? [String: Any])?["field"] as? String == "event_timestamp")

            // Events are published before the rows are committed (then the input is acked): wait for the rows.
            var rows: [String: String] = [:]
            _ = try eventually(timeout: .seconds(5), interval: .milliseconds(50)) {
                rows = try Self.rows([contracted, uncontracted])
                return rows.count >= expected.count
            }
            #expect(rows.values.sorted() == expected.sorted())
            #expect(Set(rows.keys) == Set(received.compactMap(\.id)), "row ids are the event ids")

            // The same writes again (as a producer retry or a redelivery would bring them): no new rows, no new events.
            for (subject, payload) in valid { _ = try jetStream.publish(subject: subject, payload: Array(payload.utf8)) }
            let drained = eventually(timeout: .seconds(15), interval: .milliseconds(50)) {
                guard let info = try? jetStream.consumerInfo(stream: vigil.featureStream, durable: "e2e-features-\(vigil.token)") else { return false }
                return info.pending == 0 && info.ackPending == 0
            }
            #expect(drained, "vigil did not process the republished writes\n\(vigil.logTail())")
            #expect(try Self.rows([contracted, uncontracted]) == rows)
            let again = mine(try events.collect(timeout: .seconds(1)) { _ in false }.events())
            #expect(again.isEmpty, "republished writes produced \(again.count) new events")

            // A contract added by plain SQL is in force without a restart (NOTIFY → reload).
            try connection.execute("INSERT INTO feature_contracts (feature_name, value_type, maximum) VALUES ($1, 'number', 0.1)",
                                   [.text(uncontracted)])
            defer { _ = try? connection.execute("DELETE FROM feature_contracts WHERE feature_name = $1", [.text(uncontracted)]) }
            var attempt = 0
            let reloaded = try eventually(timeout: .seconds(5), interval: .milliseconds(200)) {
                attempt += 1
                _ = try jetStream.publish(subject: subjects[1], payload: Array(Self.write(uncontracted, entity: "R\(attempt)").utf8))
                return try Self.rows([uncontracted]).values.contains("CONTRACT_VIOLATION")
            }
            #expect(reloaded, "the new contract was not in force within 5 s\n\(vigil.logTail())")
            #expect(vigil.isRunning)
        }
    }
}
