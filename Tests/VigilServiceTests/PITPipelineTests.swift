import Foundation
import Synchronization
import Testing
import VigilCore
import VigilNATS
import VigilPostgres
import VigilRedis
@testable import VigilService

/// A sink that fails its first call (as a PostgreSQL or Redis hiccup in the response would), then
/// records what it was handed.
private final class FlakySink: ViolationSink {
    let calls = Mutex<[[String]]>([])
    func handle(_ violations: [DetectedViolation], on connection: PostgresConnection) throws -> [OutboundEvent] {
        let first = calls.withLock { calls in
            calls.append(violations.map(\.id))
            return calls.count == 1
        }
        if first { throw PITStoreError("injected sink failure") }
        return []
    }
}

/// One PITPipeline worker against real NATS, Redis and PostgreSQL.
@Suite("PIT pipeline: failure and redelivery")
struct PITPipelineTests {
    /// A stream with one durable consumer capturing `features.writes.<each feature>`, and a pipeline on it.
    final class Fixture {
        let nats: NATSConnection
        let jetStream: JetStream
        let stream: String
        let postgres: PostgresClient
        let redis: RedisClient
        let pipeline: PITPipeline

        init(token: String, features: [String], sink: any ViolationSink) throws {
            try TestStack.requireAll()
            stream = "E2EP_\(token.uppercased())"
            nats = try TestStack.nats()
            jetStream = try nats.jetStream()
            try jetStream.ensureStream(StreamConfiguration(name: stream, subjects: features.map { "features.writes.\($0)" }))
            // The output streams, if no vigil created them yet (never reconfigured here).
            for (name, subject) in ["VIGIL_EVENTS": "vigil.events.>", "VIGIL_DLQ": "vigil.dlq.>"] where (try? jetStream.streamInfo(name: name)) == nil {
                try jetStream.ensureStream(StreamConfiguration(name: name, subjects: [subject]))
            }
            try jetStream.ensureConsumer(stream: stream, ConsumerConfiguration(durableName: "p"))
            let database = try PostgresConfiguration(url: try TestStack.value("VIGIL_DATABASE_URL"))
            try Migrations.apply(configuration: database, directory: TestStack.repositoryRoot.appendingPathComponent("schemas/sql"),
                                 logger: TestStack.quietLogger)
            postgres = PostgresClient(configuration: database, logger: TestStack.quietLogger)
            redis = try RedisClient(configuration: RedisConfiguration(url: try TestStack.value("VIGIL_REDIS_URL")), poolSize: 1)
            var consumer = VigilConfiguration.DecisionConsumer()
            consumer.retryDelay = 0.05
            pipeline = PITPipeline(
                subscription: try jetStream.pullSubscribe(stream: stream, durable: "p"), publisher: jetStream, database: postgres,
                processor: PITProcessor(contracts: FeatureContractRegistry(), stores: PITRedisStoreTests.stores(redis, prefix: "vigil-test:\(token):"),
                                        clock: SystemClock()),
                sink: sink, configuration: consumer, metrics: VigilMetrics(), logger: TestStack.quietLogger)
        }

        deinit {
            try? jetStream.deleteStream(name: stream)
            redis.close()
            postgres.close()
            nats.close()
        }
    }

