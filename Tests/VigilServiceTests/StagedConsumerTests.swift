import Foundation
import Logging
import Synchronization
import Testing
import VigilCore
import VigilNATS
@testable import VigilService

/// Stages that count what they are handed and fail every prepare while `failing` is set.
private final class CountingStages: BatchStages, @unchecked Sendable {
    // @unchecked: the counters are Mutex/Atomic; the rest is immutable.
    let subscription: PullSubscription
    let publisher: JetStream
    let batching: Batching
    let metrics = VigilMetrics()
    let logger = TestStack.quietLogger
    let prepares = Mutex(0)
    let committed = Mutex<Set<UInt64>>([])
    /// The messages of each commit, in order.
    let commitSizes = Mutex<[Int]>([])
    let failing = Atomic<Bool>(true)
    let failures = Atomic<Int>(0)

    init(subscription: PullSubscription, publisher: JetStream, batching: Batching) {
        self.subscription = subscription
        self.publisher = publisher
        self.batching = batching
    }

    var inputKind: String { "test" }

    func prepare(_ messages: [JetStreamMessage]) throws -> [UInt64] {
        prepares.withLock { $0 += 1 }
        if failing.load(ordering: .acquiring) {
            failures.add(1, ordering: .releasing)
            throw PITStoreError("injected: Redis is down")
        }
        return messages.compactMap(\.streamSequence)
    }

    func commit(_ prepared: [UInt64]) throws {
        committed.withLock { $0.formUnion(prepared) }
        commitSizes.withLock { $0.append(prepared.count) }
    }

    static func merge(_ batches: [[UInt64]]) -> [UInt64] { batches.flatMap { $0 } }

    func deadLetter(_ message: InboundMessage, _ error: InputError) throws -> OutboundEvent {
        throw error
    }
}

/// A stream with `count` one-byte messages and a durable consumer `w` on it, in the test NATS.
private struct StagedFixture {
    let nats: NATSConnection
    let jetStream: JetStream
    let stream: String

    init(count: Int) throws {
        try TestStack.requireAll()
        let token = TestStack.uniqueToken()
        nats = try TestStack.nats()
        jetStream = try nats.jetStream()
        stream = "STAGED_\(token.uppercased())"
        try jetStream.ensureStream(StreamConfiguration(name: stream, subjects: ["staged.\(token)"]))
        try jetStream.ensureConsumer(stream: stream, ConsumerConfiguration(durableName: "w"))
        try jetStream.publishBatch((0..<count).map { OutboundMessage(subject: "staged.\(token)", payload: [UInt8($0 % 256)]) })
    }

    func stages(_ batching: Batching) throws -> CountingStages {
        CountingStages(subscription: try jetStream.pullSubscribe(stream: stream, durable: "w"), publisher: jetStream, batching: batching)
    }

    /// Runs `stages` on a thread of its own; the returned closure stops it and waits.
    func start(_ stages: CountingStages) -> () -> Void {
        let stop = StopSignal()
        let done = DispatchSemaphore(value: 0)
        let worker = Thread {
            stages.run(until: stop)
            done.signal()
        }
        worker.start()
        return {
            stop.set()
            done.wait()
        }
    }

    /// Waits up to `seconds` until `condition` holds.
    func wait(seconds: Double, until condition: () -> Bool) {
        let clock = ContinuousClock(), started = clock.now
        while !condition(), clock.now - started < .seconds(seconds) { Thread.sleep(forTimeInterval: 0.01) }
    }

    func close() {
        try? jetStream.deleteStream(name: stream)
        nats.close()
    }
}

@Suite("Staged consumer")
struct StagedConsumerTests {
    @Test("after a batch it could not prepare the worker pauses for retry_delay instead of failing every batch behind it, and loses nothing")
    func aFailedPreparePausesFetching() throws {
        let fixture = try StagedFixture(count: 200)
        defer { fixture.close() }
        let stages = try fixture.stages(Batching(batchSize: 10, fetchWait: 0.05, retryDelay: 0.4))
        let stop = fixture.start(stages)

        // 20 batches are waiting. Failing at full speed, the worker would try every one of them and
        // every redelivered one (40 in one second in a run without the pause); pausing 0.4 s after
        // each failure, it tries about 3.
        fixture.wait(seconds: 10) { stages.failures.load(ordering: .acquiring) > 0 }
        let before = stages.prepares.withLock { $0 }
        Thread.sleep(forTimeInterval: 1.0)
        let whileFailing = stages.prepares.withLock { $0 } - before
        #expect(whileFailing <= 5, "tried \(whileFailing) batches in a second while every one failed")

        // Redis is back: everything is committed, nothing is lost.
        stages.failing.store(false, ordering: .releasing)
        fixture.wait(seconds: 20) { stages.committed.withLock { $0.count } >= 200 }
        stop()
        #expect(stages.committed.withLock { $0 } == Set(1...200))
        #expect(try fixture.jetStream.consumerInfo(stream: fixture.stream, durable: "w").ackPending == 0)
    }

    @Test("batches prepared within commit_interval of the last commit are committed together, and the queue holds at most four batches' worth")
    func commitsAreSpacedByTheCommitInterval() throws {
        let fixture = try StagedFixture(count: 40)
        defer { fixture.close() }
        // Eight batches of five, a commit at most every 0.5 s: the first commit takes what is
        // prepared at once, the next ones what was queued meanwhile (at most 4 × 5 messages, plus the
        // batch let in below that bound).
        let stages = try fixture.stages(Batching(batchSize: 5, fetchWait: 0.05, retryDelay: 0.4, commitInterval: 0.5))
        stages.failing.store(false, ordering: .releasing)
        let stop = fixture.start(stages)
        fixture.wait(seconds: 20) { stages.committed.withLock { $0.count } >= 40 }
        stop()

        let sizes = stages.commitSizes.withLock { $0 }
        #expect(stages.committed.withLock { $0 } == Set(1...40))
        #expect(sizes.count >= 2 && sizes.count <= 4, "commits of \(sizes) messages")
        #expect(sizes.allSatisfy { $0 <= 24 }, "commits of \(sizes) messages")
        #expect(try fixture.jetStream.consumerInfo(stream: fixture.stream, durable: "w").ackPending == 0)
    }

    @Test("the hand-off takes an element into an empty queue however heavy, and takeAll empties it")
    func handoffWeights() {
        let queue = BatchHandoff<Int>(capacity: 10)
        queue.put(1, weight: 50)
        #expect(queue.takeAll() == [1])
        queue.put(2, weight: 9)
        queue.put(3, weight: 50)
        #expect(queue.takeAll() == [2, 3])
        queue.close()
        #expect(queue.isClosed)
        #expect(queue.takeAll() == nil)
    }
}
