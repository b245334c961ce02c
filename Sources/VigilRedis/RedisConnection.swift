public import Logging

/// One blocking connection to Redis: it owns a hiredis context and frees it when released.
///
/// Not safe for concurrent use: call it from one thread at a time (a pipeline worker thread, or
/// inside `RedisClient.withConnection`). Every call blocks the calling
/// thread, so never call it directly from async code on the cooperative pool.
///
/// When a call fails with an I/O, EOF, timeout or protocol error, that call throws and the
/// context is dropped; the *next* call reconnects (up to `maxReconnectAttempts`, logged). A
/// failed command is never re-sent, since it may have run on the server.
public final class RedisConnection {
    /// The configuration this connection was opened with.
    public let configuration: RedisConfiguration
    let logger: Logger
    private var handle: RedisContextHandle?
    private var isClosed = false

    /// Connects, authenticates (`AUTH`) and selects the database (`SELECT`).
    public init(configuration: RedisConfiguration, logger: Logger = Logger(label: "vigil.redis")) throws {
        try configuration.validate()
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "redis.endpoint"] = "\(configuration.endpoint)"
        self.logger = logger
        self.handle = try Self.open(configuration)
    }

    /// Whether the last call broke the connection, so the next call will reconnect first.
    public var needsReconnect: Bool { handle == nil && !isClosed }

    /// Runs one command and returns its reply; an error reply from the server is thrown as
    /// `.server` with the server's text.
    public func command(_ arguments: [RedisArgument]) throws -> RedisValue {
        let reply = try exchange([arguments])[0]
        if case .error(let text) = reply {
            throw RedisError(code: .server, message: text, serverMessage: text)
        }
        return reply
    }

    /// Runs one command given as separate arguments: `try connection.command("GET", "key")`.
    public func command(_ arguments: RedisArgument...) throws -> RedisValue {
        try command(arguments)
    }

    /// Sends all commands in one write, then reads all replies, in order.
    ///
    /// An error reply comes back as `.error` at its command's position; only connection failures
    /// throw (and then it is unknown which commands ran).
    public func pipeline(_ commands: [[RedisArgument]]) throws -> [RedisValue] {
        try exchange(commands)
    }

    /// Sends `PING` and checks for `PONG`.
    public func ping() throws {
        let reply = try command(["PING"])
        guard reply == .simple("PONG") else {
            throw RedisError(code: .protocol, message: "unexpected PING reply from \(configuration.endpoint)")
        }
    }

    /// Closes the socket; later calls throw `.closed`. Calling it again does nothing.
    public func close() {
        isClosed = true
        handle = nil
    }

    func exchange(_ commands: [[RedisArgument]]) throws(RedisError) -> [RedisValue] {
        if let index = commands.firstIndex(where: \.isEmpty) {
            throw RedisError(code: .invalidCommand, message: "command \(index) has no arguments")
        }
        if let index = commands.firstIndex(where: { $0.count > Int(Int32.max) }) {
            throw RedisError(code: .invalidCommand, message: "command \(index) has more arguments than hiredis accepts")
        }
        if commands.isEmpty { return [] }
        let current = try readyHandle()
        do {
            for command in commands { try current.append(command) }
            var replies: [RedisValue] = []
            replies.reserveCapacity(commands.count)
            for _ in commands { replies.append(try current.readReply()) }
            return replies
        } catch {
            // hiredis leaves a context unusable after any error it reports.
            handle = nil
            logger.warning("redis call failed; will reconnect on next call", metadata: ["error": "\(error)"])
            throw error
        }
    }

    private func readyHandle() throws(RedisError) -> RedisContextHandle {
        if isClosed {
            throw RedisError(code: .closed, message: "connection to \(configuration.endpoint) was closed")
        }
        if let handle { return handle }
        let reopened = try reconnect()
        handle = reopened
        return reopened
    }
}
