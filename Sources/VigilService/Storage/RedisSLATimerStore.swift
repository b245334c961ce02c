import Foundation
public import VigilCore
public import VigilRedis

/// SLA timers in Redis, shared by every instance and surviving restarts. Keys under the prefix:
/// `sla:timers` (ZSET by due time, ms), `sla:timer-data` (HASH of timer JSON), `sla:inflight`
/// (ZSET of claimed timers by lease end). Every operation is one Lua script, so it is atomic.
/// Semantics: ``SLATimerStore`` and docs/sla.md.
public struct RedisSLATimerStore: SLATimerStore {
    private let client: RedisClient
    private let keys: [RedisArgument]

    /// Creates a store over `client`, with keys `<keyPrefix>sla:…`.
    public init(client: RedisClient, keyPrefix: String) {
        self.client = client
        keys = ["timers", "timer-data", "inflight"].map { RedisArgument("\(keyPrefix)sla:\($0)") }
    }

    public func schedule(_ timers: [SLATimer]) throws {
        guard !timers.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        var arguments: [RedisArgument] = []
        for timer in timers {
            arguments += [RedisArgument(timer.key), RedisArgument(Self.milliseconds(timer.due)), RedisArgument([UInt8](try encoder.encode(timer)))]
        }
        _ = try client.withConnection { try $0.evaluate(Self.scheduleScript, keys: keys, arguments: arguments) }
    }

    public func cancel(_ timerKeys: [String]) throws {
        guard !timerKeys.isEmpty else { return }
        _ = try client.withConnection { try $0.evaluate(Self.cancelScript, keys: keys, arguments: timerKeys.map { RedisArgument($0) }) }
    }

    public func claimDue(at now: Date, lease: TimeInterval, limit: Int) throws -> [SLATimer] {
        let arguments = [RedisArgument(Self.milliseconds(now)), RedisArgument(Self.milliseconds(now.addingTimeInterval(lease))),
                         RedisArgument(max(0, limit))]
        let reply = try client.withConnection { try $0.evaluate(Self.claimScript, keys: keys, arguments: arguments) }
        guard let items = reply.array else { throw SLAError("claiming SLA timers returned a reply of the wrong shape") }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try items.map { item in
            guard let bytes = item.bytes, let timer = try? decoder.decode(SLATimer.self, from: Data(bytes)) else {
                throw SLAError("a claimed SLA timer is unreadable")
            }
            return timer
        }
    }

    public func complete(_ timerKeys: [String]) throws {
        guard !timerKeys.isEmpty else { return }
        _ = try client.withConnection { try $0.evaluate(Self.completeScript, keys: keys, arguments: timerKeys.map { RedisArgument($0) }) }
    }

    public func count() throws -> Int {
        let replies = try client.withConnection { try $0.pipeline([["ZCARD", keys[0]], ["ZCARD", keys[2]]]) }
        return replies.reduce(0) { $0 + Int($1.int ?? 0) }
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
