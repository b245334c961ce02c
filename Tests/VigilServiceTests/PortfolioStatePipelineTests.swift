import Foundation
import Testing
import VigilCore
import VigilNATS
import VigilRedis
@testable import VigilService

/// The portfolio-state pipeline against real NATS and Redis: Vigil's own `VIGIL_PORTFOLIOS` stream
/// (as `vigil run` creates it), a durable consumer of this test's portfolio only, and its own keys.
@Suite("Portfolio states from the stream")
struct PortfolioStatePipelineTests {
    final class Fixture {
        let nats: NATSConnection
        let jetStream: JetStream
        let redis: RedisClient
        let store: RedisPortfolioStateStore
        let portfolio: String
        let durable: String
        let stream: StreamConfiguration

        init(token: String) throws {
            try TestStack.requireAll()
            nats = try TestStack.nats()
            jetStream = try nats.jetStream()
            stream = VigilConfiguration().streams.portfolioStreamConfiguration
            try jetStream.ensureStream(stream)
            if (try? jetStream.streamInfo(name: "VIGIL_DLQ")) == nil {
                try jetStream.ensureStream(StreamConfiguration(name: "VIGIL_DLQ", subjects: ["vigil.dlq.>"]))
            }
            portfolio = "pf-\(token)"
            durable = "test-portfolio-states-\(token)"
            redis = try RedisClient(configuration: RedisConfiguration(url: try TestStack.value("VIGIL_REDIS_URL")), poolSize: 1)
            store = RedisPortfolioStateStore(client: redis, keyPrefix: "vigil-test:\(token):")
        }

        var subject: String { "trading.portfolios.\(portfolio).state" }

        /// The durable consumer (created on first use, delivering everything stored) and a pipeline on it.
        func pipeline() throws -> PortfolioStatePipeline {
            try jetStream.ensureConsumer(stream: stream.name, ConsumerConfiguration(durableName: durable, filterSubject: subject))
            let processor = DecisionProcessor(policies: PolicyRegistry(), portfolios: store, windows: InMemoryDecisionWindowStore(),
                                              enforcement: InMemoryEnforcementState(), clock: SystemClock())
            var consumer = VigilConfiguration.DecisionConsumer()
            consumer.durableName = durable
            return PortfolioStatePipeline(
                subscription: try jetStream.pullSubscribe(stream: stream.name, durable: durable), publisher: jetStream, store: store,
                processor: processor, limits: InputLimits(), configuration: consumer, metrics: VigilMetrics(), logger: TestStack.quietLogger)
        }

        /// Fetches and processes until `count` messages went through (or 10 s passed).
        func process(_ pipeline: PortfolioStatePipeline, count: Int) throws {
            var processed = 0
            let clock = ContinuousClock()
            let started = clock.now
            while processed < count, clock.now - started < .seconds(10) {
                let messages = try pipeline.subscription.fetch(batch: 16, timeout: .milliseconds(200))
                if !messages.isEmpty { #expect(pipeline.consumer.process(messages)) }
                processed += messages.count
            }
            #expect(processed == count)
        }

        /// The consumer's unacknowledged count once acks have landed: they are publishes the
        /// connection flushes about a millisecond later, so read until 0 or for at most 5 s.
        func settledAckPending() throws -> Int {
            let clock = ContinuousClock(), started = clock.now
            var pending = try jetStream.consumerInfo(stream: stream.name, durable: durable).ackPending
            while pending != 0, clock.now - started < .seconds(5) {
                Thread.sleep(forTimeInterval: 0.01)
                pending = try jetStream.consumerInfo(stream: stream.name, durable: durable).ackPending
            }
            return pending
        }

        func publish(_ state: PortfolioState) throws {
            try nats.publish(subject: subject, payload: Array(try OutputEncoder().encode(state)))
        }

        func state(asOf seconds: TimeInterval) -> PortfolioState {
            PortfolioState(portfolioID: portfolio, nav: 1_000_000 + seconds, cash: 100_000,
                           positions: [Position(symbol: "AAPL", quantity: 10, price: 190, sector: "Technology")],
                           asOf: Date(timeIntervalSince1970: 1_800_000_000 + seconds))
        }

        deinit {
            _ = try? nats.request(subject: "$JS.API.CONSUMER.DELETE.\(stream.name).\(durable)", timeout: .seconds(2))
            redis.close()
            nats.close()
        }
    }

    @Test("a snapshot published while no instance runs is stored when one starts")
    func aSnapshotPublishedWhileNoInstanceRunsIsStoredLater() throws {
        let fixture = try Fixture(token: TestStack.uniqueToken())
        // Published before the consumer (Vigil) exists: a core NATS subscription would have lost it.
        try fixture.publish(fixture.state(asOf: 10))
        try fixture.nats.flush()
        #expect(try fixture.store.latestStates(for: [fixture.portfolio]).isEmpty)
        let pipeline = try fixture.pipeline()
        try fixture.process(pipeline, count: 1)
        #expect(try fixture.store.latestStates(for: [fixture.portfolio])[fixture.portfolio] == fixture.state(asOf: 10))
    }

    @Test("the stream keeps one snapshot per portfolio, and an older one never replaces a newer")
    func oneSnapshotPerPortfolioAndNewestWins() throws {
        let fixture = try Fixture(token: TestStack.uniqueToken())
        let pipeline = try fixture.pipeline()
        // Two snapshots before the worker fetches: the stream keeps only the later one.
        for seconds in [20.0, 30.0] { try fixture.publish(fixture.state(asOf: seconds)) }
        try fixture.nats.flush()
        try fixture.process(pipeline, count: 1)
        #expect(try fixture.store.latestStates(for: [fixture.portfolio])[fixture.portfolio] == fixture.state(asOf: 30))
        try fixture.publish(fixture.state(asOf: 25))  // late and out of order
        try fixture.process(pipeline, count: 1)
        #expect(try fixture.store.latestStates(for: [fixture.portfolio])[fixture.portfolio] == fixture.state(asOf: 30))
        #expect(try fixture.settledAckPending() == 0)
        let subjectCount = try fixture.jetStream.streamInfo(name: fixture.stream.name).configuration.maxMessagesPerSubject
        #expect(subjectCount == 1)
    }

    @Test("a bad snapshot is dead-lettered with the field at fault and acknowledged; the good ones are stored")
    func aBadSnapshotIsDeadLettered() throws {
        let fixture = try Fixture(token: TestStack.uniqueToken())
        let tap = try StreamTap(stream: "VIGIL_DLQ", filter: "vigil.dlq.\(fixture.subject)", deliver: .new)
        defer { tap.close() }
        let pipeline = try fixture.pipeline()
        try fixture.nats.publish(subject: fixture.subject, payload: Array(#"{"portfolio_id": "x", "nav": "lots"}"#.utf8))
        try fixture.process(pipeline, count: 1)
        try fixture.publish(fixture.state(asOf: 40))
        try fixture.process(pipeline, count: 1)
        let dead = try tap.collect(timeout: .seconds(5)) { $0.count >= 1 }
        #expect(dead.count == 1)
        let body = String(decoding: try #require(dead.first).payload, as: UTF8.self)
        #expect(body.contains("\"type\":\"dead_letter\"") || body.contains("dead_letter"))
        #expect(body.contains("nav"))
        #expect(try fixture.store.latestStates(for: [fixture.portfolio])[fixture.portfolio] == fixture.state(asOf: 40))
        #expect(try fixture.settledAckPending() == 0)
    }
}
