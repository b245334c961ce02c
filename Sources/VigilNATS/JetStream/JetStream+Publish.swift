import CNATS
import Synchronization

/// The server's acknowledgement of a JetStream publish.
public struct PublishAck: Sendable, Hashable {
    /// The stream that stored the message.
    public var stream: String
    /// The message's sequence in that stream.
    public var sequence: UInt64
    /// True when the message ID was seen inside the duplicate window, so nothing new was stored.
    public var duplicate: Bool
}

/// A message for `publishBatch`.
public struct OutboundMessage: Sendable {
    /// Subject (must be captured by a stream).
    public var subject: String
    /// Body bytes.
    public var payload: [UInt8]
    /// Headers.
    public var headers: NATSHeaders
    /// Deduplication ID sent as `Nats-Msg-Id` (nil for none).
    public var messageID: String?

    /// Creates an outbound message.
    public init(subject: String, payload: [UInt8], headers: NATSHeaders = NATSHeaders(), messageID: String? = nil) {
        self.subject = subject
        self.payload = payload
        self.headers = headers
        self.messageID = messageID
    }
}

/// One asynchronous publish that JetStream did not acknowledge.
public struct PublishFailure: Sendable, Hashable {
    /// The message's subject.
    public var subject: String
    /// Its `Nats-Msg-Id`, if it had one.
    public var messageID: String?
    /// The error (e.g. `.noResponders` when no stream captures the subject, `.timeout` when no ack came).
    public var error: NATSError
}

/// Failures reported by cnats' async-publish error callback, collected for the running batch.
final class PublishFailureLog: Sendable {
    let failures = Mutex<[PublishFailure]>([])
}

/// cnats calls this on its reply thread for each failed async publish (file-level: never MainActor).
func jetStreamPublishErrorCallback(_ context: OpaquePointer?, _ failure: UnsafeMutablePointer<jsPubAckErr>?, _ closure: UnsafeMutableRawPointer?) {
    guard let failure, let closure else { return }
    let log = Unmanaged<PublishFailureLog>.fromOpaque(closure).takeUnretainedValue()
    let detail = failure.pointee
    let record = PublishFailure(
        subject: detail.Msg.flatMap { swiftString(natsMsg_GetSubject($0)) } ?? "?",
        messageID: detail.Msg.flatMap { messageID(of: $0) },
        error: NATSError(
            status: detail.Err, operation: "asynchronous JetStream publish",
            jetStreamErrorCode: detail.ErrCode.rawValue == 0 ? nil : Int(detail.ErrCode.rawValue), detail: swiftString(detail.ErrText)))
    log.failures.withLock { $0.append(record) }
}

private func messageID(of message: OpaquePointer) -> String? {
    var value: UnsafePointer<CChar>?
    guard natsMsgHeader_Get(message, "Nats-Msg-Id", &value) == NATS_OK else { return nil }
    return swiftString(value)
}

extension JetStream {
    /// Publishes one message and waits for JetStream to store it.
    public func publish(
        subject: String, payload: some Collection<UInt8> = [UInt8](), headers: NATSHeaders = NATSHeaders(), messageID: String? = nil,
        timeout: Duration = .seconds(5)
    ) throws -> PublishAck {
        let operation = "JetStream publish to '\(subject)'"
        let message = try makeCMessage(subject: subject, reply: nil, payload: payload, headers: headers, operation: operation)
        defer { natsMsg_Destroy(message) }
        var ack: UnsafeMutablePointer<jsPubAck>?
        var errorCode = jsErrCode(0)
        try withPublishOptions(messageID: messageID, maxWait: timeout) { options in
            try NATSError.check(js_PublishMsg(&ack, handle, message, options, &errorCode), operation, jetStream: errorCode)
        }
        guard let ack else { throw NATSError(code: .other, operation: operation, detail: "no acknowledgement returned") }
        defer { jsPubAck_Destroy(ack) }
        return PublishAck(stream: swiftString(ack.pointee.Stream) ?? "", sequence: ack.pointee.Sequence, duplicate: ack.pointee.Duplicate)
    }

