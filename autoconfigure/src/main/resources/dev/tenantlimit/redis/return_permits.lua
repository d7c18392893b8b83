-- Gives back the permits of a lease that its instance did not use (sliding_window.lua reserved
-- them), so other instances can have them before the lease's entries would expire by themselves.
-- The instance sends this only once no permit of the lease can be used any more.
--
-- KEYS[i]   the keys of the lease's quotas
-- ARGV[1]   the lease's member (sliding_window.lua's ARGV[1]); permit p's entries in a log are
--           member:(p-1)*cost+1 .. member:p*cost
-- ARGV[2]   the first unused permit's number (from 1)
-- ARGV[3]   how many permits are unused (those from ARGV[2] on)
-- ARGV[4]   the lease's end on Redis's clock (µs): where its permits were counted
-- then four per quota i, from ARGV[4i + 1]: algorithm (1 log, 2 counter, 3 bucket), window in µs,
--           extra (sliding counter: sub-windows; token bucket: bucket size; log: unused), and
--           cost (units of one permit)
--
-- Reply: the number of units given back over all quotas. A key that expired or was reset in the
-- meantime gets nothing back (no count below zero, no bucket above its size). A bucket whose lease
-- debt a decision after the lease's end already counts as refilling gets back what of it has not
-- refilled yet (sliding_window.lua's -<end> field).

local member, first, count, at = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])

-- Up to `units` of a bucket's ended lease debt that has not refilled yet, taken off what its field
-- -<end> keeps: "<units>.<s - end><f - end>", 15 digits each, from sliding_window.lua (the debt
-- refills from s on, all of it by f).
local CREDIT = '^(%d+)%.(%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d)(%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d)$' -- 15 digits each
local function creditBack(key, field, at, units)
  local kept, from, to = string.match(redis.call('HGET', key, field) or '', CREDIT)
  if not kept then
    return 0
  end
  kept, from, to = tonumber(kept), at + tonumber(from), at + tonumber(to)
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local left = kept
  if now >= to then
    left = 0
  elseif now > from then
    left = kept * (to - now) / (to - from)
  end
  local back = math.min(units, math.floor(left))
  if back <= 0 then
    return 0
  end
  -- what stays refills at the same rate from the same start: it is done sooner
  local sooner = to - back * (to - from) / kept
  if kept - back <= 0 or sooner <= now then
    redis.call('HDEL', key, field)
  else
    redis.call('HSET', key, field, string.format('%.0f.%015.0f%015.0f', kept - back, math.floor(from - at),
      math.floor(sooner - at)))
  end
  return back
end
local returned = 0
if count < 1 then
  return 0
end
for i = 1, #KEYS do
  local key, algorithm = KEYS[i], tonumber(ARGV[4 * i + 1])
  local window, extra, cost = tonumber(ARGV[4 * i + 2]), tonumber(ARGV[4 * i + 3]), tonumber(ARGV[4 * i + 4])
  local units = count * cost
  if algorithm == 1 then
    local members, last = {}, (first - 1 + count) * cost
    for n = (first - 1) * cost + 1, last do
      members[#members + 1] = member .. ':' .. n
      if #members == 500 or n == last then
        returned = returned + redis.call('ZREM', key, unpack(members))
        members = {}
      end
    end
  elseif algorithm == 2 then
    local field = string.format('%.0f', math.floor(at / math.floor(window / extra)))
    local counted = tonumber(redis.call('HGET', key, field) or '0')
    local back = math.min(counted, units)
    if back > 0 then
      redis.call('HINCRBY', key, field, -back)
      returned = returned + back
    end
  else
    -- the lease's units are pending in the field of its end, and come back from there; once a
    -- decision after that end has made them part of the refilling debt, they stay counted
    local field = string.format('%.0f', at)
    local back = math.min(units, tonumber(redis.call('HGET', key, field) or '0'))
    if back > 0 then
      if redis.call('HINCRBY', key, field, -back) <= 0 then
        redis.call('HDEL', key, field)
      end
    else
      back = creditBack(key, '-' .. field, at, units)
    end
    if back > 0 then
      redis.call('HINCRBYFLOAT', key, 'tokens', back)
      returned = returned + back
    end
  end
end
return returned
