-- Prepended to charge.lua and write_back.lua (LuaScripts.load with a prelude): where a token
-- bucket stands at `now` for a script that adds to it outside a decision. A lease's pending units
-- (fields named by the lease's end, see sliding_window.lua) do not refill here, only the rest of
-- the debt does, so this never gives more than the decision's own accounting. A time ahead (an
-- earlier version froze the bucket until then) stays: nothing refills before it.
-- Returns the tokens at `now`, the bucket's time (now, or later), and the latest pending end.
local function bucketLevel(key, extra, rate, now)
  local fields = redis.call('HGETALL', key)
  local tokens, ts, pending, last = extra, now, 0, now
  for f = 1, #fields, 2 do
    if fields[f] == 'tokens' then
      tokens = tonumber(fields[f + 1])
    elseif fields[f] == 'ts' then
      ts = tonumber(fields[f + 1])
    elseif string.byte(fields[f]) ~= 45 then -- (not -<end>: ended debt, refilling already)
      pending = pending + tonumber(fields[f + 1])
      last = math.max(last, tonumber(fields[f]))
    end
  end
  return math.min(extra - pending, tokens + math.max(0, now - ts) * rate), math.max(now, ts), last
end

