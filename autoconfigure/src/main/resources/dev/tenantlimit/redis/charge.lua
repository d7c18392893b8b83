-- Adds what the application charged for a request after its work (TenantContext.charge, the
-- TenantLimit-Charge header) to the tenant's charged quotas, now, on Redis's clock, whatever room
-- they have: a quota pushed over its limit refuses the next requests until the window frees it.
--
-- KEYS[i]   the key of charged quota i (as sliding_window.lua names it; one {tenant} slot)
-- ARGV[1]   units charged (>= 1)
-- ARGV[2]   member prefix, unique to this charge
-- then five per quota i, from ARGV[5i - 2]: algorithm (1 log, 2 counter, 3 bucket), limit,
--           window in µs, extra (sliding counter: sub-windows; token bucket: bucket size; log:
--           unused), jitter (ms added to the key's expiry)
--
-- Reply: the units recorded over all quotas. A log takes at most `limit` entries of one charge:
-- they all leave the window at once, so more would refuse nothing more, and memory stays bounded.
-- For the same reason a counter's sub-window holds at most `limit` units, and a bucket's debt is at
-- most one window of refill (`limit` tokens below empty): a charge keeps a quota full for at most
-- about one window, and no sum of charges grows without bound.

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local units, prefix = tonumber(ARGV[1]), ARGV[2]

local function int(x)
  return string.format('%.0f', x)
end

-- extend a key's life, never shorten it (a lease may have counted entries later than now)
local function keep(key, ms)
  if redis.call('PTTL', key) < ms then
    redis.call('PEXPIRE', key, ms)
  end
end

local recorded = 0
for i = 1, #KEYS do
  local a = 5 * i - 2
  local key, algorithm, limit = KEYS[i], tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  local window, extra, jitter = tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  if algorithm == 1 then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', int(now - window))
    local entries, n = {}, math.min(units, limit)
    for j = 1, n do
      entries[#entries + 1] = int(now)
      entries[#entries + 1] = prefix .. j
      if #entries == 1000 or j == n then
        redis.call('ZADD', key, unpack(entries))
        entries = {}
      end
    end
    keep(key, math.floor(window / 1000) + 1000 + jitter)
    recorded = recorded + n
  elseif algorithm == 2 then
    local sub = math.floor(window / extra)
    local field = int(math.floor(now / sub))
    if redis.call('HINCRBY', key, field, units) > limit then
      redis.call('HSET', key, field, int(limit))
    end
    keep(key, math.floor((window + sub) / 1000) + 1000 + jitter)
    recorded = recorded + units
  else
    local rate = limit / window
    local tokens, ts = bucketLevel(key, extra, rate, now)
    tokens = math.max(tokens - units, -limit)
    redis.call('HSET', key, 'tokens', string.format('%.17g', tokens), 'ts', int(ts))
    keep(key, math.floor(((extra - tokens) / rate + (ts - now)) / 1000) + 1000 + jitter)
    recorded = recorded + units
  end
end
return recorded
