import CNATS

extension JetStream {
    /// Creates the stream, or updates it when it exists with other settings; does nothing when it matches.
    ///
    /// Safe when several instances start at once: losing the creation race is handled by re-reading.
    @discardableResult
    public func ensureStream(_ configuration: StreamConfiguration) throws -> StreamInfoSummary {
        for _ in 0..<3 {
            if let existing = try streamInfoIfExists(name: configuration.name) {
                if configuration.matches(existing.configuration) { return existing }
                return try writeStream(configuration, update: true)
            }
            do {
                return try writeStream(configuration, update: false)
            } catch let error as NATSError where error.jetStreamErrorCode == Int(JSStreamNameExistErr.rawValue) {
                continue  // Another instance created it first: re-read and compare.
            }
        }
        throw NATSError(code: .jetStreamAPI, operation: "ensure stream '\(configuration.name)'", detail: "stream kept changing concurrently")
    }

    /// The stream's current state; throws `.notFound` if it does not exist.
    public func streamInfo(name: String) throws -> StreamInfoSummary {
        guard let info = try streamInfoIfExists(name: name) else {
            throw NATSError(code: .notFound, operation: "stream info for '\(name)'", jetStreamErrorCode: Int(JSStreamNotFoundErr.rawValue))
        }
        return info
    }

    /// Deletes the stream and everything in it (tests and tooling); throws `.notFound` if absent.
    public func deleteStream(name: String) throws {
        var errorCode = jsErrCode(0)
        try NATSError.check(js_DeleteStream(handle, name, nil, &errorCode), "delete stream '\(name)'", jetStream: errorCode)
    }

    func streamInfoIfExists(name: String) throws -> StreamInfoSummary? {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var errorCode = jsErrCode(0)
        let status = js_GetStreamInfo(&info, handle, name, nil, &errorCode)
        if status == NATS_NOT_FOUND { return nil }
        try NATSError.check(status, "stream info for '\(name)'", jetStream: errorCode)
        guard let info else { return nil }
        defer { jsStreamInfo_Destroy(info) }
        return StreamInfoSummary(info.pointee)
    }

    private func writeStream(_ configuration: StreamConfiguration, update: Bool) throws -> StreamInfoSummary {
        let arena = CStringArena()
        var c = try configuration.cConfiguration(arena: arena)
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var errorCode = jsErrCode(0)
        let status = update
            ? js_UpdateStream(&info, handle, &c, nil, &errorCode)
            : js_AddStream(&info, handle, &c, nil, &errorCode)
        try NATSError.check(status, "\(update ? "update" : "create") stream '\(configuration.name)'", jetStream: errorCode)
        guard let info else { return try streamInfo(name: configuration.name) }
        defer { jsStreamInfo_Destroy(info) }
        return StreamInfoSummary(info.pointee)
    }
}
