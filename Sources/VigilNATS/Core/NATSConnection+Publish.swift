import CNATS

extension NATSConnection {
    /// Publishes a message (buffered by cnats; call `flush` to wait until the server has it).
    public func publish(
        subject: String, payload: some Collection<UInt8> = [UInt8](), headers: NATSHeaders = NATSHeaders(), replyTo: String? = nil
    ) throws {
        let operation = "publish to '\(subject)'"
        if headers.isEmpty {
            try withPayloadBytes(payload) { bytes, length in
                let status = if let replyTo {
                    natsConnection_PublishRequest(handle, subject, replyTo, bytes, length)
                } else {
                    natsConnection_Publish(handle, subject, bytes, length)
                }
                try NATSError.check(status, operation)
            }
            return
        }
        let message = try makeCMessage(subject: subject, reply: replyTo, payload: payload, headers: headers, operation: operation)
        defer { natsMsg_Destroy(message) }
        try NATSError.check(natsConnection_PublishMsg(handle, message), operation)
    }

    /// Sends a request and waits up to `timeout` for the first reply.
    ///
    /// Throws `NATSError` with code `.noResponders` at once when nobody subscribes to `subject`, and
    /// `.timeout` when subscribers exist but none answered in time.
    public func request(
        subject: String, payload: some Collection<UInt8> = [UInt8](), headers: NATSHeaders = NATSHeaders(),
        timeout: Duration = .seconds(2)
    ) throws -> NATSMessage {
        let operation = "request on '\(subject)'"
        let milliseconds = max(timeout.natsMilliseconds, 1)
        var reply: OpaquePointer?
        if headers.isEmpty {
            try withPayloadBytes(payload) { bytes, length in
                try NATSError.check(natsConnection_Request(&reply, handle, subject, bytes, length, milliseconds), operation)
            }
        } else {
            let message = try makeCMessage(subject: subject, reply: nil, payload: payload, headers: headers, operation: operation)
            defer { natsMsg_Destroy(message) }
            try NATSError.check(natsConnection_RequestMsg(&reply, handle, message, milliseconds), operation)
        }
        guard let reply else { throw NATSError(code: .other, operation: operation, detail: "no reply message") }
        defer { natsMsg_Destroy(reply) }
        return NATSMessage(copying: reply)
    }

    /// Publishes a reply to `request`'s reply subject; throws `.invalidMessage` if it has none.
    public func respond(to request: NATSMessage, payload: some Collection<UInt8> = [UInt8](), headers: NATSHeaders = NATSHeaders()) throws {
        guard let reply = request.reply else {
            throw NATSError(code: .invalidMessage, operation: "respond to message on '\(request.subject)'", detail: "message has no reply subject")
        }
        try publish(subject: reply, payload: payload, headers: headers)
    }
}
