import CNATS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A continuous pull from an existing durable consumer: pull requests go to the consumer ahead of
/// need, so the server delivers each message the moment it is stored, and `fetch` hands over what
/// has arrived without asking the server again.
///
/// It owns a plain cnats subscription on a private inbox and sends the pull requests
/// (`<api prefix>.CONSUMER.MSG.NEXT.<stream>.<durable>`) itself, as the newer NATS clients'
/// "consume" does. It keeps at least one batch of messages requested (``PullCredits``): a request
/// for `batch` messages expiring after ``requestExpiry`` goes out whenever fewer are outstanding,
/// and the server's status messages (`408` expired, `409` refused, with `Nats-Pending-Messages`)
/// say how many of a request will never come.
///
/// cnats's own `natsSubscription_Fetch` is not used: it waits for a whole batch to fill once nothing
/// is stored, so it added up to its timeout to every message that arrived into an idle consumer,
/// and libnats 3.4.1's version overruns its message array when more than half a batch is already
/// queued (docs/performance.md, "Crash found").
///
/// Messages delivered but not yet fetched count against the consumer's `max_ack_pending` and their
/// ack wait runs: ``close()`` hands them back. `fetch` calls are serialized; give each worker
/// thread its own subscription for parallel fetching.
// @unchecked: the handles are immutable; fetching and the request bookkeeping run under `state`.
public final class PullSubscription: @unchecked Sendable {
    let handle: OpaquePointer
    /// Keeps the context (and so the connection) alive as long as the subscription.
    let jetStream: JetStream
    /// The durable consumer's name.
    public let durable: String
    /// The stream it reads.
    public let stream: String
    /// How long each pull request waits on the server before it expires.
    public let requestExpiry: Duration
    private let inbox: String
    private let requestSubject: String
    private let state = Mutex(PullCredits())

    /// How long after its expiry a request is taken as gone when the server never said so (its
    /// status message was lost, e.g. across a reconnect).
    static var expiryGrace: Duration { .milliseconds(500) }

    init(handle: OpaquePointer, jetStream: JetStream, stream: String, durable: String, inbox: String, requestExpiry: Duration) {
        self.handle = handle
        self.jetStream = jetStream
        self.stream = stream
        self.durable = durable
        self.inbox = inbox
        self.requestExpiry = requestExpiry
        requestSubject = "\(jetStream.apiPrefix).CONSUMER.MSG.NEXT.\(stream).\(durable)"
    }

    /// Waits up to `timeout` for the first message, then returns it with every message already
    /// delivered behind it, up to `batch` (an empty array when none came). It never waits for a
    /// batch to fill: under load the batches grow by themselves, because messages arrive while the
    /// previous batch is processed.
    ///
    /// Throws when the consumer refuses the pull requests (`409`, e.g. deleted or at `max_waiting`)
    /// or nobody answers them (no such consumer, JetStream unavailable).
    public func fetch(batch: Int, timeout: Duration) throws -> [JetStreamMessage] {
        guard batch > 0 else { return [] }
        return try state.withLock { credits in
            let clock = ContinuousClock()
            let end = clock.now + timeout
            if let error = credits.deferredError {
                credits.deferredError = nil
                throw error
            }
            var messages: [JetStreamMessage] = []
            while messages.isEmpty {
                let now = clock.now
                // Only with nothing unread: deliveries and statuses already queued for the old
                // requests must be counted against them, not against the next request.
                if pending == 0 { credits.expire(now: now, grace: Self.expiryGrace) }
                try requestMore(&credits, batch: batch, now: now)
                var wait = end - now
                if let deadline = credits.lastDeadline { wait = min(wait, deadline + Self.expiryGrace - now) }
                switch try receive(wait: max(wait, .zero), &credits) {
                case .message(let message): messages.append(message)
                case .control, .none: if clock.now >= end { return [] }
                }
            }
            // What is already queued joins the batch. An error here (a `409`) must not lose the
            // messages taken so far: it is thrown by the next fetch.
            drain: while messages.count < batch {
                do {
                    switch try receive(wait: .zero, &credits) {
                    case .message(let message): messages.append(message)
                    case .control: continue
                    case .none: break drain
                    }
                } catch {
                    credits.deferredError = error
                    break drain
                }
            }
            do {
                try requestMore(&credits, batch: batch, now: clock.now)
            } catch {
                credits.deferredError = error
            }
            return messages
        }
    }

