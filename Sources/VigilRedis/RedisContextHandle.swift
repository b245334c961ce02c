import CHiredis
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns one blocking `redisContext*` and frees it exactly once in `deinit`.
///
/// Every call blocks the calling thread; never use it from the cooperative pool. Once hiredis
/// reports a context error the context is dead: the owner must drop this handle.
final class RedisContextHandle {
    private let context: UnsafeMutablePointer<redisContext>
    let endpoint: String

    private init(context: UnsafeMutablePointer<redisContext>, endpoint: String) {
        self.context = context
        self.endpoint = endpoint
    }

    deinit { redisFree(context) }

    /// Opens a TCP or Unix socket connection and applies the command timeout.
    static func connect(_ configuration: RedisConfiguration) throws(RedisError) -> RedisContextHandle {
        let endpoint = configuration.endpoint
        let connectTimeout = timeval(configuration.connectTimeout)
        let raw: UnsafeMutablePointer<redisContext>?
        if let path = configuration.unixSocketPath {
            raw = redisConnectUnixWithTimeout(path, connectTimeout)
        } else {
            raw = redisConnectWithTimeout(configuration.host, Int32(configuration.port), connectTimeout)
        }
        let savedErrno = errno
        guard let raw else {
            throw RedisError.fromContext(nil, errno: savedErrno, during: .connect, endpoint: endpoint)
        }
        // Owned from here on, so every early exit below frees it.
        let handle = RedisContextHandle(context: raw, endpoint: endpoint)
        guard raw.pointee.err == 0 else {
            throw RedisError.fromContext(raw, errno: savedErrno, during: .connect, endpoint: endpoint)
        }
        if redisSetTimeout(raw, timeval(configuration.commandTimeout)) != REDIS_OK {
            throw RedisError.fromContext(raw, errno: errno, during: .connect, endpoint: endpoint)
        }
        if configuration.unixSocketPath == nil {
            // Detects a peer that vanished without closing the socket; failure only loses that.
            _ = redisEnableKeepAlive(raw)
        }
        return handle
    }

    /// Adds one command to the output buffer; nothing is sent until a reply is read.
    func append(_ arguments: [RedisArgument]) throws(RedisError) {
        let total = arguments.reduce(0) { $0 + $1.bytes.count }
        // One contiguous copy keeps every argv pointer valid for the whole C call.
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { storage.deallocate() }
        var argv: [UnsafePointer<CChar>?] = []
        var lengths: [Int] = []
        argv.reserveCapacity(arguments.count)
        lengths.reserveCapacity(arguments.count)
        var offset = 0
        for argument in arguments {
            let start = storage + offset
            argument.bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { start.copyMemory(from: base, byteCount: source.count) }
            }
            argv.append(UnsafePointer(start.assumingMemoryBound(to: CChar.self)))
            lengths.append(argument.bytes.count)
            offset += argument.bytes.count
        }
        let status = argv.withUnsafeMutableBufferPointer { argvBuffer in
            lengths.withUnsafeBufferPointer { lengthBuffer in
                redisAppendCommandArgv(context, Int32(arguments.count), argvBuffer.baseAddress, lengthBuffer.baseAddress)
            }
        }
        if status != REDIS_OK {
            throw RedisError.fromContext(context, errno: errno, during: .command, endpoint: endpoint)
        }
    }

    /// Sends anything buffered, then blocks for the next reply.
    func readReply() throws(RedisError) -> RedisValue {
        var raw: UnsafeMutableRawPointer?
        let status = redisGetReply(context, &raw)
        let savedErrno = errno
        guard status == REDIS_OK else {
            throw RedisError.fromContext(context, errno: savedErrno, during: .command, endpoint: endpoint)
        }
        guard let raw else {
            throw RedisError(code: .protocol, message: "hiredis returned no reply from \(endpoint)")
        }
        return RedisValue.consume(raw)
    }
}

extension timeval {
    /// Converts a non-negative `Duration`, rounding down to microseconds.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(max(seconds, 0)), tv_usec: Int(max(attoseconds, 0) / 1_000_000_000_000))
    }
}
