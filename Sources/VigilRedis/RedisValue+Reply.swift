import CHiredis

extension RedisValue {
    /// Copies a hiredis reply tree into Swift values; the caller still owns (and frees) `reply`.
    init(reply: UnsafePointer<redisReply>) {
        let reply = reply.pointee
        switch reply.type {
        case REDIS_REPLY_STRING:
            self = .bulk(Self.copyBytes(reply.str, reply.len))
        case REDIS_REPLY_STATUS:
            self = .simple(String(decoding: Self.copyBytes(reply.str, reply.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: Self.copyBytes(reply.str, reply.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(reply.integer))
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(reply.elements)
            for index in 0..<reply.elements {
                // hiredis never stores NULL elements, but a NULL must not crash us.
                if let element = reply.element?[index] {
                    elements.append(RedisValue(reply: element))
                } else {
                    elements.append(.null)
                }
            }
            self = .array(elements)
        default:
            self = .error("unsupported reply type \(reply.type)")
        }
    }

    private static func copyBytes(_ pointer: UnsafeMutablePointer<CChar>?, _ count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Takes ownership of a reply returned by hiredis: converts it, then frees it.
    static func consume(_ raw: UnsafeMutableRawPointer) -> RedisValue {
        defer { freeReplyObject(raw) }
        return RedisValue(reply: raw.assumingMemoryBound(to: redisReply.self))
    }
}
