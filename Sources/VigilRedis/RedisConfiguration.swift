/// How to reach and talk to one Redis server.
///
/// Build it field by field or from a URL with ``init(url:)``. `description` hides the password, so
/// the configuration can be logged.
public struct RedisConfiguration: Sendable, CustomStringConvertible {
    /// Host name or IP address for TCP; ignored when `unixSocketPath` is set. Default `127.0.0.1`.
    public var host: String
    /// TCP port. Default `6379`.
    public var port: Int
    /// Path of a Unix domain socket; when set it is used instead of `host`/`port`. Default `nil`.
    public var unixSocketPath: String?
    /// ACL user name for `AUTH user pass`; `nil` authenticates as the default user. Default `nil`.
    public var username: String?
    /// Password for `AUTH`; `nil` sends no `AUTH`. Never logged. Default `nil`.
    public var password: String?
    /// Database number selected after connecting (`SELECT`). Default `0`.
    public var database: Int
    /// Longest wait to establish the TCP/Unix connection. Default 2 s.
    public var connectTimeout: Duration
    /// Longest wait for one read or write on the socket; an expired wait fails the call with
    /// `.timeout` and the connection is replaced. Default 5 s.
    public var commandTimeout: Duration
    /// How many times a broken connection tries to reconnect at the start of the next call before
    /// that call fails. Default `3`.
    public var maxReconnectAttempts: Int
    /// Pause before the second and later reconnect attempts, doubled after each up to 1 s.
    /// Default 50 ms.
    public var reconnectDelay: Duration

    /// Creates a configuration; every parameter has the documented default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        unixSocketPath: String? = nil,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5),
        maxReconnectAttempts: Int = 3,
        reconnectDelay: Duration = .milliseconds(50)
    ) {
        self.host = host
        self.port = port
        self.unixSocketPath = unixSocketPath
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.maxReconnectAttempts = maxReconnectAttempts
        self.reconnectDelay = reconnectDelay
    }

    /// Where the server is, without credentials: `host:port` or the socket path.
    public var endpoint: String {
        if let unixSocketPath { return "unix:\(unixSocketPath)" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The endpoint, user, database and timeouts; the password shows as `***`.
    public var description: String {
        let user = username.map { "user=\($0) " } ?? ""
        let pass = password == nil ? "" : "password=*** "
        return "redis \(endpoint) \(user)\(pass)db=\(database) connectTimeout=\(connectTimeout) "
            + "commandTimeout=\(commandTimeout)"
    }

    /// Checks the values that a URL or a caller can get wrong, naming the bad field.
    func validate() throws(RedisError) {
        if unixSocketPath == nil {
            guard !host.isEmpty else { throw .configuration("host is empty") }
            guard (1...65535).contains(port) else { throw .configuration("port \(port) is not in 1...65535") }
        } else if unixSocketPath?.isEmpty == true {
            throw .configuration("unixSocketPath is empty")
        }
        if username != nil && password == nil {
            throw .configuration("username is set but password is not (AUTH needs both)")
        }
        guard database >= 0 else { throw .configuration("database \(database) is negative") }
        guard connectTimeout > .zero else { throw .configuration("connectTimeout must be positive") }
        guard commandTimeout >= .zero else { throw .configuration("commandTimeout must not be negative") }
        guard maxReconnectAttempts >= 0 else { throw .configuration("maxReconnectAttempts must not be negative") }
    }
}

extension RedisError {
    static func configuration(_ message: String) -> RedisError {
        RedisError(code: .configuration, message: message)
    }
}
