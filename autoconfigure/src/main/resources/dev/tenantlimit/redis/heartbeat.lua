-- One instance says it is alive and learns how many are.
--
-- KEYS[1]   sorted set of instances, scored by their last heartbeat in ms (Redis TIME)
-- ARGV[1]   this instance's id
-- ARGV[2]   ms after its last heartbeat that an instance counts as gone
--
-- Reply: the number of live instances, this one included
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - ttl))
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return redis.call('ZCARD', KEYS[1])
