import Foundation
import Logging
import Synchronization
import VigilCore
import VigilNATS
import VigilPostgres

/// What a stream pipeline does with one fetched batch, in two stages: `prepare` (decode, check,
/// publish the events) and `commit` (the database writes). ``StagedConsumer`` commits on a thread
/// of its own while the next batches are prepared (or, switched off, runs them one after the other).
protocol BatchStages: Sendable {
    /// What ``prepare(_:)`` hands to ``commit(_:)``.
    associatedtype Prepared: Sendable

    /// The input kind in metrics and logs (`decision`, `feature_write`, …).
    var inputKind: String { get }

    /// Stage one, on the fetching thread: decode, check, and publish the events whose latency
    /// matters (waiting for JetStream's acks). Throwing naks the batch. (A batch PostgreSQL
    /// refused is prepared again message by message on the committing thread, see
    /// ``StagedConsumer``, so this may run on two threads at once.)
    func prepare(_ messages: [JetStreamMessage]) throws -> Prepared

    /// Stage two, in fetch order: the database writes and the events that follow them. The batch is acked when it returns and nak'ed (redelivered after
    /// `retry_delay`) when it throws.
    func commit(_ prepared: Prepared) throws

    /// Several prepared batches as one, so they are committed in one transaction.
    static func merge(_ batches: [Prepared]) -> Prepared

    /// The DLQ event for a message set aside with `error` (see ``StagedConsumer``).
    func deadLetter(_ message: InboundMessage, _ error: InputError) throws -> OutboundEvent

    /// Where the DLQ event is published.
    var publisher: JetStream { get }

    /// The durable consumer it reads.
    var subscription: PullSubscription { get }

    /// Batch size, fetch wait and retry delay, from the pipeline's configuration.
    var batching: Batching { get }

    var metrics: VigilMetrics { get }
    var logger: Logger { get }
}

/// How a pipeline batches: messages per fetch, the idle fetch wait, the redelivery delay of a
/// failed batch and the shortest time between two commits, in seconds.
struct Batching: Sendable {
    var batchSize: Int
    var fetchWait: Double
    var retryDelay: Double
    /// A commit starts at most this long after the previous one started; batches prepared meanwhile
    /// join it (see ``StagedConsumer``). 0 where the commit publishes events (breaker trips, SLA
    /// firings), whose latency it would add to.
    var commitInterval: Double = 0
}

extension BatchStages {
    /// The worker that fetches, prepares, commits and acknowledges this pipeline's batches.
    var consumer: StagedConsumer<Self> {
        StagedConsumer(subscription: subscription, stages: self, batching: batching, metrics: metrics, logger: logger)
    }

    /// Loops until `stop` is set; every batch fetched is finished first.
    func run(until stop: StopSignal) { consumer.run(until: stop) }

    /// Counts and logs a refused input; its DLQ event goes out with the batch's other events.
    func deadLettered(_ event: OutboundEvent, _ error: InputError, into outbound: inout [OutboundMessage]) {
        metrics.error(error.code.rawValue)
        logger.notice("\(inputKind) dead-lettered", metadata: ["subject": "\(event.subject)", "reason": "\(error)"])
        outbound.append(OutboundMessage(event))
    }

    /// Publishes a batch's events and waits for JetStream's acks, timed as the `publish` stage.
    func publishEvents(_ outbound: [OutboundMessage]) throws {
        let publishing = ContinuousClock.now
        try PipelineStepFailure.step("publish_failed", metrics: metrics) { try publisher.publishBatch(outbound, timeout: EventPublishing.timeout) }
        metrics.stageDuration(inputKind, stage: "publish", seconds: Elapsed.seconds(since: publishing))
    }
}

/// How long a pipeline waits for JetStream to acknowledge a batch's events before the batch fails
/// and is redelivered (the republished events carry the same ids, so the stream stores them once).
/// Acks take milliseconds even at full load; what this bounds is the stall after a connection is
/// lost mid-batch, whose acks never come: with nats-server killed under load, 10 s here held the
/// decisions pipeline for 10 s.
enum EventPublishing {
    static let timeout: Duration = .seconds(2)
}

/// A step of a batch that failed for a named reason (`publish_failed`, `database_failed`); the
/// reason is counted in `vigil_errors_total` once, where the step ran.
struct PipelineStepFailure: Error, CustomStringConvertible {
    var reason: String
    var underlying: any Error
    var description: String { "\(reason): \(underlying)" }

