import CHiredis
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RedisError {
    /// What the failing hiredis call was doing, which decides `.connection` versus `.io`.
    enum Operation {
        case connect
        case command
    }

    /// The one place that turns a hiredis context error into a ``RedisError``.
    ///
    /// `errno` must be captured right after the failing call: hiredis reports timeouts as
    /// `REDIS_ERR_IO` with `EAGAIN` (socket timeout) or `ETIMEDOUT` (connect timeout).
    static func fromContext(
        _ context: UnsafePointer<redisContext>?, errno systemErrno: Int32, during operation: Operation,
        endpoint: String
    ) -> RedisError {
        guard let context else {
            return RedisError(code: .connection, message: "could not allocate a hiredis context for \(endpoint)")
        }
        let status = context.pointee.err
        let detail = withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        let code: Code
        let message: String
        switch status {
        case REDIS_ERR_IO where [EAGAIN, EWOULDBLOCK, ETIMEDOUT].contains(systemErrno):
            code = .timeout
            message = operation == .connect
                ? "connecting to \(endpoint) timed out" : "no reply from \(endpoint) within the command timeout"
        case REDIS_ERR_IO, REDIS_ERR_OTHER:
            code = operation == .connect ? .connection : .io
            message = operation == .connect
                ? "cannot connect to \(endpoint): \(detail)" : "I/O error talking to \(endpoint): \(detail)"
        case REDIS_ERR_EOF:
            code = operation == .connect ? .connection : .io
            message = "\(endpoint) closed the connection: \(detail)"
        case REDIS_ERR_PROTOCOL:
            code = .protocol
            message = "protocol error from \(endpoint): \(detail)"
        case REDIS_ERR_OOM:
            code = .io
            message = "out of memory in hiredis talking to \(endpoint)"
        default:
            code = operation == .connect ? .connection : .io
            message = "hiredis error \(status) with \(endpoint): \(detail)"
        }
        let keepsErrno = status == REDIS_ERR_IO || status == REDIS_ERR_OTHER
        return RedisError(code: code, message: message, contextStatus: status, systemErrno: keepsErrno ? systemErrno : nil)
    }
}
