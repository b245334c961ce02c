import VigilRedis

extension RedisDecisionWindowStore {
    /// One decision's check-and-record, atomic in Redis. It mirrors InMemoryDecisionWindowStore
    /// step by step: turnover sums advanced, trim to the horizon, duplicate check, limits, record.
    ///
    /// KEYS: orders ZSET (member `<decision>#<i>` → ms), notional HASH (member → notional),
    /// sides ZSET (`B:<symbol>` / `S:<symbol>` → latest ms), horizon STRING (longest window, ms),
    /// turnover HASH (per window length w: `s:<w>` running sum, `c:<w>` cutoff it covers, `n:<w>` count).
    /// ARGV: now ms, record (1/0), decision id, n, n × (symbol, B|S, notional),
    /// m, m × (o|t|w, window ms, maximum, advisory 1/0), expiry margin ms.
    /// Returns a flat array of (limit index from 1, observed as %.17g text, symbol or "").
    ///
    /// Turnover is a running sum per window length, moved forward by the orders that left the
    /// window since the last call, so a check costs O(orders that expired), not O(orders in window).
    static let script = RedisScript("""
        -- Numbers go back to Redis as integer text: Lua's own conversion keeps only 14 digits.
        local function int(x) return string.format('%.0f', x) end
        local function notionals(lo, hi, visit)
          local members = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. int(lo), hi)
          for i = 1, #members, 500 do
            local values = redis.call('HMGET', KEYS[2], unpack(members, i, math.min(i + 499, #members)))
            for _, v in ipairs(values) do visit(tonumber(v) or 0) end
          end
        end
        local now = tonumber(ARGV[1])
        local n = tonumber(ARGV[4])
        local p = 5 + 3 * n
        local m = tonumber(ARGV[p])
        local stored = tonumber(redis.call('GET', KEYS[4]) or '0')
        local horizon = stored
        local sums = {}
        local registered = false
        local flat = redis.call('HGETALL', KEYS[5])
        for i = 1, #flat, 2 do
          local w = string.sub(flat[i], 3)
          sums[w] = sums[w] or {}
          sums[w][string.sub(flat[i], 1, 1)] = tonumber(flat[i + 1])
        end
        for j = 0, m - 1 do
          local kind, w = ARGV[p + 1 + 4 * j], ARGV[p + 2 + 4 * j]
          if tonumber(w) > horizon then horizon = tonumber(w) end
          local st = sums[w]
          if kind == 't' and not (st and st.s and st.c and st.n) then
            st = { s = 0, c = now - tonumber(w), n = 0 }
            notionals(st.c, '+inf', function(v) st.s = st.s + v; st.n = st.n + 1 end)
            sums[w] = st
            registered = true
          end
        end
        for w, st in pairs(sums) do
          local cut = now - tonumber(w)
          if cut > st.c then
            notionals(st.c, int(cut), function(v) st.s = st.s - v; st.n = st.n - 1 end)
          elseif cut < st.c then
            notionals(cut, int(st.c), function(v) st.s = st.s + v; st.n = st.n + 1 end)
          end
          st.c = cut
          if st.n <= 0 then st.s = 0; st.n = 0 end
        end
        local cutoff = now - horizon
        local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', int(cutoff))
        for i = 1, #old, 500 do
          redis.call('HDEL', KEYS[2], unpack(old, i, math.min(i + 499, #old)))
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', int(cutoff))
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', int(cutoff))
        local ttl = int(horizon + tonumber(ARGV[#ARGV]))
        local function persist()
          local fields = {}
          for w, st in pairs(sums) do
            fields[#fields + 1] = 's:' .. w; fields[#fields + 1] = string.format('%.17g', st.s)
            fields[#fields + 1] = 'c:' .. w; fields[#fields + 1] = int(st.c)
            fields[#fields + 1] = 'n:' .. w; fields[#fields + 1] = int(st.n)
          end
          if #fields > 0 then redis.call('HSET', KEYS[5], unpack(fields)) end
        end
        local function expire()
          redis.call('SET', KEYS[4], int(horizon), 'PX', ttl)
          for k = 1, 5 do if k ~= 4 then redis.call('PEXPIRE', KEYS[k], ttl) end end
        end
        persist()
        if horizon > stored or registered then expire() end
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
            local total = sums[ARGV[base + 1]].s
            for i = 0, n - 1 do total = total + tonumber(ARGV[7 + 3 * i]) end
            if total > max + math.max(math.abs(max), 1) * 1e-9 then breach(j, total, '', advisory) end
          else
            local seen = {}
            for i = 0, n - 1 do
              local symbol, side = ARGV[5 + 3 * i], ARGV[6 + 3 * i]
              if not seen[symbol] then
                local last = redis.call('ZSCORE', KEYS[3], (side == 'B' and 'S:' or 'B:') .. symbol)
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
            local notional = tonumber(ARGV[7 + 3 * i])
            redis.call('ZADD', KEYS[1], ARGV[1], member)
            redis.call('HSET', KEYS[2], member, ARGV[7 + 3 * i])
            redis.call('ZADD', KEYS[3], 'GT', ARGV[1], ARGV[6 + 3 * i] .. ':' .. ARGV[5 + 3 * i])
            for _, st in pairs(sums) do
              if now > st.c then st.s = st.s + notional; st.n = st.n + 1 end
            end
          end
          persist()
          expire()
        end
        return out
        """)
}