    /// Runs `body`, counting and wrapping what it throws as `reason`.
    static func step<R>(_ reason: String, metrics: VigilMetrics, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch {
            metrics.error(reason)
            throw PipelineStepFailure(reason: reason, underlying: error)
        }
    }
}

/// Runs one worker of a stream pipeline on the caller's thread.
///
/// It takes whatever the continuous pull (``PullSubscription``) has delivered — a batch never
/// waits to fill: the first message is handed over the moment it is stored, and under load the
/// batches grow by themselves — and runs ``BatchStages/prepare(_:)`` on it.
///
/// With ``overlapsCommit`` (the default), ``BatchStages/commit(_:)`` runs on a committing thread:
/// prepared batches are queued (up to ``queueCapacity(batchSize:)`` messages; beyond that fetching
/// waits, so a slow database slows intake rather than growing memory), everything queued is
/// committed in one transaction (a group commit) and the committing thread acks or naks it. A
/// commit starts at most every ``Batching/commitInterval``, so at a steady trickle of small batches
/// PostgreSQL sees one transaction per interval instead of one per batch; this delays only the
/// acks, never the events. On stop, the committing thread drains the queue first. Without it, the
/// fetching thread commits each batch right after preparing it.
///
/// A batch whose commit PostgreSQL refuses for a reason that lies in the data itself (SQLSTATE
/// class 22, or a NOT NULL or CHECK violation) would fail the same way on every redelivery and
/// hold back every valid message batched with it. Such a batch is retried one message at a time
/// (prepare and commit again, which the deterministic ids make idempotent); a message refused on
/// its own is set aside as a `rejected_by_database` DLQ event with its original bytes and acked,
/// and the others are committed. Any other failure naks the whole batch.
struct StagedConsumer<Stages: BatchStages> {
    let subscription: PullSubscription
    let stages: Stages
    let batching: Batching
    let metrics: VigilMetrics
    let logger: Logger

    /// Prepared messages that may wait for the committing thread: four full batches. (A bound in
    /// batches would let a short database stall block fetching while batches are small: at 5,000
    /// decisions/s a batch holds about four, and 16 of them are 13 ms of input.)
    static func queueCapacity(batchSize: Int) -> Int { 4 * max(1, batchSize) }

    /// Whether commits run on a thread of their own: yes unless the environment sets
    /// `VIGIL_COMMIT_THREAD=0`, which commits on the fetching thread right after prepare, one batch
    /// at a time (about twice the median latency). The thread was experimental while `vigil`
    /// aborted with heap corruption under it; the cause was libnats 3.4.1's fetch, which
    /// ``PullSubscription`` no longer uses (docs/performance.md, "Crash found").
    static var overlapsCommit: Bool { ProcessInfo.processInfo.environment["VIGIL_COMMIT_THREAD"] != "0" }

