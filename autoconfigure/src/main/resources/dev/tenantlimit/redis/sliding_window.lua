-- One rate decision over every quota that matches a request, atomically, on Redis's clock (TIME,
-- microseconds), so every application instance shares one clock and one count.
--
-- KEYS[i]      the key of quota i; all keys of one call share a {tenant} hash tag (one slot)
-- ARGV[1]      member unique to this request (the same member is added to every log), or an
--              empty string to only read where the quotas stand (the admin API's usage)
-- ARGV[2]      deadline on Redis's clock (µs), 0 for none: a call that runs later than this was
--              given up by the instance that sent it (it decided without Redis), so it records
--              nothing; a late call is never counted twice
-- then five arguments per quota i, from ARGV[5i-2]:
--   algorithm  1 sliding log (sorted set), 2 sliding counter (hash of sub-window counts),
--              3 token bucket (hash: tokens, ts)
--   limit      requests per window (>= 1)
--   window     in microseconds
--   shadow     1 when quota i is counted but never refuses, else 0
--   extra      sliding counter: number of sub-windows; token bucket: bucket size; log: unused
--
-- Reply: { allowed (1 or 0; -1 when past the deadline, and nothing else follows),
--          retry-after in µs (0 when allowed), Redis's time in µs,
--          then for each quota i: used (including this request when recorded),
--                                 µs until quota i is fully available again,
--                                 1 when quota i refused (or, in shadow mode, would have), else 0 }
--
-- A request is recorded in every quota or in none; refused requests are not recorded. A shadow
-- quota is recorded only while it has room, so it holds what enforcing it would admit.
-- Sliding log invariant: within any interval of one window, at most `limit` admissions.

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local deadline = tonumber(ARGV[2])
if deadline > 0 and now > deadline then
  return { -1, 0, now }
end

-- Lua prints large numbers in %.14g; scores and fields go to Redis as exact integer strings.
local function int(x)
  return string.format('%.0f', x)
end

-- Each algorithm: check(q) fills q.used, q.full, q.retry (µs until one more fits);
-- record(q) admits one request; reset(q) gives µs until the quota is fully available.

local log = {}
function log.check(q)
  redis.call('ZREMRANGEBYSCORE', q.key, '-inf', int(now - q.window))
  q.used = redis.call('ZCARD', q.key)
  q.full = q.used >= q.limit
  if q.full then
    -- The entry that must expire before one more fits; with a lowered limit that is not the oldest.
    local blocking = redis.call('ZRANGE', q.key, q.used - q.limit, q.used - q.limit, 'WITHSCORES')
    q.retry = tonumber(blocking[2]) + q.window - now
  end
end
function log.record(q)
  redis.call('ZADD', q.key, int(now), ARGV[1])
  redis.call('PEXPIRE', q.key, math.floor(q.window / 1000) + 1000)
  q.used = q.used + 1
  q.recorded = true
end
function log.reset(q)
  if q.recorded then
    return q.window
  end
  if q.used == 0 then
    return 0
  end
  local newest = redis.call('ZRANGE', q.key, -1, -1, 'WITHSCORES')
  return tonumber(newest[2]) + q.window - now
end

-- Sub-windows of length sub; field j counts the admissions in [j*sub, (j+1)*sub). The window
-- (now - window, now] covers sub-windows cur-n+1..cur entirely and a part of cur-n, which is
-- weighted by that part (Cloudflare's approximation, with n sub-windows instead of two).
local counter = {}
function counter.check(q)
  q.sub = math.floor(q.window / q.extra)
  q.cur = math.floor(now / q.sub)
  local weight = 1 - (now - q.cur * q.sub) / q.sub
  local fields = redis.call('HGETALL', q.key)
  local counts, stale, estimate, newest = {}, {}, 0, nil
  for f = 1, #fields, 2 do
    local j, count = tonumber(fields[f]), tonumber(fields[f + 1])
    if j > q.cur - q.extra then
      estimate = estimate + count
      counts[j] = count
      if newest == nil or j > newest then newest = j end
    elseif j == q.cur - q.extra then
      estimate = estimate + count * weight
      counts[j] = count
      if newest == nil or j > newest then newest = j end
    else
      stale[#stale + 1] = fields[f]
    end
  end
  if #stale > 0 then
    redis.call('HDEL', q.key, unpack(stale))
  end
  q.estimate, q.newest = estimate, newest
  q.used = math.floor(estimate)
  q.full = estimate + 1 > q.limit
  if q.full then
    -- Walk forward sub-window by sub-window: while cur+k is current, cur-n+k is the weighted one.
    local after = 0
    for j = q.cur - q.extra + 1, q.cur do
      after = after + (counts[j] or 0)
    end
    for k = 0, q.extra do
      local oldest = counts[q.cur - q.extra + k] or 0
      if after + 1 <= q.limit then
        -- the weight must fall below (limit - 1 - after) / oldest; it is 1 - fraction of cur+k gone
        local gone = (oldest > 0) and (1 - (q.limit - 1 - after) / oldest) or 0
        if gone < 0 then gone = 0 end
        q.retry = math.max(1, math.ceil((q.cur + k + gone) * q.sub - now) + 1)
        return
      end
      after = after - (counts[q.cur - q.extra + k + 1] or 0)
    end
    q.retry = q.window
  end
end
function counter.record(q)
  redis.call('HINCRBY', q.key, int(q.cur), 1)
  redis.call('PEXPIRE', q.key, math.floor((q.window + q.sub) / 1000) + 1000)
  q.used = q.used + 1
  q.newest = q.cur
end
function counter.reset(q)
  if q.newest == nil then
    return 0
  end
  -- sub-window `newest` stops counting when it has wholly left the window
  return (q.newest + q.extra + 1) * q.sub - now
end

-- tokens refill continuously at limit per window up to the bucket size (extra); ts is the time
-- they were last computed.
local bucket = {}
function bucket.check(q)
  q.rate = q.limit / q.window
  local state = redis.call('HMGET', q.key, 'tokens', 'ts')
  local tokens = q.extra
  if state[1] then
    tokens = math.min(q.extra, tonumber(state[1]) + (now - tonumber(state[2])) * q.rate)
  end
  q.tokens = tokens
  q.used = q.extra - math.floor(tokens)
  q.full = tokens < 1
  if q.full then
    q.retry = math.ceil((1 - tokens) / q.rate)
  end
end
function bucket.record(q)
  q.tokens = q.tokens - 1
  redis.call('HSET', q.key, 'tokens', string.format('%.17g', q.tokens), 'ts', int(now))
  redis.call('PEXPIRE', q.key, math.floor((q.extra - q.tokens) / q.rate / 1000) + 1000)
  q.used = q.extra - math.floor(q.tokens)
end
function bucket.reset(q)
  return math.ceil((q.extra - q.tokens) / q.rate)
end

local algorithms = { log, counter, bucket }

local quotas = {}
local allowed = 1
local retry = 0
for i = 1, #KEYS do
  local a = 5 * i - 2
  local q = { key = KEYS[i], algorithm = algorithms[tonumber(ARGV[a])], limit = tonumber(ARGV[a + 1]),
              window = tonumber(ARGV[a + 2]), shadow = ARGV[a + 3] == '1', extra = tonumber(ARGV[a + 4]),
              retry = 0 }
  q.algorithm.check(q)
  if q.full and not q.shadow then
    allowed = 0
    if q.retry > retry then
      retry = q.retry
    end
  end
  quotas[i] = q
end

local reply = { allowed, retry, now }
for i, q in ipairs(quotas) do
  if allowed == 1 and not q.full and ARGV[1] ~= '' then
    q.algorithm.record(q)
  end
  reply[3 * i + 1] = q.used
  reply[3 * i + 2] = q.algorithm.reset(q)
  reply[3 * i + 3] = q.full and 1 or 0
end
return reply