    /// Hands back (naks) the messages delivered but not fetched, so the consumer redelivers them at
    /// once instead of after its ack wait, and stops receiving. It sends no new pull request and
    /// waits (at most the newest request's expiry plus a grace period) until the outstanding ones
    /// have ended, filled or expired, naking what they still bring, so no message is left in
    /// flight to an inbox about to go. Call it when no fetch is running.
    public func close() {
        state.withLock { credits in
            let clock = ContinuousClock()
            _ = natsConnection_FlushTimeout(jetStream.connection.handle, 1_000)
            if let deadline = credits.lastDeadline.map({ $0 + Self.expiryGrace }) {
                // A receive error (connection closed) ends the wait: nothing more can arrive.
                while credits.outstanding > 0, clock.now < deadline,
                      let received = try? receive(wait: min(deadline - clock.now, .milliseconds(50)), &credits) {
                    if case .message(let message) = received { try? message.nak() }
                }
            }
            drain: for _ in 0..<pending {
                switch (try? receive(wait: .zero, &credits)) ?? .control {
                case .message(let message): try? message.nak()
                case .control: continue
                case .none: break drain
                }
            }
            credits.reset()
            _ = natsSubscription_Unsubscribe(handle)
        }
    }

    /// Messages (and status messages) delivered to the inbox and not yet taken.
    var pending: Int {
        var count: Int32 = 0, bytes: Int32 = 0
        guard natsSubscription_GetPending(handle, &count, &bytes) == NATS_OK else { return 0 }
        return Int(count)
    }

    private enum Received {
        case message(JetStreamMessage)
        /// A status message or something else that is not a stream message.
        case control
        case none
    }

    /// Takes the next delivery, waiting up to `wait` (not at all for zero).
    private func receive(wait: Duration, _ credits: inout PullCredits) throws -> Received {
        var next: OpaquePointer?
        let status = natsSubscription_NextMsg(&next, handle, wait <= .zero ? 0 : max(wait.natsMilliseconds, 1))
        if status == NATS_TIMEOUT { return .none }
        if status == NATS_NO_RESPONDERS {
            credits.reset()
            throw NATSError(code: .noResponders, operation: "pull from consumer '\(durable)' on '\(stream)'",
                            detail: "nobody answers its pull requests: the consumer does not exist or JetStream is unavailable")
        }
        try NATSError.check(status, "pull from consumer '\(durable)' on '\(stream)'")
        guard let next else { return .none }
        if let reply = natsMsg_GetReply(next), strncmp(reply, "$JS.ACK.", 8) == 0 {
            credits.delivered()
            return .message(JetStreamMessage(taking: next, from: self))
        }
        defer { natsMsg_Destroy(next) }
        try control(next, &credits)
        return .control
    }

    /// Reads a status message: `408` (request expired) and `404` (nothing to deliver) end a request;
    /// `409` ends it and is an error (consumer deleted, `max_waiting` reached, request too large);
    /// `100` (heartbeat) and anything else are ignored.
    private func control(_ message: OpaquePointer, _ credits: inout PullCredits) throws {
        func header(_ name: String) -> String? {
            var value: UnsafePointer<CChar>?
            guard natsMsgHeader_Get(message, name, &value) == NATS_OK else { return nil }
            return swiftString(value)
        }
        guard let code = header("Status") else { return }
        switch code {
        case "404", "408":
            credits.ended(pending: header("Nats-Pending-Messages").flatMap { Int($0) })
        case "409":
            credits.ended(pending: header("Nats-Pending-Messages").flatMap { Int($0) })
            throw NATSError(code: .jetStreamAPI, operation: "pull from consumer '\(durable)' on '\(stream)'",
                            detail: "the server refused a pull request: 409 \(header("Description") ?? "")")
        default:
            return
        }
    }