    /// Loops until `stop` is set; every batch fetched is prepared, committed and settled first.
    func run(until stop: StopSignal) {
        // A batch that cannot be prepared (Redis or NATS unavailable) pauses fetching for
        // `retry_delay`, when its nak'ed messages come back: an outage then costs one attempt per
        // `retry_delay` instead of every message behind it failing at full speed. A failed commit
        // does not pause: the verdicts are out, and the decision log must not become the
        // bottleneck; the batch is redelivered and written once PostgreSQL is back.
        var pausedUntil: ContinuousClock.Instant?
        let overlap = Self.overlapsCommit
        let queue = BatchHandoff<Batch>(capacity: Self.queueCapacity(batchSize: batching.batchSize))
        let committerDone = DispatchSemaphore(value: 0)
        if overlap {
            let committer = Thread { [self] in
                // Acks and naks are plain publishes to each message's ack subject, safe from any
                // thread, so the committing thread settles what it committed itself.
                let interval = Duration.microseconds(Int64(batching.commitInterval * 1e6))
                while let batches = queue.takeAll() {
                    let begun = ContinuousClock.now
                    commit(batches).apply(retryDelay: batching.retryDelay)
                    // What is prepared meanwhile joins the next commit. Not while stopping: the
                    // queue is drained at once then.
                    let rest = Elapsed.seconds(from: .now, to: begun + interval)
                    if rest > 0, !queue.isClosed { Thread.sleep(forTimeInterval: rest) }
                }
                committerDone.signal()
            }
            committer.name = "\(Thread.current.name ?? "vigil-\(stages.inputKind)")-commit"
            committer.stackSize = 4 << 20
            committer.start()
        } else {
            logger.debug("\(stages.inputKind) pipeline commits on its fetching thread")
        }

        var failures = 0
        let wait = Duration.microseconds(Int64(batching.fetchWait * 1e6))
        while !stop.isSet {
            if let until = pausedUntil, ContinuousClock.now < until {
                stop.sleep(Elapsed.seconds(from: .now, to: until))
                continue
            }
            let messages: [JetStreamMessage]
            do {
                messages = try subscription.fetch(batch: batching.batchSize, timeout: wait)
            } catch {
                failures += 1
                metrics.error("fetch_failed")
                if failures == 1 || failures % 100 == 0 {
                    logger.warning("\(stages.inputKind) fetch failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
                }
                stop.sleep(min(0.05 * Double(failures), 2))
                continue
            }
            failures = 0
            guard !messages.isEmpty else { continue }
            let started = ContinuousClock.now
            metrics.input(stages.inputKind, count: messages.count)
            metrics.inputAge(stages.inputKind, seconds: Self.ages(of: messages))
            do {
                let prepared = try stages.prepare(messages)
                metrics.stageDuration(stages.inputKind, stage: "prepare", seconds: Elapsed.seconds(since: started))
                let batch = Batch(messages: messages, prepared: prepared, started: started)
                if overlap {
                    queue.put(batch, weight: messages.count)
                } else {
                    commit([batch]).apply(retryDelay: batching.retryDelay)
                }
            } catch {
                report(error, count: messages.count)
                Settlement(nak: messages).apply(retryDelay: batching.retryDelay)
                pausedUntil = .now + .microseconds(Int64(batching.retryDelay * 1e6))
            }
        }
        if overlap {
            queue.close()
            committerDone.wait()
        }
        // Messages delivered for the pull requests but not fetched go back to the consumer now,
        // not after their ack wait.
        subscription.close()
    }

    /// Prepares, commits and settles one batch on the calling thread; returns whether every message
    /// was acked (committed, or set aside). The same steps as ``run(until:)``, without the overlap:
    /// for tests and tools.
    @discardableResult
    func process(_ messages: [JetStreamMessage]) -> Bool {
        let started = ContinuousClock.now
        metrics.input(stages.inputKind, count: messages.count)
        let settlement: Settlement
        do {
            settlement = commit([Batch(messages: messages, prepared: try stages.prepare(messages), started: started)])
        } catch {
            report(error, count: messages.count)
            settlement = Settlement(nak: messages)
        }
        settlement.apply(retryDelay: batching.retryDelay)
        return settlement.nak.isEmpty
    }

    /// Each message's age: now against the time its stream stored it.
    static func ages(of messages: [JetStreamMessage]) -> [Double] {
        let now = Date().timeIntervalSince1970
        return messages.compactMap { message in message.storedAtNanoseconds.map { now - Double($0) / 1e9 } }
    }

    private struct Batch: Sendable {
        var messages: [JetStreamMessage]
        var prepared: Stages.Prepared
        var started: ContinuousClock.Instant
    }

    /// Commits queued batches in one transaction.
    private func commit(_ batches: [Batch]) -> Settlement {
        let committing = ContinuousClock.now
        let messages = batches.flatMap(\.messages)
        var settlement: Settlement
        do {
            try stages.commit(batches.count == 1 ? batches[0].prepared : Stages.merge(batches.map(\.prepared)))
            metrics.stageDuration(stages.inputKind, stage: "commit", seconds: Elapsed.seconds(since: committing))
            for batch in batches {
                metrics.processingLatency(stages.inputKind, seconds: Elapsed.seconds(since: batch.started), count: batch.messages.count)
            }
            settlement = Settlement(ack: messages)
        } catch {
            report(error, count: messages.count)
            if let rejection = Self.rejection(error) {
                settlement = isolate(messages, batchRejection: rejection)
            } else {
                settlement = Settlement(nak: messages)
            }
        }
        return settlement
    }

    /// Commits the messages of a batch PostgreSQL rejected one by one, setting aside those it rejects alone.
    private func isolate(_ messages: [JetStreamMessage], batchRejection: PostgresError) -> Settlement {
        var settlement = Settlement()
        for message in messages {
            do {
                if messages.count == 1 { throw batchRejection }
                try stages.commit(try stages.prepare([message]))
                settlement.ack.append(message)
            } catch {
                guard let rejection = Self.rejection(error) else {
                    settlement.nak.append(message)
                    continue
                }
                do {
                    try setAside(message, rejection)
                    settlement.ack.append(message)
                } catch {
                    logger.error("\(stages.inputKind) could not be set aside; redelivering", metadata: ["error": "\(error)"])
                    settlement.nak.append(message)
                }
            }
        }
        return settlement
    }

    private func setAside(_ message: JetStreamMessage, _ rejection: PostgresError) throws {
        let input = InboundMessage(message)
        let error = InputError(.rejectedByDatabase, "PostgreSQL refused to store its effects: \(rejection.messageWithState)")
        let event = try stages.deadLetter(input, error)
        try stages.publisher.publishBatch([OutboundMessage(event)], timeout: EventPublishing.timeout)
        metrics.error(InputError.Code.rejectedByDatabase.rawValue)
        metrics.output("dead_letter")
        logger.error("\(stages.inputKind) set aside: PostgreSQL rejects it on its own",
                     metadata: ["subject": "\(input.subject)", "stream_sequence": "\(input.streamSequence.map(String.init) ?? "-")",
                                "error": "\(rejection)"])
    }

    /// The PostgreSQL error behind `error` when it lies in the data (it would recur on every retry).
    static func rejection(_ error: any Error) -> PostgresError? {
        let root = (error as? PipelineStepFailure)?.underlying ?? error
        guard let postgres = root as? PostgresError, postgres.isDataRejection else { return nil }
        return postgres
    }

    private func report(_ error: any Error, count: Int) {
        logger.error("\(stages.inputKind) batch not processed", metadata: ["error": "\(error)", "messages": "\(count)"])
        if !(error is PipelineStepFailure) { metrics.error("processing_failed") }
    }
}

/// What becomes of a batch's messages: acked, or nak'ed for redelivery after the retry delay.
private struct Settlement: Sendable {
    var ack: [JetStreamMessage] = []
    var nak: [JetStreamMessage] = []

