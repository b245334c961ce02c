import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RedisConnection {
    /// Connects, then runs `AUTH` and `SELECT` as configured.
    static func open(_ configuration: RedisConfiguration) throws(RedisError) -> RedisContextHandle {
        let handle = try RedisContextHandle.connect(configuration)
        if let password = configuration.password {
            var auth: [RedisArgument] = ["AUTH"]
            if let username = configuration.username { auth.append(RedisArgument(username)) }
            auth.append(RedisArgument(password))
            let reply = try run(auth, on: handle)
            if case .error(let text) = reply {
                let user = configuration.username ?? "default"
                throw RedisError(
                    code: .authentication, message: "AUTH as '\(user)' at \(handle.endpoint) failed: \(text)",
                    serverMessage: text)
            }
        }
        if configuration.database != 0 {
            let reply = try run(["SELECT", RedisArgument(configuration.database)], on: handle)
            if case .error(let text) = reply {
                throw RedisError(
                    code: .server, message: "SELECT \(configuration.database) at \(handle.endpoint) failed: \(text)",
                    serverMessage: text)
            }
        }
        return handle
    }

    private static func run(_ command: [RedisArgument], on handle: RedisContextHandle) throws(RedisError) -> RedisValue {
        try handle.append(command)
        return try handle.readReply()
    }

    /// Reopens a dropped connection, trying up to `maxReconnectAttempts` times with a doubling pause
    /// (at most 1 s).
    func reconnect() throws(RedisError) -> RedisContextHandle {
        let attempts = configuration.maxReconnectAttempts
        guard attempts > 0 else {
            throw RedisError(
                code: .connection,
                message: "connection to \(configuration.endpoint) was lost and maxReconnectAttempts is 0")
        }
        var delay = configuration.reconnectDelay
        var lastError = RedisError(code: .connection, message: "no reconnect attempt made")
        for attempt in 1...attempts {
            if attempt > 1 {
                Self.sleep(delay)
                // Capped so a large attempt count cannot overflow or stall a worker for long.
                delay = min(delay * 2, .seconds(1))
            }
            do {
                let handle = try Self.open(configuration)
                logger.info("redis reconnected", metadata: ["attempt": "\(attempt)"])
                return handle
            } catch {
                lastError = error
                logger.warning(
                    "redis reconnect attempt failed",
                    metadata: ["attempt": "\(attempt)", "of": "\(attempts)", "error": "\(error)"])
                // Wrong credentials or database will not fix themselves by retrying.
                if error.code == .authentication || error.code == .server { break }
            }
        }
        throw lastError
    }

    /// Blocks this (dedicated) thread; callers are never on the cooperative pool.
    private static func sleep(_ duration: Duration) {
        var request = timespec(tv_sec: Int(duration.components.seconds), tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}
