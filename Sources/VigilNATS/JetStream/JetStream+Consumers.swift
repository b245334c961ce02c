import CNATS

extension JetStream {
    /// Creates the durable pull consumer, or updates it when it exists with other settings. Idempotent and
    /// safe when several instances start at once.
    @discardableResult
    public func ensureConsumer(stream: String, _ configuration: ConsumerConfiguration) throws -> ConsumerInfoSummary {
        for _ in 0..<3 {
            if let existing = try consumerInfoIfExists(stream: stream, durable: configuration.durableName) {
                if configuration.matches(existing.configuration) { return existing }
                return try writeConsumer(stream: stream, configuration, update: true)
            }
            do {
                return try writeConsumer(stream: stream, configuration, update: false)
            } catch let error as NATSError where error.jetStreamErrorCode == Int(JSConsumerNameExistErr.rawValue) {
                continue  // Another instance created it first: re-read and compare.
            }
        }
        throw NATSError(code: .jetStreamAPI, operation: "ensure consumer '\(configuration.durableName)'", detail: "consumer kept changing concurrently")
    }

    /// The consumer's current state; throws `.notFound` if it does not exist.
    public func consumerInfo(stream: String, durable: String) throws -> ConsumerInfoSummary {
        guard let info = try consumerInfoIfExists(stream: stream, durable: durable) else {
            throw NATSError(code: .notFound, operation: "consumer info for '\(durable)'", jetStreamErrorCode: Int(JSConsumerNotFoundErr.rawValue))
        }
        return info
    }

    private func consumerInfoIfExists(stream: String, durable: String) throws -> ConsumerInfoSummary? {
        var info: UnsafeMutablePointer<jsConsumerInfo>?
        var errorCode = jsErrCode(0)
        let status = js_GetConsumerInfo(&info, handle, stream, durable, nil, &errorCode)
        if status == NATS_NOT_FOUND { return nil }
        try NATSError.check(status, "consumer info for '\(durable)' on '\(stream)'", jetStream: errorCode)
        guard let info else { return nil }
        defer { jsConsumerInfo_Destroy(info) }
        return ConsumerInfoSummary(info.pointee)
    }

    private func writeConsumer(stream: String, _ configuration: ConsumerConfiguration, update: Bool) throws -> ConsumerInfoSummary {
        let arena = CStringArena()
        var c = try configuration.cConfiguration(arena: arena)
        var info: UnsafeMutablePointer<jsConsumerInfo>?
        var errorCode = jsErrCode(0)
        let status = update
            ? js_UpdateConsumer(&info, handle, stream, &c, nil, &errorCode)
            : js_AddConsumer(&info, handle, stream, &c, nil, &errorCode)
        try NATSError.check(status, "\(update ? "update" : "create") consumer '\(configuration.durableName)' on '\(stream)'", jetStream: errorCode)
        guard let info else { return try consumerInfo(stream: stream, durable: configuration.durableName) }
        defer { jsConsumerInfo_Destroy(info) }
        return ConsumerInfoSummary(info.pointee)
    }
}
