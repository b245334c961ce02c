/// An error from the Redis adapter.
///
/// `message` is safe to log: it never contains a password, and for server errors it carries the
/// server's own error text (which Redis never fills with credentials).
public struct RedisError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure happened; stable for `switch`-free comparisons (`error.code == .io`).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case configuration, invalidCommand, connection, authentication, io, timeout, protocolError, server, script, closed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The configuration or URL is invalid.
        public static let configuration = Code(.configuration)
        /// A command was malformed before anything was sent (e.g. no arguments).
        public static let invalidCommand = Code(.invalidCommand)
        /// A connection could not be established (refused, unknown host, unreachable).
        public static let connection = Code(.connection)
        /// The server rejected the credentials given (`AUTH`).
        public static let authentication = Code(.authentication)
        /// Reading or writing failed, or the server closed the connection.
        public static let io = Code(.io)
        /// Connecting or waiting for a reply took longer than the configured timeout.
        public static let timeout = Code(.timeout)
        /// The server's reply could not be parsed; the connection is not reusable.
        public static let `protocol` = Code(.protocolError)
        /// The server answered a command with an error reply.
        public static let server = Code(.server)
        /// A Lua script failed while running (or could not be loaded).
        public static let script = Code(.script)
        /// The connection or client was closed by the caller.
        public static let closed = Code(.closed)

        /// The code's name, e.g. `io`.
        public var description: String { base == .protocolError ? "protocol" : base.rawValue }
    }

    /// What kind of failure happened.
    public let code: Code
    /// A description safe to log.
    public let message: String
    /// The hiredis context error flag (`REDIS_ERR_IO`, `REDIS_ERR_EOF`, …) when hiredis reported it.
    public let contextStatus: Int32?
    /// The `errno` captured right after the failing call, when hiredis reported a system error.
    public let systemErrno: Int32?
    /// The server's error reply text (for `.server`, `.authentication` and `.script`).
    public let serverMessage: String?

    /// Creates an error; used by the adapter, public so fakes in other targets can build one.
    public init(
        code: Code, message: String, contextStatus: Int32? = nil, systemErrno: Int32? = nil,
        serverMessage: String? = nil
    ) {
        self.code = code
        self.message = message
        self.contextStatus = contextStatus
        self.systemErrno = systemErrno
        self.serverMessage = serverMessage
    }

    /// `redis <code> error: <message>`.
    public var description: String { "redis \(code) error: \(message)" }

    /// Whether the failure left the connection unusable, so it must be replaced before reuse.
    var breaksConnection: Bool {
        code == .io || code == .timeout || code == .protocol || code == .connection
    }
}
