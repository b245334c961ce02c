import CLibPQ

/// How to reach PostgreSQL and how to behave once connected.
///
/// Built from a URL (`postgresql://user:pass@host:port/db?sslmode=require`) or a libpq conninfo
/// string (`host=... port=... dbname=...`). Printing it shows `redactedDescription`, so a
/// configuration can be logged without leaking the password.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// The URL or conninfo exactly as given; contains the password, so never log it.
    let conninfo: String
    /// Sent as `application_name` so operators can see Vigil in `pg_stat_activity`. Default `vigil`.
    public var applicationName: String = "vigil"
    /// How long libpq may take to establish a connection (whole seconds, at least 2). Default 5 s.
    public var connectTimeout: Duration = .seconds(5)
    /// Session `statement_timeout`; nil leaves the server's default. Default nil.
    public var statementTimeout: Duration? = nil
    /// How many times a broken connection is re-established (`PQreset`) before the call fails. Default 3.
    public var maximumResetAttempts: Int = 3
    /// Connections a `PostgresClient` keeps at most. Default 4.
    public var poolSize: Int = 4
    /// How long `PostgresClient.withConnection` waits for a free connection. Default 10 s.
    public var poolAcquireTimeout: Duration = .seconds(10)

    /// Creates a configuration from a `postgres://` or `postgresql://` URL; throws a
    /// `configuration` error (without the password) if libpq cannot parse it.
    public init(url: String) throws {
        guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") else {
            throw PostgresError(code: .configuration, message: "database URL must start with postgresql:// or postgres://")
        }
        self.conninfo = url
        if case .failure(let error) = Self.parse(url) { throw error }
        // libpq only checks the port when connecting; a typo should fail at start-up instead.
        if let ports = option("port") {
            for port in ports.split(separator: ",", omittingEmptySubsequences: false)
            where !port.isEmpty && !(Int(port).map { (1...65_535).contains($0) } ?? false) {
                throw PostgresError(code: .configuration, message: "database URL has an invalid port")
            }
        }
    }

    /// Creates a configuration from a libpq conninfo string or URL; it is parsed when connecting.
    public init(conninfo: String) {
        self.conninfo = conninfo
    }

    /// The host the configuration names, if any.
    public var host: String? { option("host") }
    /// The port the configuration names, if any.
    public var port: Int? { option("port").flatMap { Int($0) } }
    /// The user the configuration names, if any.
    public var user: String? { option("user") }
    /// The database the configuration names, if any.
    public var database: String? { option("dbname") }
    /// The password, for scrubbing libpq messages; never exposed publicly.
    var password: String? { option("password") }

    /// The settings as `key=value` pairs with the password replaced by `***`.
    public var redactedDescription: String {
        switch Self.parse(conninfo) {
        case .failure:
            return "<unparseable PostgreSQL connection string>"
        case .success(let options):
            return options.map { key, value in
                key == "password" ? "password=***" : "\(key)=\(value)"
            }.joined(separator: " ")
        }
    }

    /// Same as `redactedDescription`, so string interpolation never leaks the password.
    public var description: String { redactedDescription }

    private func option(_ key: String) -> String? {
        guard case .success(let options) = Self.parse(conninfo) else { return nil }
        return options.first { $0.key == key }?.value
    }

    /// Parses with libpq itself, so the URL and conninfo rules are exactly the library's.
    static func parse(_ conninfo: String) -> Result<[(key: String, value: String)], PostgresError> {
        var errorMessage: UnsafeMutablePointer<CChar>? = nil
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            defer { if let errorMessage { PQfreemem(errorMessage) } }
            // libpq's parse message may quote the offending text, which can be the password.
            let reason = errorMessage.map { String(cString: $0).trimmingWhitespace() } ?? "out of memory"
            let safe = reason.contains("\"") ? "invalid connection string" : reason
            return .failure(PostgresError(code: .configuration, message: safe))
        }
        defer { PQconninfoFree(options) }
        var pairs: [(key: String, value: String)] = []
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val { pairs.append((String(cString: keyword), String(cString: value))) }
            cursor += 1
        }
        return .success(pairs)
    }
}
