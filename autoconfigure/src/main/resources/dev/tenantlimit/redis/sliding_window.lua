-- Sliding-window log rate limiter: one sorted set per quota, scored by admission time in
-- microseconds from Redis TIME, so every application instance shares one clock.
--
-- KEYS[i]      sorted set of quota i; all keys of one call share a {tenant} hash tag (one slot)
-- ARGV[1]      member unique to this request (the same member is added to every key)
-- ARGV[3i-1]   limit of quota i (>= 1)
-- ARGV[3i]     window of quota i in microseconds
-- ARGV[3i+1]   1 when quota i is in shadow mode (counted, never refuses), else 0
--
-- Reply: { allowed (1 or 0), retry-after in µs (0 when allowed),
--          then for each quota i: used (including this request when recorded),
--                                 µs until quota i is fully available again,
--                                 1 when quota i refused (or, in shadow mode, would have), else 0 }
--
-- Invariant: within any interval of one window a key holds, and so admits, at most `limit`
-- members. A request is recorded in every key or in none; refused requests are not recorded. A
-- shadow quota is recorded only while it has room, so it holds what enforcing it would admit.

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
-- Lua prints large numbers in %.14g; scores go to Redis as exact integer strings instead.
local now_arg = string.format('%.0f', now)

local n = #KEYS
local counts = {}
local full = {}
local allowed = 1
local retry = 0

for i = 1, n do
  local limit = tonumber(ARGV[3 * i - 1])
  local window = tonumber(ARGV[3 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', string.format('%.0f', now - window))
  local count = redis.call('ZCARD', KEYS[i])
  counts[i] = count
  full[i] = count >= limit
  if full[i] and ARGV[3 * i + 1] ~= '1' then
    allowed = 0
    -- The entry that must expire before one more fits; with a lowered limit that is not the oldest.
    local blocking = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    local wait = tonumber(blocking[2]) + window - now
    if wait > retry then
      retry = wait
    end
  end
end

local reply = { allowed, retry }
for i = 1, n do
  local window = tonumber(ARGV[3 * i])
  local count = counts[i]
  local reset = 0
  if allowed == 1 and not full[i] then
    redis.call('ZADD', KEYS[i], now_arg, ARGV[1])
    -- Expire idle keys: a second after the last entry leaves the window.
    redis.call('PEXPIRE', KEYS[i], math.floor(window / 1000) + 1000)
    count = count + 1
    reset = window
  elseif count > 0 then
    local newest = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
    reset = tonumber(newest[2]) + window - now
  end
  reply[3 * i] = count
  reply[3 * i + 1] = reset
  reply[3 * i + 2] = full[i] and 1 or 0
end
return reply
