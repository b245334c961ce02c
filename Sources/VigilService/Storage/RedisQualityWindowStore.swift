import Foundation
public import VigilCore
public import VigilRedis

/// QUALITY_DEGRADATION's windows in Redis, per feature: `…:all` and `…:missing` ZSETs (write id →
/// arrival ms) and a `…:state` HASH (`end` = latest arrival, `degraded` flag, `a:<write id>` =
/// answer). One Lua script per sample (atomic), a batch pipelined in one round trip; keys expire
/// two windows after the feature's last write. Semantics: ``QualityWindowStore``.
public struct RedisQualityWindowStore: QualityWindowStore {
    private let client: RedisClient
    private let prefix: String

    /// Creates a store with keys `<keyPrefix>pit:quality:<feature>:…`.
    public init(client: RedisClient, keyPrefix: String) {
        self.client = client
        self.prefix = keyPrefix
    }

    public func observe(_ samples: [QualitySample], rule: QualityRule) throws -> [QualityCrossing?] {
        guard !samples.isEmpty else { return [] }
        let replies = try client.withConnection { try $0.evaluateAll([calls(samples, rule: rule)]) }[0]
        return try Self.answers(replies, expected: samples.count)
    }

    /// The script calls for `samples`, for one pipeline (also ``RedisPITStateBatch``).
    func calls(_ samples: [QualitySample], rule: QualityRule) -> RedisScriptCalls {
        RedisScriptCalls(Self.script, calls: samples.map { sample in
            let base = "\(prefix)pit:quality:\(sample.feature):"
            return (["all", "missing", "state"].map { RedisArgument(base + $0) },
                    [RedisArgument(sample.writeID), RedisArgument(sample.atMilliseconds), sample.missing ? "1" : "0",
                     RedisArgument(rule.windowMilliseconds), RedisArgument(rule.minimumSamples),
                     RedisArgument(String(format: "%.17g", rule.threshold))])
        })
    }

    /// Reads the script's replies, one per sample.
    static func answers(_ replies: [RedisValue], expected: Int) throws -> [QualityCrossing?] {
        guard replies.count == expected else { throw PITStoreError("Redis answered \(replies.count) of \(expected) quality samples") }
        return try replies.map { reply in
            if let message = reply.errorMessage {
                throw RedisError(code: .script, message: "quality window script failed: \(message)", serverMessage: message)
            }
            guard let text = reply.string else { throw PITStoreError("quality window script returned no text") }
            if text.isEmpty { return nil }
            let parts = text.split(separator: "/")
            guard parts.count == 2, let missing = Int(parts[0]), let total = Int(parts[1]) else {
                throw PITStoreError("quality window script returned '\(text.prefix(40))'")
            }
            return QualityCrossing(missing: missing, total: total)
        }
    }

    /// KEYS: all ZSET, missing ZSET, state HASH. ARGV: write id, arrival ms, missing 1/0, window ms,
    /// minimum samples, threshold. Returns `""` or `<missing>/<total>` at a crossing; mirrors
    /// InMemoryQualityWindowStore.
    static let script = RedisScript("""
        local function int(x) return string.format('%.0f', x) end
        local answer = redis.call('HGET', KEYS[3], 'a:' .. ARGV[1])
        if answer then return answer end
        local at = tonumber(ARGV[2])
        local window = tonumber(ARGV[4])
        local e = tonumber(redis.call('HGET', KEYS[3], 'end') or ARGV[2])
        if at > e then e = at end
        local cutoff = e - window
        local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', int(cutoff))
        for i = 1, #old, 500 do
          local fields = {}
          for j = i, math.min(i + 499, #old) do fields[#fields + 1] = 'a:' .. old[j] end
          redis.call('HDEL', KEYS[3], unpack(fields))
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', int(cutoff))
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', int(cutoff))
        redis.call('HSET', KEYS[3], 'end', int(e))
        answer = ''
        if at > cutoff then
          redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
          if ARGV[3] == '1' then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1]) end
          local total = redis.call('ZCARD', KEYS[1])
          local missing = redis.call('ZCARD', KEYS[2])
          local degraded = total >= tonumber(ARGV[5]) and missing > tonumber(ARGV[6]) * total
          if degraded and redis.call('HGET', KEYS[3], 'degraded') ~= '1' then answer = missing .. '/' .. total end
          redis.call('HSET', KEYS[3], 'degraded', degraded and '1' or '0', 'a:' .. ARGV[1], answer)
        end
        local ttl = int(2 * window + 1000)
        for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
        return answer
        """)
}
