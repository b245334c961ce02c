import CNATS
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where a JetStream message sits in its stream and consumer.
public struct JetStreamMetadata: Sendable, Hashable {
    /// Sequence in the stream.
    public var streamSequence: UInt64
    /// Sequence in the consumer (grows with redeliveries).
    public var consumerSequence: UInt64
    /// How many times this message has been delivered, this delivery included.
    public var numDelivered: UInt64
    /// Messages still pending for the consumer after this one.
    public var numPending: UInt64
    /// When the stream stored it, in nanoseconds since the Unix epoch.
    public var timestampNanoseconds: Int64
    /// Stream name.
    public var stream: String
    /// Consumer name.
    public var consumer: String
}

/// A message fetched from a pull consumer, owning its cnats `natsMsg` until it is deallocated.
///
/// Acks are fire-and-forget publishes to its ack subject (not ack-sync): cheap, sent with the
/// connection's next flush.
// @unchecked: the natsMsg is only read after receipt; acks and header reads are serialized by `ackLock`.
public final class JetStreamMessage: @unchecked Sendable {
    private let handle: OpaquePointer
    /// Whether it was acked, nak'ed or terminated.
    private let ackLock = Mutex(false)
    /// cnats messages point at their subscription and connection without retaining them: keep both alive
    /// so an ack after the subscription was dropped cannot touch freed memory.
    private let subscription: PullSubscription

    init(taking handle: OpaquePointer, from subscription: PullSubscription) {
        self.handle = handle
        self.subscription = subscription
    }

    /// The subject it was published on.
    public var subject: String { swiftString(natsMsg_GetSubject(handle)) ?? "" }

    /// Its sequence in the stream, read from the ack reply subject in Swift, or nil if the subject
    /// has neither known layout. Pipelines call this for every message instead of `metadata()`,
    /// which allocates in C on each call. Layouts: `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.…`
    /// (9 tokens) and `$JS.ACK.<domain>.<account>.<stream>.<consumer>.<delivered>.<sseq>.…` (11+).
    public var streamSequence: UInt64? { withAckSubject { Self.streamSequence(ofAckSubject: $0) } }

    /// When the stream stored it, in nanoseconds since the Unix epoch on the server's clock, read
    /// from the ack subject like ``streamSequence`` (nil if the subject has neither layout).
    public var storedAtNanoseconds: Int64? {
        withAckSubject { Self.storedAtNanoseconds(ofAckSubject: $0) }
    }

    private func withAckSubject<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R?) -> R? {
        guard let reply = natsMsg_GetReply(handle) else { return nil }
        let length = strlen(reply)
        return UnsafeRawPointer(reply).withMemoryRebound(to: UInt8.self, capacity: length) { start in
            body(UnsafeBufferPointer(start: start, count: length))
        }
    }

    /// The stream sequence in an ack subject's bytes (see ``streamSequence``), read in place.
    static func streamSequence(ofAckSubject bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        number(inAckSubject: bytes, token: 5)
    }

    /// The storage timestamp in an ack subject's bytes (see ``storedAtNanoseconds``).
    static func storedAtNanoseconds(ofAckSubject bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        number(inAckSubject: bytes, token: 7).flatMap { Int64(exactly: $0) }
    }

    /// The decimal number at `token` (counted in the 9-token layout; two further on in the longer
    /// one) of an ack subject, or nil when the subject is not one or the token is not a number.
    private static func number(inAckSubject bytes: UnsafeBufferPointer<UInt8>, token wantedInShort: Int) -> UInt64? {
        let prefix: [UInt8] = Array("$JS.ACK.".utf8)
        guard bytes.count > prefix.count, bytes.starts(with: prefix) else { return nil }
        var tokens = 1
        for byte in bytes where byte == UInt8(ascii: ".") { tokens += 1 }
        guard tokens >= 9 else { return nil }
        let wanted = tokens == 9 ? wantedInShort : wantedInShort + 2
        var token = 0, value: UInt64 = 0, digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if token == wanted { break }
                token += 1
            } else if token == wanted {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !overflow, !overflow2 else { return nil }
                value = sum
                digits += 1
            }
        }
        return digits > 0 ? value : nil
    }

    /// Its headers (copied on each access).
    /// (cnats parses headers lazily, writing into the message, so reads are serialized too.)
    public var headers: NATSHeaders { ackLock.withLock { _ in NATSHeaders(message: handle) } }

    /// A copy of its body.
    public var payload: [UInt8] { copyPayload(of: handle) }

    /// Calls `body` with the body bytes without copying; the buffer is valid only inside `body`.
    public func withPayload<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let length = Int(natsMsg_GetDataLength(handle))
        return try withExtendedLifetime(self) {
            try body(UnsafeRawBufferPointer(start: length > 0 ? natsMsg_GetData(handle) : nil, count: length))
        }
    }

    /// Its stream/consumer position and delivery count.
    ///
    /// Not for every message on a hot path: calling it (cnats `natsMsg_GetMetaData`) per fetched
    /// message under load reproduced the glibc heap-corruption abort, with one worker or two (see
    /// docs/performance.md). Pipelines use ``streamSequence``.
    public func metadata() throws -> JetStreamMetadata {
        var meta: UnsafeMutablePointer<jsMsgMetaData>?
        try NATSError.check(natsMsg_GetMetaData(&meta, handle), "read JetStream metadata")
        guard let meta else { throw NATSError(code: .invalidMessage, operation: "read JetStream metadata") }
        defer { jsMsgMetaData_Destroy(meta) }
        let m = meta.pointee
        return JetStreamMetadata(
            streamSequence: m.Sequence.Stream, consumerSequence: m.Sequence.Consumer, numDelivered: m.NumDelivered,
            numPending: m.NumPending, timestampNanoseconds: m.Timestamp, stream: swiftString(m.Stream) ?? "",
            consumer: swiftString(m.Consumer) ?? "")
    }

    /// Acknowledges processing: the server will not redeliver it.
    public func ack() throws { try acknowledge("ack", body: "+ACK", final: true) }

    /// Asks for redelivery, after `delay` if given (otherwise at once).
    public func nak(delay: Duration? = nil) throws {
        let body = if let delay, delay > .zero { "-NAK {\"delay\":\(delay.natsNanoseconds)}" } else { "-NAK" }
        try acknowledge("nak", body: body, final: true)
    }

    /// Tells the server never to redeliver it (poison message).
    public func term() throws { try acknowledge("term", body: "+TERM", final: true) }

    /// Resets the ack-wait timer while processing takes long.
    public func inProgress() throws { try acknowledge("in-progress", body: "+WPI", final: false) }

    /// Publishes `body` to the message's ack subject (fire and forget, sent with the connection's
    /// next flush). After an ack, nak or term, further ones are ignored, as the server would.
    private func acknowledge(_ kind: String, body: String, final: Bool) throws {
        try ackLock.withLock { settled in
            guard !settled else { return }
            guard let reply = natsMsg_GetReply(handle) else {
                throw NATSError(code: .invalidMessage, operation: "\(kind) JetStream message on '\(subject)'", detail: "it has no ack subject")
            }
            let bytes = Array(body.utf8)
            let status = bytes.withUnsafeBytes { natsConnection_Publish(subscription.jetStream.connection.handle, reply, $0.baseAddress, Int32($0.count)) }
            try NATSError.check(status, "\(kind) JetStream message on '\(subject)'")
            if final { settled = true }
        }
    }

    deinit {
        natsMsg_Destroy(handle)
    }
}
