-- Adds to one quota's counter the requests an instance admitted while it decided without Redis,
-- into the windows they were admitted in, so the window that straddles an outage counts them and
-- refuses what would push it over the limit. Times come as ages (µs before this call runs), so
-- the instance's clock need not agree with Redis's: an age measured before the call was sent
-- places an admission a little later than it was, which only keeps it counted a little longer.
--
-- KEYS[1]   the quota's key (as sliding_window.lua names it)
-- ARGV[1]   algorithm: 1 sliding log, 2 sliding counter, 3 token bucket
-- ARGV[2]   limit (the log keeps at most this many entries; see below)
-- ARGV[3]   window in µs
-- ARGV[4]   sliding counter: sub-windows; token bucket: bucket size; log: unused
-- ARGV[5]   member prefix, unique to this write-back
-- ARGV[6]   ms added to the key's expiry (drawn per key: keys written together expire apart)
-- then pairs from ARGV[7]: age in µs, number of admissions of that age
--
-- Reply: the number of admissions counted (those still inside the window; for the log at most
-- `limit` of each age, the rest would be trimmed anyway).
--
-- The log is not trimmed to its newest `limit` entries: leases give unused entries back later
-- (return_permits.lua), and a log trimmed before that would count fewer than were used. What is
-- written back is bounded by the fallback's allowance, so the log stays within a few limits.

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local key, algorithm, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local window, extra, prefix, jitter = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])

local function int(x)
  return string.format('%.0f', x)
end

local written = 0
if algorithm == 1 then
  for p = 7, #ARGV, 2 do
    local at, count = now - tonumber(ARGV[p]), tonumber(ARGV[p + 1])
    if at > now - window then
      for n = 1, math.min(count, limit) do
        redis.call('ZADD', key, int(at), prefix .. p .. ':' .. n)
      end
      written = written + math.min(count, limit)
    end
  end
  if written > 0 then
    redis.call('PEXPIRE', key, math.floor(window / 1000) + 1000 + jitter)
  end
elseif algorithm == 2 then
  local sub = math.floor(window / extra)
  local oldest = math.floor(now / sub) - extra
  for p = 7, #ARGV, 2 do
    local j, count = math.floor((now - tonumber(ARGV[p])) / sub), tonumber(ARGV[p + 1])
    if j >= oldest then
      redis.call('HINCRBY', key, int(j), count)
      written = written + count
    end
  end
  if written > 0 then
    redis.call('PEXPIRE', key, math.floor((window + sub) / 1000) + 1000 + jitter)
  end
else
  -- what was admitted within the time the bucket takes to refill comes off the tokens now: the
  -- bucket refills from there, as if those requests had just been made (never more generous than
  -- the real times)
  local rate = limit / window
  for p = 7, #ARGV, 2 do
    if tonumber(ARGV[p]) < extra / rate then
      written = written + tonumber(ARGV[p + 1])
    end
  end
  if written > 0 then
    local tokens, ts, last = bucketLevel(key, extra, rate, now)
    tokens = tokens - written
    redis.call('HSET', key, 'tokens', string.format('%.17g', tokens), 'ts', int(ts))
    -- never shorter than it was: a lease's pending units may keep the key longer
    local ms = math.floor(((extra - tokens) / rate + math.max(last, ts) - now) / 1000) + 1000 + jitter
    if redis.call('PTTL', key) < ms then
      redis.call('PEXPIRE', key, ms)
    end
  end
end
return written
