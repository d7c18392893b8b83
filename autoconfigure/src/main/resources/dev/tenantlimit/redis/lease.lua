-- Takes one of `cap` concurrent leases of a tenant, shared by every instance. A lease expires by
-- itself after its ttl, so an instance that dies while holding leases cannot leak them.
--
-- KEYS[1]   sorted set of leases, scored by their expiry in ms (Redis TIME)
-- ARGV[1]   lease id, unique to the request
-- ARGV[2]   cap: leases held at once at most
-- ARGV[3]   ttl of the lease in ms
--
-- Reply: 1 when the lease was taken, 0 when `cap` leases are held
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], string.format('%.0f', now + ttl), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
