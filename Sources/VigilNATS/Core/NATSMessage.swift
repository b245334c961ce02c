import CNATS

/// A core NATS message, copied out of cnats so it can outlive the callback and cross threads.
public struct NATSMessage: Sendable, Hashable {
    /// The subject it was published on.
    public var subject: String
    /// Where to send a reply, if the publisher expects one.
    public var reply: String?
    /// Its headers.
    public var headers: NATSHeaders
    /// Its body bytes.
    public var payload: [UInt8]

    /// Creates a message value (useful in tests and fakes).
    public init(subject: String, reply: String? = nil, headers: NATSHeaders = NATSHeaders(), payload: [UInt8] = []) {
        self.subject = subject
        self.reply = reply
        self.headers = headers
        self.payload = payload
    }

    /// Copies everything out of a cnats message; the caller still owns (and destroys) `message`.
    init(copying message: OpaquePointer) {
        subject = swiftString(natsMsg_GetSubject(message)) ?? ""
        reply = swiftString(natsMsg_GetReply(message)).flatMap { $0.isEmpty ? nil : $0 }
        headers = NATSHeaders(message: message)
        payload = copyPayload(of: message)
    }
}

/// Copies the data bytes of a cnats message.
func copyPayload(of message: OpaquePointer) -> [UInt8] {
    let length = Int(natsMsg_GetDataLength(message))
    guard length > 0, let data = natsMsg_GetData(message) else { return [] }
    return Array(UnsafeRawBufferPointer(start: data, count: length))
}
