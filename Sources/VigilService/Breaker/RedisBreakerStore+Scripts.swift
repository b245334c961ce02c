import Foundation
import VigilCore
import VigilRedis

extension RedisBreakerStore {
    /// KEYS breaker hash, scope index; ARGV expected seq, scope, state, reason, percent, seq, since, trip.
    static let compareAndSetScript = RedisScript("""
    local current = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') or 0
    if current ~= tonumber(ARGV[1]) then return 0 end
    redis.call('HSET', KEYS[1], 'state', ARGV[3], 'reason', ARGV[4], 'percent', ARGV[5], 'seq', ARGV[6], 'since', ARGV[7])
    if ARGV[8] == '' then redis.call('HDEL', KEYS[1], 'trip') else redis.call('HSET', KEYS[1], 'trip', ARGV[8]) end
    redis.call('SADD', KEYS[2], ARGV[2])
    return 1
    """)

    /// KEYS quarantine, causes; ARGV feature, reason, cause.
    static let quarantineScript = RedisScript("""
    if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
    return 1
    """)

    /// KEYS quarantine, causes; ARGV feature.
    static let releaseScript = RedisScript("""
    local removed = redis.call('HDEL', KEYS[1], ARGV[1])
    redis.call('HDEL', KEYS[2], ARGV[1])
    return removed
    """)

    /// A breaker hash as a status; an absent key is closed. Fields this capability did not write
    /// (a hash set by hand) read with sequence 0, so the next transition still applies.
    static func decode(_ reply: RedisValue, scope: String) throws -> BreakerStatus {
        if let message = reply.errorMessage { throw BreakerStoreError("breaker '\(scope.prefix(100))' unreadable: \(message)") }
        let items = reply.array ?? []
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: items.count - 1, by: 2) {
            if let name = items[index].string { fields[name] = items[index + 1].string }
        }
        guard let state = fields["state"] else { return .closed(scope) }
        // An unknown state reads as open, as the validator reads it.
        let phase = BreakerPhase(rawValue: state.lowercased()) ?? .open
        let trip = fields["trip"].flatMap { try? JSONDecoder().decode(BreakerTransition.self, from: Data($0.utf8)) }
        let since = fields["since"].flatMap(Int64.init).flatMap { $0 > 0 ? Date(timeIntervalSince1970: Double($0) / 1000) : nil }
        return BreakerStatus(scope: scope, phase: phase, reason: fields["reason"] ?? "",
                             percent: fields["percent"].flatMap(Int.init) ?? (phase == .closed ? 100 : 0),
                             sequence: fields["seq"].flatMap(Int.init) ?? 0, since: since, lastTrip: trip)
    }
}
