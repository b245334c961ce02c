import CLibPQ
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// One PostgreSQL session (owns a libpq `PGconn`).
///
/// Calls block the calling thread, so use it from a dedicated thread (Vigil's pipeline
/// workers) or through `PostgresClient`. Not for concurrent use: one thread at a time.
/// A lost connection is re-established at the start of the *next* call; the call that saw
/// the loss fails and is never retried silently, because it may already have committed.
public final class PostgresConnection {
    /// The settings this connection was made with.
    public let configuration: PostgresConfiguration
    let logger: Logger
    private var handle: OpaquePointer?
    /// Channels to LISTEN on again after a reset, since a new session forgets them.
    var listenedChannels: Set<String> = []

    /// Connects (blocking up to `configuration.connectTimeout`) and applies session settings.
    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "vigil.postgres")) throws {
        self.configuration = configuration
        self.logger = logger
        self.handle = try Self.connect(configuration)
        try applySessionSettings()
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Closes the session; later calls fail with a `connection` error. Safe to call twice.
    public func close() {
        guard let handle else { return }
        self.handle = nil
        PQfinish(handle)
    }

    /// Whether `close()` has not been called.
    var isOpen: Bool { handle != nil }

    /// Whether the session is open and libpq has not seen it break (no round trip).
    public var isHealthy: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Runs one parameterized statement (`$1`, `$2`, ...) and returns its rows.
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) throws -> PostgresResult {
        try run(readyHandle(), sql, parameters)
    }

    /// Runs one parameterized statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue] = []) throws -> Int {
        try query(sql, parameters).affectedRows
    }

    /// Runs SQL text that may hold several statements and no parameters (migration files).
    func executeScript(_ sql: String) throws {
        let handle = try readyHandle()
        try CStringArray.with([sql], what: "SQL script") { pointers in
            let result = PQexec(handle, pointers[0])
            defer { PQclear(result) }
            try check(handle, result)
        }
    }

    /// The libpq transaction state, to refuse nested transactions.
    var transactionStatus: PGTransactionStatusType {
        guard let handle else { return PQTRANS_UNKNOWN }
        return PQtransactionStatus(handle)
    }

    /// Low-level socket access for waiting on notifications.
    func withReadyHandle<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        try body(readyHandle())
    }

    func check(_ handle: OpaquePointer, _ result: OpaquePointer?) throws {
        guard let error = PostgresError.fromLibPQ(connection: handle, .statement(result), secret: configuration.password)
        else { return }
        if PQstatus(handle) == CONNECTION_BAD {
            logger.warning("PostgreSQL connection lost; it will be re-established on the next call", metadata: [
                "error": "\(error)"
            ])
        }
        throw error
    }

    private func run(_ handle: OpaquePointer, _ sql: String, _ parameters: [PostgresValue]) throws -> PostgresResult {
        let types = parameters.map(\.typeOID)
        return try CStringArray.with([sql], what: "SQL text") { command in
            try CStringArray.with(parameters.map(\.textEncoding), what: "parameter") { values in
                let result = PQexecParams(handle, command[0], Int32(parameters.count), types, values, nil, nil, 0)
                defer { PQclear(result) }
                try check(handle, result)
                guard let result else { throw PostgresError(code: .protocol, message: "no result from libpq") }
                return PostgresResult(copying: result)
            }
        }
    }

    /// Returns the open handle, first re-establishing a broken session (bounded, logged).
    private func readyHandle() throws -> OpaquePointer {
        guard let handle else { throw PostgresError(code: .connection, message: "connection is closed") }
        guard PQstatus(handle) == CONNECTION_BAD else { return handle }
        var lastError: PostgresError?
        for attempt in 1...max(1, configuration.maximumResetAttempts) {
            if attempt > 1 { Self.sleep(milliseconds: 100 * (attempt - 1)) }
            logger.warning("Resetting PostgreSQL connection", metadata: ["attempt": "\(attempt)"])
            PQreset(handle)
            if let error = PostgresError.fromLibPQ(connection: handle, .connect, secret: configuration.password) {
                lastError = error
                continue
            }
            try applySessionSettings()
            try relisten()
            logger.info("PostgreSQL connection re-established", metadata: ["attempt": "\(attempt)"])
            return handle
        }
        throw lastError ?? PostgresError(code: .connection, message: "connection could not be re-established")
    }

    /// Settings every session needs: UTC ISO timestamps (so `row.date` parses exactly), no
    /// NOTICE noise on stderr, and the configured statement timeout.
    private func applySessionSettings() throws {
        guard let handle else { throw PostgresError(code: .connection, message: "connection is closed") }
        var settings = "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO'; SET client_min_messages = 'warning'"
        if let timeout = configuration.statementTimeout {
            let milliseconds = max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
            settings += "; SET statement_timeout = \(milliseconds)"
        }
        let result = PQexec(handle, settings)
        defer { PQclear(result) }
        try check(handle, result)
    }

    private static func connect(_ configuration: PostgresConfiguration) throws -> OpaquePointer {
        let seconds = configuration.connectTimeout.components.seconds
            + (configuration.connectTimeout.components.attoseconds > 0 ? 1 : 0)
        // expand_dbname = 1: the first "dbname" value is the URL/conninfo; later keys override it.
        let keywords = ["dbname", "application_name", "connect_timeout"]
        let values = [configuration.conninfo, configuration.applicationName, String(max(2, seconds))]
        let handle = try CStringArray.with(keywords + [nil], what: "keyword") { keywordPointers in
            try CStringArray.with(values + [nil], what: "setting") { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        if let error = PostgresError.fromLibPQ(connection: handle, .connect, secret: configuration.password) {
            if let handle { PQfinish(handle) }
            throw error
        }
        guard let handle else { throw PostgresError(code: .connection, message: "libpq could not allocate a connection") }
        return handle
    }

    static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 { request = remaining }
    }
}
