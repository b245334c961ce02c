/// An error from the PostgreSQL adapter, safe to log: it never carries the password, the
/// connection string or the values of query parameters.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is, for callers that branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case configuration, connection, query, `protocol`, timeout, decode, invalidArgument, migration
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The configuration (URL, conninfo, option) is invalid.
        public static let configuration = Code(.configuration)
        /// The connection could not be made, was closed, or was lost.
        public static let connection = Code(.connection)
        /// The server rejected a statement (see `sqlState`).
        public static let query = Code(.query)
        /// The server answered something the adapter did not expect.
        public static let `protocol` = Code(.protocol)
        /// A statement or wait ran out of time (statement_timeout, pool acquisition).
        public static let timeout = Code(.timeout)
        /// A result value could not be read as the requested type.
        public static let decode = Code(.decode)
        /// The caller passed something the adapter refuses (bad identifier, NUL byte, wrong arity).
        public static let invalidArgument = Code(.invalidArgument)
        /// Migration files or the migration history are inconsistent.
        public static let migration = Code(.migration)

        /// The code's name, e.g. `query`.
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// The five-character SQLSTATE the server reported (e.g. `23505`), if any.
    public let sqlState: String?
    /// A message safe to log: the server's primary message or the adapter's own text.
    public let message: String
    /// The libpq status behind the error (e.g. `PGRES_FATAL_ERROR`, `CONNECTION_BAD`), if any.
    public let status: String?
    /// The underlying Swift error (e.g. a file-system error while loading migrations), if any.
    public let underlying: (any Error)?

    /// Creates an error; `message` must already be safe to log.
    public init(
        code: Code, message: String, sqlState: String? = nil, status: String? = nil, underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.status = status
        self.underlying = underlying
    }

    /// Whether the statement failed because of the values it was given, so it would fail the same
    /// way on every retry: SQLSTATE class 22 (data exception: out of range, invalid text, NUL
    /// character), a NOT NULL violation (23502) or a CHECK violation (23514).
    public var isDataRejection: Bool {
        guard let sqlState else { return false }
        return sqlState.hasPrefix("22") || sqlState == "23502" || sqlState == "23514"
    }

    /// The server's message with its SQLSTATE, e.g. `parameter 6 contains a NUL character
    /// (SQLSTATE 22021)`: how a refused value is reported to the client that sent it.
    public var messageWithState: String {
        message + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
    }

    /// One line for logs, e.g. `PostgresError(query, sqlState 23505): duplicate key value ...`.
    public var description: String {
        var head = "PostgresError(\(code)"
        if let sqlState { head += ", sqlState \(sqlState)" }
        if let status { head += ", \(status)" }
        var text = head + "): " + message
        if let underlying { text += " (cause: \(underlying))" }
        return text
    }
}