    /// Sends a pull request when fewer than `batch` messages are outstanding. With none
    /// outstanding the fetch is about to wait on it, so it is flushed at once; otherwise it goes
    /// out with the connection's next flush, before the outstanding ones run out.
    private func requestMore(_ credits: inout PullCredits, batch: Int, now: ContinuousClock.Instant) throws {
        let idle = credits.outstanding == 0
        guard credits.request(batch: batch, now: now, expiry: requestExpiry) else { return }
        let body = Array("{\"batch\":\(batch),\"expires\":\(requestExpiry.natsNanoseconds)}".utf8)
        let connection = jetStream.connection.handle
        do {
            try body.withUnsafeBytes { bytes in
                try NATSError.check(
                    natsConnection_PublishRequest(connection, requestSubject, inbox, bytes.baseAddress, Int32(bytes.count)),
                    "send a pull request to consumer '\(durable)' on '\(stream)'")
            }
            if idle { _ = natsConnection_FlushTimeout(connection, 1_000) }
        } catch {
            credits.reset()
            throw error
        }
    }

    deinit {
        natsSubscription_Destroy(handle)
    }
}

/// How many messages a subscription's outstanding pull requests may still bring.
///
/// A request adds its batch; each delivered message takes one; a status message that ends a
/// request (expired, refused) takes what the server says it will no longer deliver
/// (`Nats-Pending-Messages`), or the whole request when it does not say. When the server never
/// answers (a status lost across a reconnect), everything counts as gone once the newest
/// request's expiry plus a grace period has passed.
struct PullCredits {
    /// Messages requested and neither delivered nor given up by the server.
    private(set) var outstanding = 0
    /// When the newest request expires on the server; nil when none is outstanding.
    private(set) var lastDeadline: ContinuousClock.Instant?
    /// The newest request's batch.
    private(set) var lastBatch = 0
    /// A failure seen while a fetch was collecting its batch, for the next fetch to throw.
    var deferredError: (any Error)?

    /// Counts a request for `batch` messages and returns true when fewer than `batch` are
    /// outstanding (the caller then sends it); otherwise returns false.
    mutating func request(batch: Int, now: ContinuousClock.Instant, expiry: Duration) -> Bool {
        guard outstanding < batch else { return false }
        outstanding += batch
        lastBatch = batch
        lastDeadline = now + expiry
        return true
    }

    mutating func delivered() {
        outstanding = max(0, outstanding - 1)
    }

    /// The server ended a request with `pending` messages undelivered (nil: it did not say).
    mutating func ended(pending: Int?) {
        outstanding = max(0, outstanding - (pending ?? lastBatch))
    }

    /// Gives up every request once the newest one's expiry plus `grace` has passed.
    mutating func expire(now: ContinuousClock.Instant, grace: Duration) {
        if let lastDeadline, now >= lastDeadline + grace { reset() }
    }

    mutating func reset() {
        outstanding = 0
        lastDeadline = nil
    }
}

extension JetStream {
    /// Binds a continuous pull to the existing durable consumer `durable` on `stream`; throws
    /// `.notFound` when it does not exist. Each pull request waits up to `requestExpiry` on the
    /// server. A shorter expiry recovers sooner from requests lost with their status messages (a
    /// server killed outright) and keeps fewer requests waiting on the consumer (the server spreads
    /// deliveries over all of them, and refuses more than its `max_waiting`, 512 by default); a
    /// longer one sends fewer requests while idle (two a second at the default).
    public func pullSubscribe(stream: String, durable: String, requestExpiry: Duration = .milliseconds(500)) throws -> PullSubscription {
        let operation = "pull subscribe to '\(durable)' on '\(stream)'"
        _ = try consumerInfo(stream: stream, durable: durable)
        var inbox: UnsafeMutablePointer<natsInbox>?
        try NATSError.check(natsInbox_Create(&inbox), operation)
        guard let inbox else { throw NATSError(code: .other, operation: operation, detail: "no inbox returned") }
        defer { natsInbox_Destroy(inbox) }
        let name = String(cString: inbox)
        var subscription: OpaquePointer?
        try NATSError.check(natsConnection_SubscribeSync(&subscription, connection.handle, name), operation)
        guard let subscription else { throw NATSError(code: .other, operation: operation, detail: "no subscription returned") }
        // The pull requests bound what is delivered; the library's own limits (64 MiB by default)
        // must not drop a batch of large messages.
        _ = natsSubscription_SetPendingLimits(subscription, 1_000_000, Int32.max)
        return PullSubscription(handle: subscription, jetStream: self, stream: stream, durable: durable, inbox: name,
                                requestExpiry: max(requestExpiry, .milliseconds(10)))
    }
}
