import CHiredis

/// Parses RESP bytes with hiredis's reader into ``RedisValue``s, without a connection.
///
/// Owns one `redisReader*`; not for concurrent use. Used to test reply conversion offline.
final class RESPReader {
    private let reader: UnsafeMutablePointer<redisReader>

    init() throws(RedisError) {
        guard let reader = redisReaderCreate() else {
            throw RedisError(code: .io, message: "hiredis could not allocate a reply reader")
        }
        self.reader = reader
    }

    deinit { redisReaderFree(reader) }

    /// Feeds bytes, then returns every reply they complete.
    func feed(_ bytes: [UInt8]) throws(RedisError) -> [RedisValue] {
        let fed = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { redisReaderFeed(reader, $0.baseAddress, $0.count) }
        }
        guard fed == REDIS_OK else { throw readerError() }
        var values: [RedisValue] = []
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisReaderGetReply(reader, &raw) == REDIS_OK else { throw readerError() }
            guard let raw else { return values }
            values.append(RedisValue.consume(raw))
        }
    }

    private func readerError() -> RedisError {
        let text = withUnsafeBytes(of: reader.pointee.errstr) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return RedisError(code: .protocol, message: "invalid RESP: \(text)", contextStatus: reader.pointee.err)
    }
}