    /// Publishes all messages asynchronously and waits until JetStream acknowledged every one.
    ///
    /// Throws `.publishNotAcknowledged` listing the failures (`PublishFailure`s in the error detail, count
    /// first) when any message was rejected or not acknowledged within `timeout`; the others are stored.
    /// Republishing the batch with the same message IDs is safe inside the stream's duplicate window.
    /// Calls on one context run one at a time; use one context per publishing thread for parallelism.
    public func publishBatch(_ messages: [OutboundMessage], timeout: Duration = .seconds(10)) throws {
        try batchLock.withLock { _ in try publishBatchLocked(messages, timeout: timeout) }
    }

    private func publishBatchLocked(_ messages: [OutboundMessage], timeout: Duration) throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        failures.failures.withLock { $0.removeAll() }
        var unsent: [PublishFailure] = []
        for (index, outbound) in messages.enumerated() {
            do {
                try publishAsync(outbound, deadline: deadline, clock: clock)
            } catch let error as NATSError {
                unsent = messages[index...].map { PublishFailure(subject: $0.subject, messageID: $0.messageID, error: error) }
                break
            }
        }
        // cnats holds async publishes in its write buffer for up to ~1 ms before its flusher thread
        // sends them; the acks we wait for next cannot come before that, so send them now. (A flush
        // failure is not fatal here: the ack wait below reports what was not stored.) A SendAsap
        // connection has written each one already; its flush would only add a PING round trip.
        if unsent.count < messages.count, !connection.configuration.sendAsap {
            _ = natsConnection_FlushTimeout(connection.handle, max(Int64((deadline - clock.now).natsMilliseconds), 1))
        }
        let remaining = max(deadline - clock.now, .milliseconds(1))
        let status = withPublishOptions(messageID: nil, maxWait: remaining) { options in js_PublishAsyncComplete(handle, options) }
        var notAcknowledged: [PublishFailure] = []
        if status != NATS_OK {
            notAcknowledged = takeBackPending()
        }
        let failed = failures.failures.withLock { $0 } + notAcknowledged + unsent
        guard failed.isEmpty else {
            let sample = failed.prefix(5).map { "\($0.subject)\($0.messageID.map { " id=\($0)" } ?? ""): \($0.error.code)" }
            throw NATSError(
                code: .publishNotAcknowledged, operation: "JetStream batch publish of \(messages.count) messages",
                detail: "\(failed.count) of \(messages.count) not acknowledged, e.g. \(sample.joined(separator: "; "))")
        }
    }

    /// Hands one message to cnats, waiting (until the deadline) while too many acks are outstanding.
    private func publishAsync(_ outbound: OutboundMessage, deadline: ContinuousClock.Instant, clock: ContinuousClock) throws {
        let operation = "JetStream async publish to '\(outbound.subject)'"
        var message: OpaquePointer? = try makeCMessage(
            subject: outbound.subject, reply: nil, payload: outbound.payload, headers: outbound.headers, operation: operation)
        // On success cnats takes the message and clears the pointer, making this destroy a no-op.
        defer { natsMsg_Destroy(message) }
        while true {
            let status = withPublishOptions(messageID: outbound.messageID, maxWait: nil) { options in
                js_PublishMsgAsync(handle, &message, options)
            }
            // A timeout here means "stalled at MaxPending": keep trying while the batch has time left.
            if status == NATS_TIMEOUT, clock.now < deadline { continue }
            try NATSError.check(status, operation)
            return
        }
    }

    /// Takes the still-unacknowledged messages back from cnats so no callback can arrive for them later.
    private func takeBackPending() -> [PublishFailure] {
        var pending = natsMsgList()
        guard js_PublishAsyncGetPendingList(&pending, handle) == NATS_OK else { return [] }
        defer { natsMsgList_Destroy(&pending) }
        let timeout = NATSError(code: .timeout, operation: "JetStream async publish", detail: "no acknowledgement in time")
        return (0..<Int(pending.Count)).compactMap { index in
            pending.Msgs[index].map { PublishFailure(subject: swiftString(natsMsg_GetSubject($0)) ?? "?", messageID: messageID(of: $0), error: timeout) }
        }
    }

    private func withPublishOptions<R>(messageID: String?, maxWait: Duration?, _ body: (UnsafeMutablePointer<jsPubOptions>) throws -> R) rethrows -> R {
        let arena = CStringArena()
        var options = jsPubOptions()
        _ = jsPubOptions_Init(&options)
        options.MsgId = arena.copy(messageID)
        if let maxWait { options.MaxWait = max(maxWait.natsMilliseconds, 1) }
        return try withExtendedLifetime(arena) { try body(&options) }
    }
}