    @Test("a failing sink naks the batch, nothing is committed; the redelivered batch commits once, with the same violation ids")
    func failureRollsBackAndRedeliveryCommitsOnce() throws {
        let token = TestStack.uniqueToken()
        let feature = "p\(token)"
        let sink = FlakySink()
        let fixture = try Fixture(token: token, features: [feature], sink: sink)
        let jetStream = fixture.jetStream, pipeline = fixture.pipeline

        let write = EndToEnd.PITStreamTests.write(feature, event: "2025-06-21T10:00:09Z")   // FUTURE_LEAKAGE + CONFIG_WARNING
        _ = try jetStream.publish(subject: "features.writes.\(feature)", payload: Array(write.utf8))
        let rows = { try EndToEnd.PITStreamTests.rows([feature]) }

        let first = try pipeline.subscription.fetch(batch: 10, timeout: .seconds(5))
        try #require(first.count == 1)
        #expect(pipeline.consumer.process(first) == false)
        #expect(try rows().isEmpty, "the failed transaction left rows behind")

        var second: [JetStreamMessage] = []
        _ = eventually(timeout: .seconds(5)) {
            second = (try? pipeline.subscription.fetch(batch: 10, timeout: .milliseconds(200))) ?? []
            return !second.isEmpty
        }
        try #require(second.count == 1, "the nak'ed write was not redelivered")
        #expect(pipeline.consumer.process(second))
        let stored = try rows()
        #expect(stored.values.sorted() == ["CONFIG_WARNING", "FUTURE_LEAKAGE"])
        let calls = sink.calls.withLock { $0 }
        #expect(calls.count == 2 && calls[0] == calls[1], "the sink saw different violations on redelivery: \(calls)")
        #expect(Set(calls.last ?? []) == Set(stored.keys))
        #expect(try pipeline.subscription.fetch(batch: 10, timeout: .milliseconds(300)).isEmpty, "the write was not acknowledged")
    }

    @Test("a batch PostgreSQL rejects for one write's data commits the others and sets that write aside in the DLQ")
    func aWriteTheDatabaseRejectsIsSetAsideAndTheRestCommit() throws {
        let token = TestStack.uniqueToken()
        let good = ["g\(token)", "h\(token)"], poison = "x\(token)"
        let fixture = try Fixture(token: token, features: good + [poison], sink: RejectingSink(feature: poison))
        let dlq = try StreamTap(stream: "VIGIL_DLQ", filter: "vigil.dlq.features.writes.\(poison)")
        defer { dlq.close() }
        for feature in [good[0], poison, good[1]] {
            let write = EndToEnd.PITStreamTests.write(feature, event: "2025-06-21T10:00:09Z")   // FUTURE_LEAKAGE + CONFIG_WARNING
            _ = try fixture.jetStream.publish(subject: "features.writes.\(feature)", payload: Array(write.utf8))
        }
        var batch: [JetStreamMessage] = []
        _ = eventually(timeout: .seconds(5)) {
            batch += (try? fixture.pipeline.subscription.fetch(batch: 10, timeout: .milliseconds(200))) ?? []
            return batch.count == 3
        }
        try #require(batch.count == 3)
        #expect(fixture.pipeline.consumer.process(batch), "a message was nak'ed instead of committed or set aside")

        let stored = try EndToEnd.PITStreamTests.rows(good + [poison])
        #expect(Set(stored.values) == ["CONFIG_WARNING", "FUTURE_LEAKAGE"] && stored.count == 4, "\(stored)")
        #expect(try EndToEnd.PITStreamTests.rows([poison]).isEmpty)
        let dead = try dlq.collect(timeout: .seconds(5)) { $0.count >= 1 }
        try #require(dead.count == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dead[0].payload)) as? [String: Any])
        let error = (json["data"] as? [String: Any])?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "rejected_by_database")
        #expect((error?["message"] as? String)?.contains("22001") == true)
        #expect(try fixture.pipeline.subscription.fetch(batch: 10, timeout: .milliseconds(300)).isEmpty, "a write was not acknowledged")
    }
}

/// A sink whose database write fails with "value too long" (SQLSTATE 22001) whenever a violation
/// of `feature` is in the batch, as a row PostgreSQL can never store would.
private struct RejectingSink: ViolationSink {
    let feature: String
    func handle(_ violations: [DetectedViolation], on connection: PostgresConnection) throws -> [OutboundEvent] {
        if violations.contains(where: { $0.featureName == feature }) {
            throw PostgresError(code: .query, message: "value too long for type character varying(100)", sqlState: "22001")
        }
        return []
    }
}
