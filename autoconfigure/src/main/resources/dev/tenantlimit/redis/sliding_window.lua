-- One rate decision over every quota that matches a request, atomically, on Redis's clock (TIME,
-- microseconds), so every application instance shares one clock and one count. With a lease, the
-- same decision reserves a batch of permits that the instance then admits from memory.
--
-- KEYS[i]      the key of quota i; all keys of one call share a {tenant} hash tag (one slot)
-- ARGV[1]      member unique to this call (a lease adds ':1' .. ':n' to it), or an empty string to
--              only read where the quotas stand (the admin API's usage)
-- ARGV[2]      deadline on Redis's clock (µs), 0 for none: a call that runs later than this was
--              given up by the instance that sent it (it decided without Redis), so it records
--              nothing; a late call is never counted twice
-- ARGV[3]      permits wanted (>= 1): 1 for one request, more to reserve a lease; a permit is
--              one request, which uses `cost` units of each quota
-- ARGV[4]      lease length in µs (0 without a lease): the latest time after `now` at which the
--              instance may use a reserved permit
-- ARGV[5]      1 when the first permit is the request's being decided (used now), 0 when every
--              permit is for later
-- then seven arguments per quota i, from ARGV[7i - 1]:
--   algorithm  1 sliding log (sorted set), 2 sliding counter (hash of sub-window counts),
--              3 token bucket (hash: tokens, ts, the pending units of each lease end, and for a
--              second after an end, what of its units may still come back: field -<end>)
--   limit      units per window (>= 1)
--   window     in microseconds
--   shadow     1 when quota i is counted but never refuses, else 0
--   extra      sliding counter: number of sub-windows; token bucket: bucket size; log: unused
--   jitter     ms added to the key's expiry, drawn per key (keys written together expire apart)
--   cost       units one permit uses in quota i (>= 1; 0 for a quota only charges fill, which
--              admits while at least one unit is free and records nothing)
--
-- Reply: { permits granted (0 refused; -1 when past the deadline, and nothing else follows),
--          retry-after in µs (0 when granted), Redis's time in µs,
--          then for each quota i: units used (including what this call recorded),
--                                 µs until quota i is fully available again,
--                                 1 when quota i refused (or, in shadow mode, would have), else 0 }
--
-- Permits are recorded in every quota or in none; refused requests are not recorded. A shadow
-- quota is recorded only while it has room, so it holds what enforcing it would admit.
-- Sliding log invariant: within any interval of one window, at most `limit` admissions. Reserved
-- permits count before they are used, at the latest time they may be used (now + lease): the
-- sliding log scores them there, the sliding counter puts them in that sub-window, the token
-- bucket takes them now and refills them only from then on, the rest of it as before
-- (docs/how-it-works.md has the argument).
-- Near the limit a lease shrinks, down to the one permit of the request itself.

-- This file is loaded once as a library of Redis functions where the server has them (Redis 7:
-- FUNCTION LOAD, then FCALL), and sent as a script where it does not (EVALSHA): LuaScripts adds
-- the registration or the call of `decide` at the end. The algorithms below are defined once per
-- load, not per call; the call being run sets the state they share (Redis runs one at a time).
local now, nowText, lease, at, firstNow, member

-- Lua prints large numbers in %.14g; scores and fields go to Redis as exact integer strings.
-- (Not %d: Lua formats it as a C long, 32 bits on some servers, where microseconds overflow.)
local function int(x)
  return string.format('%.0f', x)
end

-- Each algorithm: check(q) fills q.used (units), q.room (whole permits that fit now, each of
-- q.cost units), q.retry (µs until one more fits when none does); record(q, n) admits n permits
-- at `at`; reset(q) gives µs until the quota is fully available again. A sliding log holds one
-- entry per unit, so at most `limit` entries per window whatever the cost.

local log = {}
function log.check(q)
  redis.call('ZREMRANGEBYSCORE', q.key, '-inf', int(now - q.window))
  q.used = redis.call('ZCARD', q.key)
  q.room = math.floor((q.limit - q.used) / q.need)
  if q.room < 1 then
    -- The entry that must expire before one more request fits: the (used + cost - limit)th
    -- oldest; with a lowered limit or a cost above one that is not the oldest.
    local index = q.used + q.need - q.limit - 1
    if index >= q.used then
      q.retry = q.window + lease
    else
      local blocking = redis.call('ZRANGE', q.key, index, index, 'WITHSCORES')
      q.retry = tonumber(blocking[2]) + q.window - now
    end
  end
end
function log.record(q, n)
  if lease == 0 and q.cost == 1 then
    redis.call('ZADD', q.key, nowText, member)
  else
    -- permit p's units are entries member:(p-1)*cost+1 .. member:p*cost (return_permits.lua
    -- finds the unused ones by number); the request's own permit is used now
    -- in chunks: unpack takes a few thousand values at most, and a cost may be the whole limit
    local score, entries, units = int(at), {}, n * q.cost
    for i = 1, units do
      entries[#entries + 1] = (lease == 0 or (firstNow and i <= q.cost)) and int(now) or score
      entries[#entries + 1] = member .. ':' .. i
      if #entries == 1000 or i == units then
        redis.call('ZADD', q.key, unpack(entries))
        entries = {}
      end
    end
  end
  redis.call('PEXPIRE', q.key, math.floor((q.window + lease) / 1000) + 1000 + q.jitter)
  q.used = q.used + n * q.cost
  q.recorded = true
end
function log.reset(q)
  if q.recorded then
    return q.window + lease
  end
  if q.used == 0 then
    return 0
  end
  local newest = redis.call('ZRANGE', q.key, -1, -1, 'WITHSCORES')
  return tonumber(newest[2]) + q.window - now
end

-- Sub-windows of length sub; field j counts the admissions in [j*sub, (j+1)*sub). The window
-- (now - window, now] covers sub-windows cur-n+1..cur entirely and a part of cur-n, which is
-- weighted by that part (Cloudflare's approximation, with n sub-windows instead of two). Fields
-- after cur hold leases (permits reserved at the sub-window of their lease's end); they count in
-- full.
local counter = {}
function counter.check(q)
  q.sub = math.floor(q.window / q.extra)
  q.cur = math.floor(now / q.sub)
  local weight = 1 - (now - q.cur * q.sub) / q.sub
  local fields = redis.call('HGETALL', q.key)
  local counts, stale, estimate, newest, ahead = {}, {}, 0, nil, 0
  for f = 1, #fields, 2 do
    local j, count = tonumber(fields[f]), tonumber(fields[f + 1])
    if j > q.cur - q.extra then
      estimate = estimate + count
      counts[j] = count
      if j > q.cur then ahead = ahead + count end
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
  q.room = math.floor((q.limit - estimate) / q.need)
  if q.room < 1 then
    -- Walk forward sub-window by sub-window: while cur+k is current, cur-n+k is the weighted one.
    local after = ahead
    for j = q.cur - q.extra + 1, q.cur do
      after = after + (counts[j] or 0)
    end
    for k = 0, q.extra do
      local oldest = counts[q.cur - q.extra + k] or 0
      if after + q.need <= q.limit then
        -- the weight must fall below (limit - cost - after) / oldest; it is 1 - fraction of cur+k gone
        local gone = (oldest > 0) and (1 - (q.limit - q.need - after) / oldest) or 0
        if gone < 0 then gone = 0 end
        q.retry = math.max(1, math.ceil((q.cur + k + gone) * q.sub - now) + 1)
        return
      end
      after = after - (counts[q.cur - q.extra + k + 1] or 0)
    end
    q.retry = q.window + lease
  end
end
function counter.record(q, n)
  local j = math.floor(at / q.sub)
  q.used = q.used + n * q.cost
  if firstNow then
    redis.call('HINCRBY', q.key, int(q.cur), q.cost)
    n = n - 1
  end
  if n > 0 then
    redis.call('HINCRBY', q.key, int(j), n * q.cost)
  end
  redis.call('PEXPIRE', q.key, math.floor((q.window + q.sub + lease) / 1000) + 1000 + q.jitter)
  if n > 0 and (q.newest == nil or j > q.newest) then q.newest = j end
  if q.newest == nil or q.cur > q.newest then q.newest = q.cur end
end
function counter.reset(q)
  if q.newest == nil then
    return 0
  end
  -- sub-window `newest` stops counting when it has wholly left the window
  return (q.newest + q.extra + 1) * q.sub - now
end

-- Tokens refill continuously at limit per window up to the bucket size (extra). The hash holds
-- `tokens`, the level at time `ts` with every permit taken so far subtracted, and one field per
-- lease end `e` (µs) with the units of leases ending then: that part of the debt is pending, it
-- refills only from `e` on, as if each reserved permit were used at the latest time it may be.
-- The rest of the debt (active) refills at the rate from the time it was taken, and never below
-- zero (the bucket is never above its size). So a lease costs no refill but its own: the bucket
-- keeps its rate under back-to-back leases (docs/how-it-works.md has the argument).
-- Once an end has passed and a decision has made its units part of the active debt, a field
-- -<end> keeps, for return_permits.lua, what of them has not refilled yet: the debt refills oldest
-- first, so they start refilling at s, once the debt ahead of them has, and are all refilled at f.
-- An instance gives a lease's unused permits back only after its end (its sweep runs once a lease
-- length); what of them is still debt can come off it then, as if never reserved. Kept until f,
-- at most CREDIT_FOR µs after the end. The value is "<units>.<s - end><f - end>", the offsets in
-- whole µs rounded down, 15 digits each: to a release before 2026-12-07 the field is a number, a
-- lease end long past whose `units` join the debt they are part of already (no change, or more
-- debt when the bucket is near full; never less), and it deletes it as any ended field.
-- (return_permits.lua reads the same format; scripts have no includes.)
local CREDIT_FOR = 1000000
local CREDIT = '^(%d+)%.(%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d)(%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d)$' -- 15 digits each

local function credit(units, from, to)
  return string.format('%.0f.%015.0f%015.0f', units, math.floor(from), math.floor(to))
end

local function byEnd(x, y)
  return x[1] < y[1]
end

-- µs from now until the bucket's debt is at most `target`: the active debt refills at the rate,
-- each pending one joins it at its end
local function bucketWait(q, target)
  local active, pending, t = q.active, q.pending, now
  local left = q.pendingUnits
  for k = 1, #pending do
    local excess = active + left - target
    if excess <= 0 then
      return t - now
    end
    local e = pending[k][1]
    if excess <= active and excess / q.rate <= e - t then
      return t - now + excess / q.rate
    end
    active = math.max(0, active - (e - t) * q.rate) + pending[k][2]
    left = left - pending[k][2]
    t = e
  end
  -- nothing pending any more: the active debt refills down to the target
  return t - now + math.max(0, active - target) / q.rate
end

local bucket = {}
function bucket.check(q)
  q.rate = q.limit / q.window
  local fields = redis.call('HGETALL', q.key)
  local tokens, ts, pending, ended, units = q.extra, now, {}, {}, 0
  local stale = {}
  for f = 1, #fields, 2 do
    local name = fields[f]
    if name == 'tokens' then
      tokens = tonumber(fields[f + 1])
    elseif name == 'ts' then
      ts = tonumber(fields[f + 1])
    elseif string.byte(name) == 45 then
      -- -<end>: units that may still come back, part of the active debt already
      local e = tonumber(string.sub(name, 2))
      local _, _, refilled = string.match(fields[f + 1], CREDIT)
      if not refilled or e + tonumber(refilled) <= now or e + CREDIT_FOR <= now then stale[#stale + 1] = name end
    else
      pending[#pending + 1] = { tonumber(name), tonumber(fields[f + 1]), name }
      units = units + pending[#pending][2]
    end
  end
  if ts > now then
    -- written by an earlier version, which froze the whole bucket until its last lease's end (or
    -- by a primary whose clock was ahead): the rest of the debt is pending until then, in whole
    -- units (a field counts with HINCRBY), rounded up
    local frozen = math.ceil(math.max(0, q.extra - tokens - units))
    pending[#pending + 1] = { ts, frozen, false }
    units, ts = units + frozen, now
  end
  table.sort(pending, byEnd)
  -- the active debt at ts, refilled to now; pending debts that ended since join it at their end
  local active = math.max(0, q.extra - tokens - units)
  while #pending > 0 and pending[1][1] <= now do
    local e = table.remove(pending, 1)
    if e[1] > ts then
      active = math.max(0, active - (e[1] - ts) * q.rate)
      ts = e[1]
    end
    -- its units refill once the debt ahead of them has: from s on, all of them by f
    e[4] = ts + active / q.rate
    e[5] = e[4] + e[2] / q.rate
    active = active + e[2]
    units = units - e[2]
    if e[3] then ended[#ended + 1] = e end -- (false: no field)
  end
  active = math.max(0, active - (now - ts) * q.rate)
  q.active, q.pending, q.pendingUnits, q.ended, q.stale = active, pending, units, ended, stale
  tokens = q.extra - active - units
  q.tokens = tokens
  q.used = q.extra - math.floor(tokens)
  q.room = math.floor(tokens / q.need)
  if q.room < 1 then
    q.retry = math.max(1, math.ceil(bucketWait(q, q.extra - q.need)))
  end
end
function bucket.record(q, n)
  local later = (lease == 0) and 0 or (firstNow and (n - 1) or n) * q.cost
  q.active = q.active + n * q.cost - later
  q.tokens = q.tokens - n * q.cost
  redis.call('HSET', q.key, 'tokens', string.format('%.17g', q.tokens), 'ts', int(now))
  if later > 0 then
    redis.call('HINCRBY', q.key, int(at), later)
    local p = q.pending
    local merged = false
    for k = 1, #p do
      if p[k][1] == at and p[k][3] ~= false then p[k][2] = p[k][2] + later; merged = true end
    end
    if not merged then
      p[#p + 1] = { at, later }
      table.sort(p, byEnd)
    end
    q.pendingUnits = q.pendingUnits + later
  end
  -- pending debts that have ended are active now: their fields go, their credits stay a while
  local gone, credits = q.stale, {}
  for k = 1, #q.ended do
    local e = q.ended[k]
    gone[#gone + 1] = e[3]
    if e[2] > 0 and e[5] > now and e[1] + CREDIT_FOR > now then
      credits[#credits + 1] = '-' .. e[3]
      credits[#credits + 1] = credit(e[2], e[4] - e[1], e[5] - e[1])
    end
  end
  if #gone > 0 then
    redis.call('HDEL', q.key, unpack(gone))
  end
  if #credits > 0 then
    redis.call('HSET', q.key, unpack(credits))
  end
  local last = now
  for k = 1, #q.pending do
    local e = q.pending[k]
    if e[1] > last then last = e[1] end
    if e[3] == false then
      -- an earlier version's frozen bucket, kept pending until its end
      redis.call('HINCRBY', q.key, int(e[1]), e[2])
    end
  end
  -- kept until every pending debt has ended and all of it refilled
  redis.call('PEXPIRE', q.key, math.floor(((q.extra - q.tokens) / q.rate + last - now) / 1000) + 1000 + q.jitter)
  q.used = q.extra - math.floor(q.tokens)
end
function bucket.reset(q)
  return math.ceil(bucketWait(q, 0))
end

-- by the algorithm's argument as sent: a string compare, not a number to parse
local algorithms = { ['1'] = log, ['2'] = counter, ['3'] = bucket }

-- Arguments that are almost always 0 or 1 are told apart as strings: tonumber runs strtod, which
-- costs Redis about 900 instructions a call
local function number(text)
  if text == '0' then return 0 end
  if text == '1' then return 1 end
  return tonumber(text)
end

local function decide(KEYS, ARGV)
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
  -- now as Redis gave it, without printing a number: a %.0f of 16 digits costs Redis about 3,000
  -- instructions, 3 % of a decision (microseconds have six digits)
  nowText = time[1] .. string.sub('00000' .. time[2], -6)
  local deadline = number(ARGV[2])
  local want = number(ARGV[3])
  lease, firstNow, member = number(ARGV[4]), ARGV[5] == '1', ARGV[1]
  at = now + lease
  if deadline > 0 and now > deadline then
    return { -1, 0, now }
  end

  -- Permits that fit in every enforced quota, at most `want` and a quarter of the room left; a
  -- shadow quota records them only when it has room for them all.
  local quotas = {}
  local room = math.huge
  local retry = 0
  for i = 1, #KEYS do
    local a = 7 * i - 1
    local q = { key = KEYS[i], algorithm = algorithms[ARGV[a]], limit = tonumber(ARGV[a + 1]),
                window = tonumber(ARGV[a + 2]), shadow = ARGV[a + 3] == '1', extra = number(ARGV[a + 4]),
                jitter = number(ARGV[a + 5]), cost = number(ARGV[a + 6]), retry = 0 }
    q.need = math.max(q.cost, 1)
    q.algorithm.check(q)
    if q.cost == 0 and q.room >= 1 then
      -- records nothing: any number of permits fits while one unit is free
      q.room = math.huge
    end
    if not q.shadow then
      if q.room < room then room = q.room end
      if q.room < 1 and q.retry > retry then retry = q.retry end
    end
    quotas[i] = q
  end
  local granted = 0
  if room >= 1 then
    -- near the limit a lease shrinks, so the last permits are decided one at a time: the request's
    -- own permit still fits, a batch fetched ahead gets nothing
    granted = math.min(want, math.floor(room / 4))
    if firstNow then
      granted = math.max(1, granted)
    end
    retry = 0
  end

  local reply = { granted, retry, now }
  for i, q in ipairs(quotas) do
    if granted > 0 and q.room >= granted and member ~= '' and q.cost > 0 then
      q.algorithm.record(q, granted)
    end
    reply[3 * i + 1] = q.used
    reply[3 * i + 2] = q.algorithm.reset(q)
    reply[3 * i + 3] = (q.room < 1) and 1 or 0
  end
  return reply
end
