import CNATS

/// An error from the NATS adapter, safe to log: it never carries passwords, tokens or payloads.
public struct NATSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is; stable for callers to branch on.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: String, Sendable {
            case connectionFailed, authenticationFailed, connectionClosed, timeout, noResponders
            case notFound, invalidArgument, jetStreamAPI, publishNotAcknowledged, slowConsumer
            case invalidMessage, tls, other
        }
        let base: Base

        /// No server could be reached, or the connection attempt failed.
        public static let connectionFailed = Code(base: .connectionFailed)
        /// The server rejected the credentials.
        public static let authenticationFailed = Code(base: .authenticationFailed)
        /// The connection (or subscription) is closed or draining.
        public static let connectionClosed = Code(base: .connectionClosed)
        /// The operation did not complete in time.
        public static let timeout = Code(base: .timeout)
        /// A request was sent to a subject nobody listens on.
        public static let noResponders = Code(base: .noResponders)
        /// A stream, consumer or other named object does not exist.
        public static let notFound = Code(base: .notFound)
        /// An argument (subject, name, limit) was rejected before reaching the server.
        public static let invalidArgument = Code(base: .invalidArgument)
        /// The JetStream API answered with an error (see `jetStreamErrorCode`).
        public static let jetStreamAPI = Code(base: .jetStreamAPI)
        /// Some asynchronous JetStream publishes were not acknowledged.
        public static let publishNotAcknowledged = Code(base: .publishNotAcknowledged)
        /// The client could not keep up and the server or library dropped messages.
        public static let slowConsumer = Code(base: .slowConsumer)
        /// A message lacks something the operation needs (e.g. a reply subject).
        public static let invalidMessage = Code(base: .invalidMessage)
        /// TLS setup or handshake failed.
        public static let tls = Code(base: .tls)
        /// Any other library failure; see `natsStatusText`.
        public static let other = Code(base: .other)

        /// The code's name, e.g. `timeout`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What the adapter was doing, e.g. `publish to 'orders.new'`.
    public private(set) var operation: String
    /// The raw cnats `natsStatus` value, when the failure came from cnats.
    public let natsStatusCode: UInt32?
    /// cnats' name for the status, e.g. `Timeout`.
    public let natsStatusText: String?
    /// The JetStream API error code (e.g. 10059 stream not found), when the server gave one.
    public let jetStreamErrorCode: Int?
    /// cnats' last error text for this thread, with credentials scrubbed.
    public private(set) var detail: String?

    /// Creates an error that did not come straight from a cnats status.
    public init(code: Code, operation: String, detail: String? = nil, jetStreamErrorCode: Int? = nil) {
        self.code = code
        self.operation = Self.scrub(operation)
        self.natsStatusCode = nil
        self.natsStatusText = nil
        self.jetStreamErrorCode = jetStreamErrorCode
        self.detail = detail.map { Self.scrub($0) }
    }

    init(status: natsStatus, operation: String, jetStreamErrorCode: Int?, detail: String?) {
        self.code = Self.code(for: status, jetStreamErrorCode: jetStreamErrorCode)
        self.operation = Self.scrub(operation)
        self.natsStatusCode = status.rawValue
        self.natsStatusText = natsStatus_GetText(status).map { String(cString: $0) }
        self.jetStreamErrorCode = jetStreamErrorCode
        self.detail = detail.map { Self.scrub($0) }
    }

    /// A one-line message safe to log.
    public var description: String {
        var text = "NATS \(code) during \(operation)"
        if let natsStatusText { text += ": \(natsStatusText)" }
        if let jetStreamErrorCode { text += " (JetStream error \(jetStreamErrorCode))" }
        if let detail, detail != natsStatusText { text += " — \(detail)" }
        return text
    }

    /// Turns a cnats status into a thrown error; the one place where cnats statuses are mapped.
    ///
    /// Must run on the thread that made the failing call, since cnats keeps its last error per thread.
    static func check(
        _ status: natsStatus, _ operation: @autoclosure () -> String,
        jetStream errorCode: jsErrCode = jsErrCode(0)
    ) throws(NATSError) {
        guard status != NATS_OK else { return }
        let lastError = nats_GetLastError(nil).map { String(cString: $0) }
        throw NATSError(
            status: status, operation: operation(),
            jetStreamErrorCode: errorCode.rawValue == 0 ? nil : Int(errorCode.rawValue),
            detail: lastError.flatMap { $0.isEmpty ? nil : $0 })
    }

    private static func code(for status: natsStatus, jetStreamErrorCode: Int?) -> Code {
        switch status {
        case NATS_TIMEOUT: return .timeout
        case NATS_NO_RESPONDERS: return .noResponders
        case NATS_NOT_FOUND: return .notFound
        case NATS_NO_SERVER, NATS_IO_ERROR, NATS_STALE_CONNECTION, NATS_NOT_YET_CONNECTED,
            NATS_ADDRESS_MISSING:
            return .connectionFailed
        case NATS_CONNECTION_AUTH_FAILED, NATS_NOT_PERMITTED: return .authenticationFailed
        case NATS_CONNECTION_CLOSED, NATS_CONNECTION_DISCONNECTED, NATS_DRAINING,
            NATS_INVALID_SUBSCRIPTION:
            return .connectionClosed
        case NATS_INVALID_ARG, NATS_INVALID_SUBJECT, NATS_INVALID_TIMEOUT, NATS_INVALID_QUEUE_NAME,
            NATS_MAX_PAYLOAD:
            return .invalidArgument
        case NATS_SLOW_CONSUMER: return .slowConsumer
        case NATS_SSL_ERROR, NATS_SECURE_CONNECTION_WANTED, NATS_SECURE_CONNECTION_REQUIRED: return .tls
        default: return jetStreamErrorCode == nil ? .other : .jetStreamAPI
        }
    }

    /// Removes the user-info part of any URL (`nats://user:secret@host` → `nats://***@host`).
    static func scrub(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let scheme = rest.firstRange(of: "://") {
            result += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == " " || $0 == "," || $0 == "'" || $0 == "\"" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                result += "***"
                rest = rest[at...]
            }
        }
        return result + rest
    }
}

extension NATSError {
    /// A copy with every occurrence of the given secrets (passwords, tokens) masked.
    func redacting(_ secrets: [String]) -> NATSError {
        guard !secrets.isEmpty else { return self }
        func mask(_ text: String) -> String {
            secrets.reduce(text) { partial, secret in partial.replacing(secret, with: "***") }
        }
        var copy = self
        copy.operation = mask(operation)
        copy.detail = detail.map(mask)
        return copy
    }
}