    func apply(retryDelay: Double) {
        for message in ack { try? message.ack() }
        for message in nak { try? message.nak(delay: .milliseconds(Int64(retryDelay * 1000))) }
    }
}

/// A bounded queue between two threads. Each element has a weight (its message count): `put`
/// blocks while the queued weight has reached `capacity` (an element is always accepted into an
/// empty queue, however heavy), `takeAll` blocks while nothing is queued and takes everything, and
/// `close` lets `takeAll` return what is left and then nil.
final class BatchHandoff<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every field is accessed under `condition`.
    private let condition = NSCondition()
    private var waiting: [Element] = []
    private var weight = 0
    private var closed = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func put(_ element: Element, weight: Int = 1) {
        condition.lock()
        defer { condition.unlock() }
        while !waiting.isEmpty, self.weight >= capacity { condition.wait() }
        waiting.append(element)
        self.weight += max(0, weight)
        condition.broadcast()
    }

    func takeAll() -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty, !closed { condition.wait() }
        guard !waiting.isEmpty else { return nil }
        defer {
            waiting.removeAll()
            weight = 0
        }
        condition.broadcast()
        return waiting
    }

    /// Whether ``close()`` was called.
    var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Wall time measured on the monotonic clock, in seconds, for metrics and timing columns.
enum Elapsed {
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        seconds(from: start, to: .now)
    }

    static func seconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        let elapsed = end - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

extension OutboundMessage {
    /// An engine event as a JetStream publish, deduplicated by its id.
    init(_ event: OutboundEvent) {
        self.init(subject: event.subject, payload: Array(event.payload), messageID: event.id)
    }
}

extension InboundMessage {
    /// A fetched message as the engine's input: its body copied once, straight from cnats.
    init(_ message: JetStreamMessage) {
        self.init(subject: message.subject, payload: message.withPayload { Data($0) }, streamSequence: message.streamSequence)
    }
}
