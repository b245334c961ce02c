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
    @Test("a failing sink naks the batch, nothing is committed; the redelivered batch commits once, with the same violation ids")
    func failureRollsBackAndRedeliveryCommitsOnce() throws {
        try TestStack.requireAll()
        let token = TestStack.uniqueToken()
        let feature = "p\(token)", stream = "E2EP_\(token.uppercased())"
        let nats = try TestStack.nats()
        defer { nats.close() }
        let jetStream = try nats.jetStream()
        try jetStream.ensureStream(StreamConfiguration(name: stream, subjects: ["features.writes.\(feature)"]))
        defer { try? jetStream.deleteStream(name: stream) }
        // The output streams, if no vigil created them yet (never reconfigured here).
        for (name, subject) in ["VIGIL_EVENTS": "vigil.events.>", "VIGIL_DLQ": "vigil.dlq.>"] where (try? jetStream.streamInfo(name: name)) == nil {
            try jetStream.ensureStream(StreamConfiguration(name: name, subjects: [subject]))
        }
        try jetStream.ensureConsumer(stream: stream, ConsumerConfiguration(durableName: "p"))
        let database = try PostgresConfiguration(url: try TestStack.value("VIGIL_DATABASE_URL"))
        try Migrations.apply(configuration: database, directory: TestStack.repositoryRoot.appendingPathComponent("schemas/sql"),
                             logger: TestStack.quietLogger)
        let postgres = PostgresClient(configuration: database, logger: TestStack.quietLogger)
        defer { postgres.close() }
        let redis = try RedisClient(configuration: RedisConfiguration(url: try TestStack.value("VIGIL_REDIS_URL")), poolSize: 1)
        defer { redis.close() }
        let sink = FlakySink()
        var consumer = VigilConfiguration.DecisionConsumer()
        consumer.retryDelay = 0.05
        let pipeline = PITPipeline(
            subscription: try jetStream.pullSubscribe(stream: stream, durable: "p"), publisher: jetStream, database: postgres,
            processor: PITProcessor(contracts: FeatureContractRegistry(), stores: PITRedisStoreTests.stores(redis, prefix: "vigil-test:\(token):"),
                                    clock: SystemClock()),
            sink: sink, configuration: consumer, metrics: VigilMetrics(), logger: TestStack.quietLogger)

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
}
