import Foundation
public import VigilCore
public import VigilRedis

/// ``EscalationTimerStore`` in Redis, shared by every instance:
/// - `<prefix>alerts:timers` ZSET of `<alert id>|<deadline ms>` scored by when it is due (the
///   deadline, or the end of a claim's lease);
/// - `<prefix>alerts:timer_index` HASH alert id → its current member, so rescheduling replaces.
///
/// Each operation is one Lua script, so a claim is atomic: two instances never claim the same
/// entry within a lease. The member carries the deadline, so a claim that comes back after a
/// crash still names the deadline the alert row holds.
public struct RedisEscalationTimers: EscalationTimerStore {
    private let client: RedisClient
    private let zset: String
    private let index: String

    /// Creates a store over `client`, keys under `keyPrefix`.
    public init(client: RedisClient, keyPrefix: String) {
        self.client = client
        self.zset = "\(keyPrefix)alerts:timers"
        self.index = "\(keyPrefix)alerts:timer_index"
    }

    // Shared by schedule and settle: replace the alert's current entry by ARGV[next] (or none).
    private static let replace = """
        local old = redis.call('HGET', KEYS[2], ARGV[1])
        if old then redis.call('ZREM', KEYS[1], old) end
        if ARGV[NEXT] == '' then redis.call('HDEL', KEYS[2], ARGV[1]) return 0 end
        local member = ARGV[1] .. '|' .. ARGV[NEXT]
        redis.call('ZADD', KEYS[1], ARGV[NEXT], member)
        redis.call('HSET', KEYS[2], ARGV[1], member)
        return 1
        """

    static let scheduleScript = RedisScript(replace.replacingOccurrences(of: "ARGV[NEXT]", with: "ARGV[2]"))

    static let settleScript = RedisScript("""
        redis.call('ZREM', KEYS[1], ARGV[2])
        if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[2], ARGV[1]) end
        """ + "\n" + replace.replacingOccurrences(of: "ARGV[NEXT]", with: "ARGV[3]"))

    static let claimScript = RedisScript("""
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        local hidden = tonumber(ARGV[1]) + tonumber(ARGV[3])
        for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], hidden, member) end
        return due
        """)

    public func schedule(alertID: String, at deadline: Date?) throws {
        let next = deadline.map { RedisArgument(AlertStateMachine.ms($0)) } ?? ""
        _ = try client.withConnection {
            try $0.evaluate(Self.scheduleScript, keys: [RedisArgument(zset), RedisArgument(index)], arguments: [RedisArgument(alertID), next])
        }
    }

    public func claimDue(now: Date, limit: Int, lease: TimeInterval) throws -> [DueTimer] {
        let reply = try client.withConnection {
            try $0.evaluate(Self.claimScript, keys: [RedisArgument(zset)],
                            arguments: [RedisArgument(AlertStateMachine.ms(now)), RedisArgument(limit), RedisArgument(Int64(lease * 1000))])
        }
        return (reply.array ?? []).compactMap { $0.string.flatMap(Self.timer) }
    }

    public func settle(_ timer: DueTimer, next deadline: Date?) throws {
        let next = deadline.map { RedisArgument(AlertStateMachine.ms($0)) } ?? ""
        _ = try client.withConnection {
            try $0.evaluate(Self.settleScript, keys: [RedisArgument(zset), RedisArgument(index)],
                            arguments: [RedisArgument(timer.alertID), RedisArgument("\(timer.alertID)|\(timer.deadlineMillis)"), next])
        }
    }

    /// Parses `<alert id>|<deadline ms>`; nil for anything else (never written by Vigil).
    static func timer(_ member: String) -> DueTimer? {
        guard let bar = member.lastIndex(of: "|"), let millis = Int64(member[member.index(after: bar)...]) else { return nil }
        return DueTimer(alertID: String(member[..<bar]), deadlineMillis: millis)
    }
}
