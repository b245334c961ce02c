import VigilRedis

extension RedisDecisionWindowStore {
    /// One decision's check-and-record, atomic in Redis. It mirrors InMemoryDecisionWindowStore
    /// step by step: trim to the horizon, duplicate check, limits, record, expiry.
    ///
    /// KEYS: orders ZSET (member `<decision>#<i>` → ms), notional HASH (member → notional),
    /// sides ZSET (`B:<symbol>` / `S:<symbol>` → latest ms), horizon STRING (longest window, ms).
    /// ARGV: now ms, record (1/0), decision id, n, n × (symbol, B|S, notional),
    /// m, m × (o|t|w, window ms, maximum, advisory 1/0), expiry margin ms.
    /// Returns a flat array of (limit index from 1, observed as %.17g text, symbol or "").
    static let script = RedisScript("""
        -- Numbers go back to Redis as integer text: Lua's own conversion keeps only 14 digits.
        local function int(x) return string.format('%.0f', x) end
        local now = tonumber(ARGV[1])
        local n = tonumber(ARGV[4])
        local p = 5 + 3 * n
        local m = tonumber(ARGV[p])
        local horizon = tonumber(redis.call('GET', KEYS[4]) or '0')
        for j = 0, m - 1 do
          local w = tonumber(ARGV[p + 2 + 4 * j])
          if w > horizon then horizon = w end
        end
        local cutoff = now - horizon
        local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', int(cutoff))
        for i = 1, #old, 500 do
          redis.call('HDEL', KEYS[2], unpack(old, i, math.min(i + 499, #old)))
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', int(cutoff))
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', int(cutoff))
        local ttl = horizon + tonumber(ARGV[#ARGV])
        redis.call('SET', KEYS[4], int(horizon), 'PX', int(ttl))
        for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], int(ttl)) end
        if redis.call('ZSCORE', KEYS[1], ARGV[3] .. '#0') then return {} end

        local out = {}
        local blocking = false
        local function breach(j, observed, symbol, advisory)
          out[#out + 1] = j + 1
          out[#out + 1] = string.format('%.17g', observed)
          out[#out + 1] = symbol
          if not advisory then blocking = true end
        end
        for j = 0, m - 1 do
          local base = p + 1 + 4 * j
          local kind, w, max = ARGV[base], tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2])
          local advisory = ARGV[base + 3] == '1'
          local from = now - w
          if kind == 'o' then
            local observed = redis.call('ZCOUNT', KEYS[1], '(' .. int(from), '+inf') + n
            if observed > max then breach(j, observed, '', advisory) end
          elseif kind == 't' then
            local members = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. int(from), '+inf')
            local total = 0
            for i = 1, #members, 500 do
              local values = redis.call('HMGET', KEYS[2], unpack(members, i, math.min(i + 499, #members)))
              for _, v in ipairs(values) do total = total + (tonumber(v) or 0) end
            end
            for i = 0, n - 1 do total = total + tonumber(ARGV[7 + 3 * i]) end
            if total > max + math.max(math.abs(max), 1) * 1e-9 then breach(j, total, '', advisory) end
          else
            local seen = {}
            for i = 0, n - 1 do
              local symbol, side = ARGV[5 + 3 * i], ARGV[6 + 3 * i]
              if not seen[symbol] then
                local opposite = (side == 'B' and 'S:' or 'B:') .. symbol
                local last = redis.call('ZSCORE', KEYS[3], opposite)
                if last and tonumber(last) > from then
                  seen[symbol] = true
                  breach(j, math.max(0, now - tonumber(last)) / 1000, symbol, advisory)
                end
              end
            end
          end
        end
        if ARGV[2] == '1' and not blocking then
          for i = 0, n - 1 do
            local member = ARGV[3] .. '#' .. i
            redis.call('ZADD', KEYS[1], ARGV[1], member)
            redis.call('HSET', KEYS[2], member, ARGV[7 + 3 * i])
            redis.call('ZADD', KEYS[3], 'GT', ARGV[1], ARGV[6 + 3 * i] .. ':' .. ARGV[5 + 3 * i])
          end
          for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], int(ttl)) end
        end
        return out
        """)
}
