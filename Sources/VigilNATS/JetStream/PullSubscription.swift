import CNATS
import Synchronization

/// A pull subscription bound to an existing durable consumer, owning one cnats `natsSubscription`.
///
/// `fetch` calls are serialized; give each worker thread its own subscription for parallel fetching.
// @unchecked: the handle is immutable and every fetch runs under `fetchLock`.
public final class PullSubscription: @unchecked Sendable {
    let handle: OpaquePointer
    /// Keeps the context (and so the connection) alive as long as the subscription.
    let jetStream: JetStream
    private let fetchLock = Mutex<Void>(())
    /// The durable consumer's name.
    public let durable: String

    init(handle: OpaquePointer, jetStream: JetStream, durable: String) {
        self.handle = handle
        self.jetStream = jetStream
        self.durable = durable
    }

    /// Returns up to `batch` messages: what is available at once, or, when none is, the messages
    /// that arrive until the batch is full or `timeout` passes (an empty array then). That is
    /// cnats's `natsSubscription_Fetch`: with `batch` 1 it returns the moment a message is stored;
    /// with a larger batch and nothing stored it can hold the first message for the whole `timeout`
    /// (the pipelines' `FetchPlan` accounts for both).
    ///
    /// Messages already queued in the subscription (delivered late for an earlier request whose
    /// `expires` ran out as the client gave up) are taken one fetch of 1 at a time, without a new
    /// pull request, never by a larger fetch: libnats 3.4.1 (`_fetch`) overruns its message array
    /// when a fetch of `batch` first takes more than `batch / 2` but fewer than `batch` queued
    /// messages. It then compares the count with the *remaining* request size
    /// (`req->Batch - count`), never finds them equal, and stores every message that arrives until
    /// the timeout past the end of its `calloc(batch)` array: the glibc heap-corruption aborts in
    /// docs/performance.md (a fetch of 512 returned 520–572 messages right before each one). A
    /// fetch of 1 cannot overrun (it takes 0 or 1 queued message).
    public func fetch(batch: Int, timeout: Duration) throws -> [JetStreamMessage] {
        guard batch > 0 else { return [] }
        return try fetchLock.withLock { _ in
            var messages: [JetStreamMessage] = []
            while messages.count < batch, batch > 1, queuedMessages > 0 {
                let one = try fetchLocked(batch: 1, timeout: .milliseconds(1))
                if one.isEmpty { break }
                messages += one
            }
            if !messages.isEmpty { return messages }
            return try fetchLocked(batch: batch, timeout: timeout)
        }
    }

    /// Messages delivered to this subscription and not yet taken by a fetch.
    private var queuedMessages: Int {
        var count: Int32 = 0, bytes: Int32 = 0
        guard natsSubscription_GetPending(handle, &count, &bytes) == NATS_OK else { return 0 }
        return Int(count)
    }

    private func fetchLocked(batch: Int, timeout: Duration) throws -> [JetStreamMessage] {
        var list = natsMsgList()
        var errorCode = jsErrCode(0)
        let status = natsSubscription_Fetch(&list, handle, Int32(clamping: batch), max(timeout.natsMilliseconds, 1), &errorCode)
        return try take(&list, status: status, errorCode: errorCode)
    }

    /// Takes ownership of a fetched list's messages; "no messages" and "timed out" are an empty batch.
    private func take(_ list: inout natsMsgList, status: natsStatus, errorCode: jsErrCode) throws -> [JetStreamMessage] {
        defer { natsMsgList_Destroy(&list) }
        if status == NATS_TIMEOUT || status == NATS_NOT_FOUND { return [] }
        try NATSError.check(status, "fetch from consumer '\(durable)'", jetStream: errorCode)
        var messages: [JetStreamMessage] = []
        messages.reserveCapacity(Int(list.Count))
        for index in 0..<Int(list.Count) {
            guard let message = list.Msgs[index] else { continue }
            // Take ownership: clearing the slot stops natsMsgList_Destroy from destroying it.
            list.Msgs[index] = nil
            messages.append(JetStreamMessage(taking: message, from: self))
        }
        return messages
    }

    deinit {
        // Destroying (not unsubscribing) leaves the durable consumer on the server for the next run.
        natsSubscription_Destroy(handle)
    }
}

extension JetStream {
    /// Binds a pull subscription to the existing durable consumer `durable` on `stream`.
    public func pullSubscribe(stream: String, durable: String, filterSubject: String? = nil) throws -> PullSubscription {
        let operation = "pull subscribe to '\(durable)' on '\(stream)'"
        let arena = CStringArena()
        var options = jsSubOptions()
        try NATSError.check(jsSubOptions_Init(&options), operation)
        options.Stream = arena.copy(stream)
        options.Consumer = arena.copy(durable)
        var subscription: OpaquePointer?
        var errorCode = jsErrCode(0)
        let subject = filterSubject ?? ""
        try NATSError.check(js_PullSubscribe(&subscription, handle, subject, durable, nil, &options, &errorCode), operation, jetStream: errorCode)
        guard let subscription else { throw NATSError(code: .other, operation: operation, detail: "no subscription returned") }
        return withExtendedLifetime(arena) { PullSubscription(handle: subscription, jetStream: self, durable: durable) }
    }
}
