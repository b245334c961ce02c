import Foundation
public import VigilCore
public import VigilRedis

/// CONFIG_WARNING's throttle in Redis: `<prefix>pit:contract_warning:<feature>` holds
/// `<write id>|<until ms>`. A script rather than a bare `SET NX PX`: the claim must survive the
/// claiming write's redelivery (its warning may not be durable yet), and "until" comes from the
/// injected clock, not Redis's, so it behaves like the in-memory throttle. Atomic per claim; a
/// batch is one pipelined round trip.
public struct RedisContractWarningThrottle: ContractWarningThrottle {
    private let client: RedisClient
    private let prefix: String

    /// Creates a throttle with keys `<keyPrefix>pit:contract_warning:<feature>`.
    public init(client: RedisClient, keyPrefix: String) {
        self.client = client
        self.prefix = keyPrefix
    }

    public func claim(_ requests: [(feature: String, writeID: String)], at now: Date, interval: TimeInterval) throws -> [Bool] {
        guard !requests.isEmpty else { return [] }
        let replies = try client.withConnection { try $0.evaluateAll([calls(requests, at: now, interval: interval)]) }[0]
        return try Self.answers(replies, expected: requests.count)
    }

    /// The script calls for `requests`, for one pipeline (also ``RedisPITStateBatch``).
    func calls(_ requests: [(feature: String, writeID: String)], at now: Date, interval: TimeInterval) -> RedisScriptCalls {
        let nowMilliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded())
        let intervalMilliseconds = max(1, Int64((interval * 1000).rounded()))
        return RedisScriptCalls(Self.script, calls: requests.map { request in
            ([RedisArgument("\(prefix)pit:contract_warning:\(request.feature)")],
             [RedisArgument(request.writeID), RedisArgument(nowMilliseconds), RedisArgument(intervalMilliseconds)])
        })
    }

    /// Reads the script's replies, one per claim.
    static func answers(_ replies: [RedisValue], expected: Int) throws -> [Bool] {
        guard replies.count == expected else { throw PITStoreError("Redis answered \(replies.count) of \(expected) claims") }
        return try replies.map { reply in
            if let message = reply.errorMessage {
                throw RedisError(code: .script, message: "contract warning script failed: \(message)", serverMessage: message)
            }
            guard let value = reply.int else { throw PITStoreError("contract warning script returned no integer") }
            return value == 1
        }
    }

    /// KEYS: the feature's claim. ARGV: write id, now ms, interval ms. Returns 1 when the write holds
    /// the claim. The key outlives the interval by a minute so a late redelivery still finds it.
    static let script = RedisScript("""
        local v = redis.call('GET', KEYS[1])
        if v then
          local sep = string.find(v, '|', 1, true)
          if string.sub(v, 1, sep - 1) == ARGV[1] then return 1 end
          if tonumber(ARGV[2]) < tonumber(string.sub(v, sep + 1)) then return 0 end
        end
        local untilMs = string.format('%.0f', tonumber(ARGV[2]) + tonumber(ARGV[3]))
        redis.call('SET', KEYS[1], ARGV[1] .. '|' .. untilMs, 'PX', string.format('%.0f', tonumber(ARGV[3]) + 60000))
        return 1
        """)
}
