import CNATS

/// A callback subscription, owning one cnats `natsSubscription`. Dropping it unsubscribes.
// @unchecked: cnats subscription calls lock internally; the handle is immutable after init.
public final class NATSSubscription: @unchecked Sendable {
    let handle: OpaquePointer
    /// Keeps the connection (and its cnats handle) alive for as long as the subscription.
    let connection: NATSConnection
    /// The subject (possibly with wildcards) subscribed to.
    public let subject: String

    init(handle: OpaquePointer, connection: NATSConnection, subject: String) {
        self.handle = handle
        self.connection = connection
        self.subject = subject
    }

    /// Stops delivery at once; messages already queued for the handler are dropped. Idempotent.
    public func unsubscribe() {
        _ = natsSubscription_Unsubscribe(handle)
    }

    /// Stops taking new messages, lets the handler process those already queued, then removes the
    /// subscription. Blocks up to `timeout`; throws `.timeout` if the handler did not finish in time.
    public func drain(timeout: Duration = .seconds(10)) throws {
        let status = natsSubscription_DrainTimeout(handle, timeout.natsMilliseconds)
        // Already closed or draining: the goal (no more deliveries) is reached or underway.
        if status == NATS_INVALID_SUBSCRIPTION || status == NATS_CONNECTION_CLOSED { return }
        try NATSError.check(status, "drain subscription on '\(subject)'")
        try NATSError.check(natsSubscription_WaitForDrainCompletion(handle, timeout.natsMilliseconds), "wait for drain on '\(subject)'")
    }

    /// Whether the subscription still receives messages.
    public var isActive: Bool { natsSubscription_IsValid(handle) }

    deinit {
        natsSubscription_Destroy(handle)
    }
}

/// The handler shared with cnats through the subscription's `void*` closure.
final class SubscriptionHandlerBox: Sendable {
    let handler: @Sendable (NATSMessage) -> Void
    init(_ handler: @escaping @Sendable (NATSMessage) -> Void) { self.handler = handler }
}

// File-level (never MainActor) callbacks; cnats calls them on the subscription's delivery thread.

func natsSubscriptionMessageCallback(
    _ connection: OpaquePointer?, _ subscription: OpaquePointer?, _ message: OpaquePointer?, _ closure: UnsafeMutableRawPointer?
) {
    guard let message else { return }
    let copy = NATSMessage(copying: message)
    natsMsg_Destroy(message)
    guard let closure else { return }
    Unmanaged<SubscriptionHandlerBox>.fromOpaque(closure).takeUnretainedValue().handler(copy)
}

func natsSubscriptionCompleteCallback(_ closure: UnsafeMutableRawPointer?) {
    guard let closure else { return }
    // cnats calls this once, after the last message callback: release the reference taken at subscribe.
    Unmanaged<SubscriptionHandlerBox>.fromOpaque(closure).release()
}

extension NATSConnection {
    /// Subscribes `handler` to `subject` (optionally in a queue group, where each message goes to one member).
    ///
    /// cnats calls `handler` serially on the subscription's own thread; a slow handler makes messages queue
    /// up to the configured pending limits, beyond which they are dropped and a slow-consumer error logged.
    public func subscribe(
        subject: String, queue: String? = nil, handler: @escaping @Sendable (NATSMessage) -> Void
    ) throws -> NATSSubscription {
        let operation = "subscribe to '\(subject)'"
        let closure = Unmanaged.passRetained(SubscriptionHandlerBox(handler)).toOpaque()
        var created: OpaquePointer?
        let status = if let queue {
            natsConnection_QueueSubscribe(&created, handle, subject, queue, natsSubscriptionMessageCallback, closure)
        } else {
            natsConnection_Subscribe(&created, handle, subject, natsSubscriptionMessageCallback, closure)
        }
        guard status == NATS_OK, let created else {
            Unmanaged<SubscriptionHandlerBox>.fromOpaque(closure).release()
            try NATSError.check(status, operation)
            throw NATSError(code: .other, operation: operation, detail: "no subscription returned")
        }
        let subscription = NATSSubscription(handle: created, connection: self, subject: subject)
        guard natsSubscription_SetOnCompleteCB(created, natsSubscriptionCompleteCallback, closure) == NATS_OK else {
            // The subscription closed before we could hook its completion (connection closing). Its delivery
            // thread may still touch the box, so leaking this one small object is the only safe choice.
            throw NATSError(code: .connectionClosed, operation: operation, detail: "subscription closed while being set up")
        }
        try NATSError.check(
            natsSubscription_SetPendingLimits(
                created, Int32(clamping: configuration.pendingMessagesLimit), Int32(clamping: configuration.pendingBytesLimit)),
            "set pending limits for '\(subject)'")
        return subscription
    }
}
