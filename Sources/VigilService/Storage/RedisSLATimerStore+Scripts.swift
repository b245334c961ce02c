import VigilRedis

extension RedisSLATimerStore {
    /// KEYS: queue ZSET (key → due ms), data HASH (key → timer JSON), in-flight ZSET (key → lease end ms).
    /// ARGV: now ms, lease end ms, limit. Re-queues expired leases (due now, unless the timer was
    /// re-scheduled meanwhile), then moves up to `limit` due timers from the queue to in-flight and
    /// returns their JSON. One script, so two instances never claim the same timer.
    static let claimScript = RedisScript("""
        local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
        for _, key in ipairs(expired) do
          redis.call('ZREM', KEYS[3], key)
          redis.call('ZADD', KEYS[1], 'NX', ARGV[1], key)
        end
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        local out = {}
        for _, key in ipairs(due) do
          redis.call('ZREM', KEYS[1], key)
          local data = redis.call('HGET', KEYS[2], key)
          if data then
            redis.call('ZADD', KEYS[3], ARGV[2], key)
            out[#out + 1] = data
          end
        end
        return out
        """)

    /// KEYS as for claim. ARGV: n × (key, due ms, JSON). Adds or moves timers.
    static let scheduleScript = RedisScript("""
        for i = 1, #ARGV, 3 do
          redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 2])
          redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i])
        end
        return #ARGV / 3
        """)

    /// KEYS as for claim. ARGV: keys. Removes timers wherever they are.
    static let cancelScript = RedisScript("""
        for _, key in ipairs(ARGV) do
          redis.call('ZREM', KEYS[1], key)
          redis.call('ZREM', KEYS[3], key)
          redis.call('HDEL', KEYS[2], key)
        end
        return #ARGV
        """)

    /// KEYS as for claim. ARGV: keys. Ends leases; drops the data unless the timer was re-scheduled.
    static let completeScript = RedisScript("""
        for _, key in ipairs(ARGV) do
          if redis.call('ZREM', KEYS[3], key) == 1 and not redis.call('ZSCORE', KEYS[1], key) then
            redis.call('HDEL', KEYS[2], key)
          end
        end
        return #ARGV
        """)
}
