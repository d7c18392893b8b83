-- Reads where each quota stands without recording anything.
--
-- KEYS[i]   sorted set of quota i (as in sliding_window.lua; one {tenant} hash tag)
-- ARGV[i]   window of quota i in microseconds
--
-- Reply: for each quota i: used (entries inside the window), µs until quota i is fully available
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local reply = {}
for i = 1, #KEYS do
  local window = tonumber(ARGV[i])
  local used = redis.call('ZCOUNT', KEYS[i], '(' .. string.format('%.0f', now - window), '+inf')
  local reset = 0
  if used > 0 then
    local newest = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
    reset = tonumber(newest[2]) + window - now
  end
  reply[2 * i - 1] = used
  reply[2 * i] = reset
end
return reply
