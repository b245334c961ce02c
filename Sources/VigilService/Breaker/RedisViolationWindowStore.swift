import Foundation
public import VigilCore
public import VigilRedis

/// ``ViolationWindowStore`` in Redis, exact with any number of instances: one Lua script per entry
/// (trim, duplicate check, add, count — atomic), a batch's scripts pipelined in one round trip.
/// Key per series: `<prefix>violations:<scope>:<severity|any>` ZSET violation id → ms, PEXPIRE
/// retention + 1 s so idle series vanish.
public struct RedisViolationWindowStore: ViolationWindowStore {
    private let client: RedisClient
    private let prefix: String

    /// Creates a store over `client`, with keys under `keyPrefix`.
    public init(client: RedisClient, keyPrefix: String) {
        self.client = client
        self.prefix = keyPrefix
    }

    public func record(_ entries: [ViolationWindowEntry]) throws -> [ViolationWindowCount] {
        guard !entries.isEmpty else { return [] }
        let calls = entries.map { entry -> (keys: [RedisArgument], arguments: [RedisArgument]) in
            ([RedisArgument("\(prefix)violations:\(entry.series)")],
             [RedisArgument(WindowArithmetic.milliseconds(entry.at)), RedisArgument(entry.violationID),
              RedisArgument(ViolationWindowArithmetic.windowMilliseconds(entry.window)),
              RedisArgument(ViolationWindowArithmetic.retentionMilliseconds(entry))])
        }
        let replies = try client.withConnection { try $0.evaluateAll(Self.script, calls: calls) }
        guard replies.count == entries.count else {
            throw BreakerStoreError("Redis answered \(replies.count) of \(entries.count) violation window entries")
        }
        return try zip(entries, replies).map { entry, reply in
            if let message = reply.errorMessage {
                throw RedisError(code: .script, message: "violation window of '\(entry.series.prefix(100))' failed: \(message)",
                                 serverMessage: message)
            }
            guard let items = reply.array, items.count == 3, let isNew = items[0].int, let count = items[1].int,
                  let previous = items[2].int else {
                throw BreakerStoreError("violation window of '\(entry.series.prefix(100))' returned a reply of the wrong shape")
            }
            return ViolationWindowCount(isNew: isNew == 1, count: Int(count), previousCount: Int(previous))
        }
    }

    /// KEYS[1] series; ARGV now ms, id, window ms, retention ms.
    static let script = RedisScript("""
    local now = tonumber(ARGV[1])
    local window = tonumber(ARGV[3])
    local keep = tonumber(ARGV[4])
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now - keep))
    local new = 0
    if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then
      redis.call('ZADD', KEYS[1], string.format('%d', now), ARGV[2])
      new = 1
    end
    redis.call('PEXPIRE', KEYS[1], keep + 1000)
    local count = redis.call('ZCOUNT', KEYS[1], string.format('(%d', now - window), '+inf')
    local previous = redis.call('ZCOUNT', KEYS[1], string.format('(%d', now - 2 * window), string.format('%d', now - window))
    return {new, count, previous}
    """)
}
